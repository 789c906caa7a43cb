"""An imitation of youtube.com served over HTTPS on 127.0.0.1, for browser tests.

Chromium reaches it as https://www.youtube.com (and https://i.ytimg.com for thumbnails) through
`--host-resolver-rules`; see browser.py. One threaded server speaks TLS with a certificate made
at start; a second, plain-HTTP listener serves the same routes so server-side code (the oEmbed
client) can use it without trusting that certificate.

Routes: /watch?v=ID (the watch page), /api/video?v=ID (the page's data, fetched on SPA
navigation), /media/ID.webm and /media/clip/NAME.webm (HTTP Range), /vi/ID/*.jpg (thumbnails),
/oembed?url=…&format=json, /static/* (the page's script and style).
"""

from __future__ import annotations

import json
import re
import shutil
import ssl
import subprocess
import tempfile
import threading
from collections import deque
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

from . import fake_watch_page as page
from .fake_catalog import Catalog, FakeVideo, is_video_id
from .fake_http import FakeYouTubeHandler, MediaRequest
from .page_variants import DEFAULT, PageVariant
from .tls import Certificate, make_certificate
from .videos import Clip

ORIGIN = "https://www.youtube.com"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, fake: FakeYouTube, tls: ssl.SSLContext | None) -> None:
        self.fake = fake
        self.tls = tls
        super().__init__(("127.0.0.1", 0), FakeYouTubeHandler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        # The TLS handshake runs here, in the connection's own thread, so one slow client
        # never holds up accept().
        if self.tls is None:
            super().finish_request(request, client_address)
            return
        request.settimeout(30)
        conn = self.tls.wrap_socket(request, server_side=True, do_handshake_on_connect=False)
        try:
            conn.do_handshake()
            self.RequestHandlerClass(conn, client_address, self)
        except (OSError, ssl.SSLError):
            pass  # a client that gave up (or refused the certificate) mid-connection
        finally:
            conn.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Browsers drop media connections mid-transfer all the time; that is not an error.
        pass


class FakeYouTube:
    """The imitation YouTube. `start()` it (or use `with`), point Chromium at `port`."""

    def __init__(self, clips: dict[str, Clip], *, work_dir: Path | None = None) -> None:
        self.clips = clips
        self.catalog = Catalog()
        self.autoplay = True  # the page calls video.play() on load, like YouTube
        self.autonav = True  # the autoplay-next toggle starts on, like YouTube
        self.variant: PageVariant = DEFAULT  # page_variants.py: which real behaviours the page has
        self._media_log: deque[MediaRequest] = deque(maxlen=500)
        self._media_log_lock = threading.Lock()
        self._own_dir = work_dir is None
        self.work_dir = work_dir or Path(tempfile.mkdtemp(prefix="fake-youtube-"))
        self.certificate: Certificate = make_certificate(self.work_dir / "tls")
        self._https: _Server | None = None
        self._http: _Server | None = None
        self._threads: list[threading.Thread] = []
        self._thumb_lock = threading.Lock()
        # Media bandwidth per viewer: a profile with the cookie `fakeyt_throttle=<key>` gets its
        # video bytes at most throttles[key] bytes/s (read per chunk, so a change acts at once).
        self.throttles: dict[str, float] = {}
        # playlists (watch?v=…&list=…): list id → (title, video ids in order)
        self.playlists: dict[str, tuple[str, list[str]]] = {}

    # --- lifecycle -------------------------------------------------------------------------
    def start(self) -> FakeYouTube:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(self.certificate.cert_path, self.certificate.key_path)
        tls.set_alpn_protocols(["http/1.1"])
        self._https = _Server(self, tls)
        self._http = _Server(self, None)
        for server in (self._https, self._http):
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                                      name=f"fake-youtube-{server.server_address[1]}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        for server in (self._https, self._http):
            if server is not None:
                server.shutdown()
                server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads.clear()
        self._https = self._http = None
        if self._own_dir:
            shutil.rmtree(self.work_dir, ignore_errors=True)

    def __enter__(self) -> FakeYouTube:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- addresses -------------------------------------------------------------------------
    @property
    def port(self) -> int:
        """The HTTPS port Chromium's host-resolver rule must point www.youtube.com at."""
        assert self._https is not None, "FakeYouTube is not started"
        return self._https.server_address[1]

    @property
    def http_port(self) -> int:
        assert self._http is not None, "FakeYouTube is not started"
        return self._http.server_address[1]

    @property
    def oembed_url(self) -> str:
        """For the service's YOUTUBE_OEMBED_URL (plain HTTP, so no certificate to trust)."""
        return f"http://127.0.0.1:{self.http_port}/oembed"

    def watch_url(self, video_id: str, *, t: int | None = None) -> str:
        """The address a browser test opens: https://www.youtube.com/watch?v=ID."""
        return f"{ORIGIN}/watch?v={video_id}" + (f"&t={t}s" if t is not None else "")

    def direct_url(self, path: str) -> str:
        """The same route over plain HTTP on 127.0.0.1, for Python clients."""
        return f"http://127.0.0.1:{self.http_port}/{path.lstrip('/')}"

    # --- registry --------------------------------------------------------------------------
    def register(self, video_id: str, **fields: Any) -> FakeVideo:
        """Register a video (title, channel, clip="main"|"short"|"ad", up_next, embeddable)."""
        clip = fields.get("clip", "main")
        if clip not in self.clips:
            raise ValueError(f"unknown clip {clip!r}; have {sorted(self.clips)}")
        return self.catalog.register(video_id, **fields)

    def register_playlist(self, list_id: str, title: str, video_ids: list[str]) -> None:
        """A playlist of registered videos: its watch pages (watch?v=ID&list=LIST) show it."""
        for video_id in video_ids:
            self.catalog.get(video_id)  # registered first
        self.playlists[list_id] = (title, list(video_ids))

    def playlist_url(self, list_id: str, video_id: str | None = None) -> str:
        """The watch page of a playlist's entry (its first one by default)."""
        first = video_id or self.playlists[list_id][1][0]
        return f"{ORIGIN}/watch?v={first}&list={list_id}"

    def throttle(self, key: str, bytes_per_s: float | None) -> None:
        """Slow the media bytes of every request carrying the cookie fakeyt_throttle=<key>
        (None: full speed again). Set the cookie with `throttle_cookie(key)`."""
        if bytes_per_s is None:
            self.throttles.pop(key, None)
        else:
            self.throttles[key] = float(bytes_per_s)

    @staticmethod
    def throttle_cookie(key: str) -> dict[str, str]:
        """The cookie (for BrowserContext.add_cookies) that puts a profile under `throttle(key)`."""
        return {"name": "fakeyt_throttle", "value": key, "url": ORIGIN + "/"}

    def reset(self) -> None:
        """Forget registered videos and settings; tests call this between cases."""
        self.catalog.clear()
        self.autoplay = True
        self.autonav = True
        self.variant = DEFAULT
        self.throttles.clear()
        self.playlists.clear()
        with self._media_log_lock:
            self._media_log.clear()

    def record_media_request(self, request: MediaRequest) -> None:
        with self._media_log_lock:
            self._media_log.append(request)

    def media_requests(self) -> list[MediaRequest]:
        """The last 500 media requests (path, Range header, status), oldest first."""
        with self._media_log_lock:
            return list(self._media_log)

    def duration_s(self, video_id: str) -> float:
        return self.clip_for(video_id).duration_s

    def clip_for(self, video_id: str) -> Clip:
        return self.clips[self.catalog.get(video_id).clip]

    # --- what the handler serves -----------------------------------------------------------
    def video_json(self, video_id: str) -> dict[str, Any]:
        video = self.catalog.get(video_id)
        return page.video_json(video, self.clips[video.clip].duration_s)

    def page_data(self, video_id: str, list_id: str | None = None) -> dict[str, Any]:
        related = [page.video_json(v, self.clips[v.clip].duration_s)
                   for v in self.catalog.related_for(video_id)]
        data = page.page_json(self.video_json(video_id), related, autoplay=self.autoplay,
                              autonav=self.autonav, variant=self.variant.page_flags())
        if list_id in self.playlists:
            title, ids = self.playlists[list_id]
            data["playlist"] = {"playlistId": list_id, "title": title,
                                "items": [self.video_json(vid) for vid in ids]}
        return data

    def oembed(self, video_id: str) -> dict[str, Any]:
        video = self.catalog.get(video_id)
        return {
            "title": video.title,
            "author_name": video.channel,
            "author_url": f"{ORIGIN}/{video.channel_handle}",
            "type": "video",
            "height": 113,
            "width": 200,
            "version": "1.0",
            "provider_name": "YouTube",
            "provider_url": f"{ORIGIN}/",
            "thumbnail_height": 360,
            "thumbnail_width": 480,
            "thumbnail_url": f"https://i.ytimg.com/vi/{video_id}/hqdefault.jpg",
            "html": (f'<iframe width="200" height="113" src="{ORIGIN}/embed/{video_id}?feature=oembed"'
                     f' frameborder="0" title="{json.dumps(video.title)[1:-1]}"></iframe>'),
        }

    def thumbnail_path(self, video_id: str) -> Path:
        """A JPEG frame of the video's clip, made once per clip."""
        clip = self.clip_for(video_id)
        target = self.work_dir / "thumbs" / f"{clip.name}.jpg"
        with self._thumb_lock:
            if not target.is_file():
                target.parent.mkdir(parents=True, exist_ok=True)
                subprocess.run(
                    ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-ss", "1",
                     "-i", str(clip.path), "-frames:v", "1", "-vf", "scale=480:270",
                     str(target)],
                    check=True, timeout=60,
                )
        return target

    def media_file(self, name: str) -> Path | None:
        """`ID` → the clip registered for that id; `clip/NAME` → that clip."""
        match = re.fullmatch(r"clip/([a-z0-9_-]+)", name)
        if match:
            clip = self.clips.get(match.group(1))
            return clip.path if clip else None
        if is_video_id(name):
            return self.clip_for(name).path
        return None
