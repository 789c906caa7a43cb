"""The request handler of the imitation YouTube: routing, JSON, static files, HTTP Range."""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from http import HTTPStatus
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlparse

from .fake_catalog import is_video_id, video_id_from_url
from .fake_watch_page import render_home_page, render_watch_page

if TYPE_CHECKING:
    from .fake_youtube import FakeYouTube

STATIC_DIR = Path(__file__).parent / "static"
STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
CHUNK = 64 * 1024
THROTTLED_CHUNK = 4 * 1024  # under a throttle: small pieces, so the rate is even
RANGE_PATTERN = re.compile(r"^bytes=(\d*)-(\d*)$")


@dataclass(frozen=True)
class MediaRequest:
    """One request for a media file, kept so tests can check how the browser fetched it."""

    path: str
    range_header: str | None
    status: int


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) byte of a single `bytes=` range, or None if it cannot be satisfied.

    Raises ValueError for a header we do not understand (several ranges, other units); the
    caller then ignores it and sends the whole file, as RFC 9110 allows.
    """
    match = RANGE_PATTERN.match(header.strip())
    if not match or match.group(1) == match.group(2) == "":
        raise ValueError(header)
    first_s, last_s = match.groups()
    if first_s == "":  # suffix: the last N bytes
        length = int(last_s)
        if length == 0 or size == 0:
            return None
        return max(0, size - length), size - 1
    first = int(first_s)
    last = int(last_s) if last_s else size - 1
    if first >= size or last < first:
        return None
    return first, min(last, size - 1)


class FakeYouTubeHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeYouTube/1"
    timeout = 30  # idle keep-alive connections end instead of piling up

    @property
    def fake(self) -> FakeYouTube:
        return self.server.fake  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base signature
        pass

    def do_HEAD(self) -> None:  # noqa: N802 - http.server naming
        self._route(head=True)

    def do_GET(self) -> None:  # noqa: N802
        self._route(head=False)

    # --- routing ---------------------------------------------------------------------------
    def _route(self, *, head: bool) -> None:
        url = urlparse(self.path)
        query = parse_qs(url.query)
        path = url.path
        if path == "/watch":
            video_id = (query.get("v") or [""])[0]
            if not is_video_id(video_id):
                return self._send_text(HTTPStatus.NOT_FOUND, "no such video", head=head)
            html = render_watch_page(self.fake.page_data(video_id, (query.get("list") or [None])[0]))
            return self._send_bytes(HTTPStatus.OK, html.encode(), "text/html; charset=utf-8", head)
        if path == "/":
            related = [self.fake.video_json(v.video_id) for v in self.fake.catalog.registered()]
            html = render_home_page(related)
            return self._send_bytes(HTTPStatus.OK, html.encode(), "text/html; charset=utf-8", head)
        if path == "/api/video":
            video_id = (query.get("v") or [""])[0]
            if not is_video_id(video_id):
                return self._send_json(HTTPStatus.NOT_FOUND, {"error": "bad id"}, head)
            return self._send_json(HTTPStatus.OK, self.fake.page_data(video_id, (query.get("list") or [None])[0]), head)
        if path == "/oembed":
            return self._oembed(query, head)
        if path.startswith("/media/") and path.endswith(".webm"):
            return self._media(path[len("/media/") : -len(".webm")], head)
        match = re.fullmatch(r"/vi(?:_webp)?/([A-Za-z0-9_-]{11})/[a-z0-9_]+\.(?:jpg|webp)", path)
        if match:
            data = self.fake.thumbnail_path(match.group(1)).read_bytes()
            return self._send_bytes(HTTPStatus.OK, data, "image/jpeg", head, cors=True)
        if path.startswith("/static/"):
            return self._static(path[len("/static/") :], head)
        if path in ("/favicon.ico", "/generate_204"):
            return self._send_bytes(HTTPStatus.NO_CONTENT, b"", "text/plain", head)
        return self._send_text(HTTPStatus.NOT_FOUND, "not found", head=head)

    def _oembed(self, query: dict[str, list[str]], head: bool) -> None:
        target = (query.get("url") or [""])[0]
        fmt = (query.get("format") or ["json"])[0]
        if fmt != "json":
            return self._send_text(HTTPStatus.NOT_IMPLEMENTED, "Not Implemented", head=head)
        video_id = video_id_from_url(target) if target else None
        if video_id is None:
            return self._send_text(HTTPStatus.BAD_REQUEST, "Bad Request", head=head)
        if not self.fake.catalog.get(video_id).embeddable:
            return self._send_text(HTTPStatus.UNAUTHORIZED, "Unauthorized", head=head)
        return self._send_json(HTTPStatus.OK, self.fake.oembed(video_id), head)

    def _static(self, name: str, head: bool) -> None:
        file = (STATIC_DIR / name).resolve()
        if file.parent != STATIC_DIR.resolve() or not file.is_file():
            return self._send_text(HTTPStatus.NOT_FOUND, "not found", head=head)
        content_type = STATIC_TYPES.get(file.suffix, "application/octet-stream")
        return self._send_bytes(HTTPStatus.OK, file.read_bytes(), content_type, head)

    # --- media with HTTP Range -------------------------------------------------------------
    def _media(self, name: str, head: bool) -> None:
        file = self.fake.media_file(name)
        if file is None:
            return self._send_text(HTTPStatus.NOT_FOUND, "no such media", head=head)
        size = file.stat().st_size
        range_header = self.headers.get("Range")
        first, last, status = 0, size - 1, HTTPStatus.OK
        if range_header:
            try:
                wanted = parse_range(range_header, size)
            except ValueError:
                wanted = (0, size - 1)  # not understood: whole file with 200
            else:
                if wanted is None:
                    self.fake.record_media_request(MediaRequest(self.path, range_header, 416))
                    self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                    self.send_header("Content-Range", f"bytes */{size}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                status = HTTPStatus.PARTIAL_CONTENT
            first, last = wanted
        self.fake.record_media_request(MediaRequest(self.path, range_header, int(status)))
        slow_ms = self.fake.variant.slow_start_ms
        if slow_ms and first == 0 and not name.startswith("clip/"):
            time.sleep(slow_ms / 1000)  # the "slow start" page variant: buffering before canplay
        self.send_response(status)
        self.send_header("Content-Type", "video/webm")
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(last - first + 1))
        if status == HTTPStatus.PARTIAL_CONTENT:
            self.send_header("Content-Range", f"bytes {first}-{last}/{size}")
        self.end_headers()
        if head:
            return
        throttle_key = self._cookie("fakeyt_throttle")
        with file.open("rb") as f:
            f.seek(first)
            remaining = last - first + 1
            while remaining > 0:
                rate = self.fake.throttles.get(throttle_key) if throttle_key else None
                chunk = f.read(min(THROTTLED_CHUNK if rate else CHUNK, remaining))
                if not chunk:
                    break
                self.wfile.write(chunk)
                remaining -= len(chunk)
                if rate:
                    self.wfile.flush()
                    time.sleep(len(chunk) / rate)

    def _cookie(self, name: str) -> str | None:
        jar = SimpleCookie()
        try:
            jar.load(self.headers.get("Cookie") or "")
        except CookieError:
            return None
        morsel = jar.get(name)
        return morsel.value if morsel else None

    # --- responses -------------------------------------------------------------------------
    def _send_bytes(self, status: int, body: bytes, content_type: str, head: bool, *, cors: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if cors:
            self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not head and body:
            self.wfile.write(body)

    def _send_json(self, status: int, payload: Any, head: bool) -> None:
        self._send_bytes(status, json.dumps(payload).encode(), "application/json", head)

    def _send_text(self, status: int, text: str, *, head: bool) -> None:
        self._send_bytes(status, text.encode(), "text/plain; charset=utf-8", head)
