"""A local SponsorBlock-compatible segment API for tests (loopback, free port).

    with SegmentApiStub() as api:
        api.set_segments("dQw4w9WgXcQ", [("sponsor", 30.0, 42.5)])
        api.url            # -> SPONSORBLOCK_API_URL
        api.requests       # every path asked, e.g. ["/api/skipSegments/a1b2?categories=..."]

It answers `GET /api/skipSegments/<hash prefix>?categories=[...]` like the real API: every video
whose sha256 starts with the prefix, only the asked categories, 404 when none. `delay_s` holds
each answer (timeouts), `padding_bytes` makes answers large (size caps), `status` forces an error.
"""

from __future__ import annotations

import hashlib
import json
from urllib.parse import parse_qs, urlsplit

from tests.support.json_api_stub import JsonApiStub


class SegmentApiStub(JsonApiStub):
    def __init__(self) -> None:
        super().__init__()
        self.videos: dict[str, list[tuple[str, float, float]]] = {}

    def set_segments(self, video_id: str, segments: list[tuple[str, float, float]]) -> None:
        self.videos[video_id] = list(segments)

    def answer(self, path: str) -> tuple[int, bytes]:
        parts = urlsplit(path)
        if not parts.path.startswith("/api/skipSegments/"):
            return 404, b"Not Found"
        prefix = parts.path.rsplit("/", 1)[1]
        if self.status is not None:
            return self.status, b"error"
        try:
            categories = json.loads(parse_qs(parts.query).get("categories", ['["sponsor"]'])[0])
        except ValueError:
            return 400, b"bad categories"
        found = []
        for video_id, segments in self.videos.items():
            digest = hashlib.sha256(video_id.encode()).hexdigest()
            chosen = [s for s in segments if s[0] in categories]
            if digest.startswith(prefix) and chosen:
                found.append({"videoID": video_id, "hash": digest, "segments": [
                    {"category": cat, "actionType": "skip", "segment": [start, end],
                     "UUID": f"{video_id}-{i}", "videoDuration": 0, "locked": 0, "votes": 1,
                     "description": ""} for i, (cat, start, end) in enumerate(chosen)]})
        if not found:
            return 404, b"Not Found"
        body = json.dumps(found)
        if self.padding_bytes:
            found.append({"videoID": "padding", "segments": [], "pad": "x" * self.padding_bytes})
            body = json.dumps(found)
        return 200, body.encode()
