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
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.support.json_api_stub import JsonApiStub


class YouTubeApiStub(JsonApiStub):
    def __init__(self, key: str = "test-key") -> None:
        super().__init__()
        self.key = key
        self.playlists: dict[str, list[tuple[str, str, str]]] = {}
        self.unavailable: set[str] = set()

    def set_playlist(self, list_id: str, videos: list[tuple[str, str, str]]) -> None:
        """(video_id, title, channel) in playlist order."""
        self.playlists[list_id] = list(videos)

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
