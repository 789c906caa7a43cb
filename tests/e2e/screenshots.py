"""Where browser tests save screenshots: docs/screenshots (reviewed, committed, shown on the
homepage) when SHARETUBE_SCREENSHOTS=1, otherwise a temp folder, so a test run leaves the tree clean."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
TEMP = Path(tempfile.gettempdir()) / "sharetube-screenshots"
SCREENSHOTS = DOCS if os.environ.get("SHARETUBE_SCREENSHOTS") == "1" else TEMP
