"""What the sync_accuracy bench runs against: a long WebM on the imitation YouTube, one real
ShareTube (tests.support.cluster.ServerProc, pool `single`, SQLite) and the built extension."""
from __future__ import annotations

import math
import re
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.bench.sync_viewers import E2E  # noqa: F401  (importing it puts tests/e2e on sys.path)
from tests.support.cluster import ServerProc

SERVER_ENV = {"AD_HOLD_TIMEOUT_MS": "30000", "START_TIMEOUT_MS": "4000"}


@dataclass
class BenchEnv:
    fake: Any  # harness.fake_youtube.FakeYouTube
    server: Any
    extension: Path
    clip_ms: int
    run_dir: Path  # this run's own folder inside the workdir (profiles, server, database)

    def log_summary(self) -> dict:
        """Counts of the server log's WARNING/ERROR lines, by their first words."""
        counts: Counter[str] = Counter()
        for line in self.server.log.splitlines():
            m = re.search(r"\b(WARNING|ERROR|CRITICAL)\b\s+(\S+)?\s*(.{0,60})", line)
            if m:
                counts[f"{m.group(1)} {m.group(2) or ''} {m.group(3)}".strip()[:90]] += 1
        return dict(counts.most_common(15))


def clip_seconds(duration_s: float) -> int:
    """Long enough for a steady window plus the starts and seeks after it (whole minutes)."""
    return int(60 * math.ceil((max(duration_s, 10) + 110) / 60))


@contextmanager
def bench_environment(workdir: Path, duration_s: float) -> Iterator[BenchEnv]:
    from extension_helpers import built_extension
    from harness.fake_youtube import FakeYouTube
    from harness.videos import ClipSpec, ensure_clip, ensure_standard_clips

    from tests.bench.sync_accuracy import VIDEO_ID

    workdir.mkdir(parents=True, exist_ok=True)
    run_dir = Path(tempfile.mkdtemp(dir=workdir, prefix="run-"))
    seconds = clip_seconds(duration_s)
    long_clip = ensure_clip(ClipSpec(name="synclong", duration_s=float(seconds)))
    clips = {**ensure_standard_clips(), "synclong": long_clip}
    fake = FakeYouTube(clips, work_dir=run_dir / "fake-youtube").start()
    server = None
    try:
        fake.register(VIDEO_ID, title="Sync bench clip", channel="Bench", clip="synclong")
        fake.autonav = False
        extension = built_extension(run_dir)
        env = {**SERVER_ENV, "YOUTUBE_OEMBED_URL": fake.oembed_url}
        server = ServerProc(run_dir / "server", f"sqlite:///{run_dir / 'sync-bench.db'}", pool="single",
                            env=env).start()
        yield BenchEnv(fake, server, extension, seconds * 1000, run_dir)
    finally:
        if server is not None:
            server.stop()
        fake.stop()
