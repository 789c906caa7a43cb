"""Small real WebM clips for browser tests, generated once with ffmpeg and cached on disk.

Each clip has a burned-in label, the presentation time and the frame number, so a screenshot
shows where a player is. Files are keyed by their parameters, so a changed recipe makes a new file.
The cache lives in $SHARETUBE_TEST_CACHE (default: /tmp/sharetube-test-cache).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)
RECIPE_VERSION = "1"


@dataclass(frozen=True)
class ClipSpec:
    """How one clip looks: its length, size, frame rate, colour tint and label."""

    name: str
    duration_s: float
    width: int = 320
    height: int = 180
    fps: int = 15
    tint: str = ""  # an ffmpeg colour ("red", "0x2060ff"); empty = testsrc2's own colours
    tone_hz: int = 440
    video_bitrate: str = "120k"

    def cache_key(self) -> str:
        raw = repr((RECIPE_VERSION, self))
        return hashlib.sha256(raw.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Clip:
    """A generated clip on disk."""

    name: str
    path: Path
    duration_s: float

    @property
    def size(self) -> int:
        return self.path.stat().st_size


# The clips every suite uses. "main" is the default for any video id.
MAIN = ClipSpec(name="main", duration_s=30.0)
SHORT = ClipSpec(name="short", duration_s=12.0, tone_hz=660)
AD = ClipSpec(name="ad", duration_s=5.0, tint="0xd02020", tone_hz=880)
STANDARD_CLIPS = (MAIN, SHORT, AD)


def cache_dir() -> Path:
    root = Path(os.environ.get("SHARETUBE_TEST_CACHE") or "/tmp/sharetube-test-cache")
    path = root / "videos"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _font_path() -> str | None:
    for candidate in FONT_CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    return None


def _video_filter(spec: ClipSpec) -> str:
    steps: list[str] = []
    if spec.tint:
        # Keep the test pattern's motion but wash it in the tint, so an ad is obvious.
        steps.append(
            f"drawbox=x=0:y=0:w=iw:h=ih:color={spec.tint}@0.55:t=fill"
        )
    font = _font_path()
    if font:
        label = spec.name.replace(":", "")
        steps.append(
            f"drawtext=fontfile={font}:text='{label} %{{pts\\:hms}} f%{{n}}'"
            ":x=8:y=8:fontsize=18:fontcolor=white:box=1:boxcolor=black@0.7"
        )
    return ",".join(steps) if steps else "null"


def _ffmpeg_command(spec: ClipSpec, out: Path) -> list[str]:
    d = f"{spec.duration_s:g}"
    return [
        "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=size={spec.width}x{spec.height}:rate={spec.fps}:duration={d}",
        "-f", "lavfi", "-i", f"sine=frequency={spec.tone_hz}:sample_rate=48000:duration={d}",
        "-vf", _video_filter(spec),
        "-c:v", "libvpx", "-b:v", spec.video_bitrate, "-deadline", "realtime", "-cpu-used", "8",
        "-g", str(spec.fps),  # a keyframe every second keeps seeks cheap
        "-c:a", "libopus", "-b:a", "32k",
        "-shortest", str(out),
    ]


def ensure_clip(spec: ClipSpec) -> Clip:
    """Return the clip for `spec`, generating it if it is not cached yet."""
    if shutil.which("ffmpeg") is None:
        raise RuntimeError("ffmpeg is not installed; browser tests need it to make test videos")
    target = cache_dir() / f"{spec.name}-{spec.cache_key()}.webm"
    if not target.is_file() or target.stat().st_size == 0:
        # Write to a temporary name first so parallel runs never see half a file.
        fd, tmp_name = tempfile.mkstemp(suffix=".webm", dir=target.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            subprocess.run(_ffmpeg_command(spec, tmp), check=True, timeout=120)
            tmp.chmod(0o644)
            tmp.replace(target)
        finally:
            tmp.unlink(missing_ok=True)
    return Clip(name=spec.name, path=target, duration_s=spec.duration_s)


def ensure_standard_clips() -> dict[str, Clip]:
    """The standard clips by name: "main" (30 s), "short" (12 s), "ad" (5 s, red)."""
    return {spec.name: ensure_clip(spec) for spec in STANDARD_CLIPS}
