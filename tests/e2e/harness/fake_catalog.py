"""What the imitation YouTube knows about videos: a registry the tests fill, with defaults.

Any well-formed 11-character id is a video (the 30 s "main" clip, a made-up title) unless the
test registered it with another clip, title, channel or "up next" video.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from urllib.parse import parse_qs, urlparse

VIDEO_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{11}$")
DEFAULT_CHANNEL = "ShareTube Test Channel"
FALLBACK_UP_NEXT_ID = "upnextvid01"


@dataclass(frozen=True)
class FakeVideo:
    video_id: str
    title: str
    channel: str
    clip: str = "main"  # a clip name: "main" (30 s), "short" (12 s), "ad" (5 s)
    up_next: str | None = None  # the video autonav goes to; None = the next registered one
    embeddable: bool = True  # False: oEmbed answers 401 like YouTube for non-embeddable videos

    @property
    def channel_handle(self) -> str:
        return "@" + (re.sub(r"[^A-Za-z0-9]", "", self.channel) or "channel")


def is_video_id(value: str) -> bool:
    return bool(VIDEO_ID_PATTERN.match(value))


def video_id_from_url(url: str) -> str | None:
    """The id in a watch, youtu.be, shorts or embed URL, or None."""
    parsed = urlparse(url)
    host = (parsed.hostname or "").lower()
    candidates: list[str] = []
    if host.endswith("youtu.be"):
        candidates.append(parsed.path.strip("/").split("/")[0])
    else:
        candidates.extend(parse_qs(parsed.query).get("v", []))
        parts = [p for p in parsed.path.split("/") if p]
        if len(parts) >= 2 and parts[0] in ("shorts", "embed", "live", "v"):
            candidates.append(parts[1])
    for candidate in candidates:
        if is_video_id(candidate):
            return candidate
    return None


class Catalog:
    """Thread-safe registry: the server's handler threads read it, the tests write it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._videos: dict[str, FakeVideo] = {}

    def register(
        self,
        video_id: str,
        *,
        title: str | None = None,
        channel: str | None = None,
        clip: str = "main",
        up_next: str | None = None,
        embeddable: bool = True,
    ) -> FakeVideo:
        if not is_video_id(video_id):
            raise ValueError(f"not an 11-character YouTube id: {video_id!r}")
        video = FakeVideo(
            video_id=video_id,
            title=title or f"Test video {video_id}",
            channel=channel or DEFAULT_CHANNEL,
            clip=clip,
            up_next=up_next,
            embeddable=embeddable,
        )
        with self._lock:
            self._videos[video_id] = video
        return video

    def clear(self) -> None:
        with self._lock:
            self._videos.clear()

    def registered(self) -> list[FakeVideo]:
        with self._lock:
            return list(self._videos.values())

    def get(self, video_id: str) -> FakeVideo:
        with self._lock:
            known = self._videos.get(video_id)
        if known:
            return known
        return FakeVideo(video_id=video_id, title=f"Test video {video_id}", channel=DEFAULT_CHANNEL)

    def up_next_for(self, video_id: str) -> FakeVideo:
        current = self.get(video_id)
        if current.up_next:
            return self.get(current.up_next)
        ids = [v.video_id for v in self.registered()]
        if video_id in ids:
            # The one registered after it, wrapping around.
            later = ids[ids.index(video_id) + 1 :] + ids[: ids.index(video_id)]
            if later:
                return self.get(later[0])
        others = [i for i in ids if i != video_id]
        if others:
            return self.get(others[0])
        fallback = FALLBACK_UP_NEXT_ID if video_id != FALLBACK_UP_NEXT_ID else "abcdefghijk"
        return self.get(fallback)

    def related_for(self, video_id: str) -> list[FakeVideo]:
        """The "up next" video first, then every other registered one."""
        first = self.up_next_for(video_id)
        rest = [v for v in self.registered() if v.video_id not in (video_id, first.video_id)]
        return [first, *rest]
