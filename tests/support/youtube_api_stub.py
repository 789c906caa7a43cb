"""A local stand-in for the YouTube Data API v3 (loopback, free port): `playlistItems` and `videos`.

    with YouTubeApiStub(key="test-key") as api:
        api.set_playlist("PLabc", [("vid00000001", "First", "Channel"), ...])
        api.url            # -> YOUTUBE_API_URL
        api.requests       # every path asked (the key included, as the real API sees it)

`GET /playlistItems?part=snippet&playlistId=…&maxResults=N&pageToken=…&key=…` pages like the real
API (`nextPageToken` while more remain; 404 `playlistNotFound` for an unknown id; 400 for a wrong
key). `GET /videos?id=…&key=…` answers the registered titles. `delay_s` holds each answer,
`padding_bytes` makes pages large, `status` forces an error, `unavailable` lists video ids shown
as YouTube shows a private video (title "Private video", no channel).
"""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


class YouTubeApiStub:
    def __init__(self, key: str = "test-key") -> None:
        self.key = key
        self.playlists: dict[str, list[tuple[str, str, str]]] = {}
        self.unavailable: set[str] = set()
        self.requests: list[str] = []
        self.delay_s = 0.0
        self.padding_bytes = 0
        self.status: int | None = None
        self._server: ThreadingHTTPServer | None = None

    def set_playlist(self, list_id: str, videos: list[tuple[str, str, str]]) -> None:
        """(video_id, title, channel) in playlist order."""
        self.playlists[list_id] = list(videos)

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def paths(self, endpoint: str) -> list[str]:
        return [p for p in self.requests if urlsplit(p).path == f"/{endpoint}"]

    def answer(self, path: str) -> tuple[int, bytes]:
        parts = urlsplit(path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if self.status is not None:
            return self.status, b'{"error": {"code": 500}}'
        if query.get("key") != self.key:
            return 400, json.dumps({"error": {"code": 400, "errors": [{"reason": "keyInvalid"}]}}).encode()
        if parts.path == "/playlistItems":
            return self._playlist_page(query)
        if parts.path == "/videos":
            return self._videos(query)
        return 404, b"{}"

    def _playlist_page(self, query: dict[str, str]) -> tuple[int, bytes]:
        videos = self.playlists.get(query.get("playlistId", ""))
        if videos is None:
            return 404, json.dumps({"error": {"code": 404, "errors": [{"reason": "playlistNotFound"}]}}).encode()
        size = min(50, int(query.get("maxResults", "5")))
        start = int(query.get("pageToken", "0") or 0)
        items = []
        for vid, title, channel in videos[start:start + size]:
            snippet: dict[str, Any] = {"title": "Private video" if vid in self.unavailable else title,
                                       "resourceId": {"kind": "youtube#video", "videoId": vid},
                                       "description": "x" * 200}
            if vid not in self.unavailable:
                snippet["videoOwnerChannelTitle"] = channel
            items.append({"kind": "youtube#playlistItem", "snippet": snippet})
        page: dict[str, Any] = {"kind": "youtube#playlistItemListResponse", "items": items,
                                "pageInfo": {"totalResults": len(videos), "resultsPerPage": size}}
        if start + size < len(videos):
            page["nextPageToken"] = str(start + size)
        if self.padding_bytes:
            page["padding"] = "p" * self.padding_bytes
        return 200, json.dumps(page).encode()

    def _videos(self, query: dict[str, str]) -> tuple[int, bytes]:
        known = {vid: (title, channel) for videos in self.playlists.values() for vid, title, channel in videos}
        items = [{"id": vid, "snippet": {"title": known[vid][0], "channelTitle": known[vid][1], "thumbnails": {}},
                  "contentDetails": {"duration": "PT1M"}}
                 for vid in query.get("id", "").split(",") if vid in known]
        return 200, json.dumps({"items": items}).encode()

    def start(self) -> YouTubeApiStub:
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

    def __enter__(self) -> YouTubeApiStub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
