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
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


class SegmentApiStub:
    def __init__(self) -> None:
        self.videos: dict[str, list[tuple[str, float, float]]] = {}
        self.requests: list[str] = []
        self.delay_s = 0.0
        self.padding_bytes = 0
        self.status: int | None = None
        self._server: ThreadingHTTPServer | None = None

    def set_segments(self, video_id: str, segments: list[tuple[str, float, float]]) -> None:
        self.videos[video_id] = list(segments)

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

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

    def start(self) -> SegmentApiStub:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                stub.requests.append(self.path)
                if stub.delay_s:
                    time.sleep(stub.delay_s)
                status, body = stub.answer(self.path)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the client gave up (timeout tests)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> SegmentApiStub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
