"""The product's version ("release"): one source of truth, `version` in the repository's
package.json. The extension build writes it into the manifest; the server reports it in
`/api/health`. Not the `VERSION` environment variable, which names an instance (its folder,
logs and systemd units, e.g. `v1-03`)."""
from __future__ import annotations

import json
from functools import cache

from server.config import REPO_ROOT

PACKAGE_JSON = REPO_ROOT / "package.json"


@cache
def product_version() -> str:
    """The `MAJOR.MINOR.PATCH` release of this checkout; "unknown" if package.json cannot be read."""
    try:
        version = json.loads(PACKAGE_JSON.read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError, TypeError):
        return "unknown"
    return version if isinstance(version, str) else "unknown"
