"""Metadata against a real HTTP server on loopback standing in for oEmbed and the Data API.

The fake picks its behaviour from the video id's prefix ("slow-1xxxxx" answers slowly, and so
on), so each test names the answers it wants and counts the requests that really arrived.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest

from server.services.metadata import (
    MetadataFetcher,
    VideoMeta,
    default_thumbnail,
    parse_iso8601_duration,
)

TIMEOUT_S = 0.5
SLOW_S = 1.5
API_KEY = "test-key-do-not-log"


class FakeYouTube(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _FakeYouTubeHandler)
        self.hits: list[tuple[str, dict[str, str]]] = []
        self.hits_lock = threading.Lock()
        self.stopping = threading.Event()

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def hits_for(self, video_id: str, path: str | None = None) -> int:
        with self.hits_lock:
            hits = [hit for hit, query in self.hits if video_id in json.dumps(query)]
        return len([hit for hit in hits if path in (None, hit)])

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that gave up (timeout) breaks the pipe; that is expected here."""


class _FakeYouTubeHandler(BaseHTTPRequestHandler):
    server: FakeYouTube

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query))
        with self.server.hits_lock:
            self.server.hits.append((parts.path, query))
        video_id = query.get("id") or query.get("url", "").rpartition("v=")[2]
        behaviour = video_id.split("-")[0]
        if parts.path == "/oembed":
            self._oembed(video_id, behaviour, query)
        elif parts.path == "/youtube/v3/videos":
            self._data_api(video_id, behaviour, query)
        else:
            self._send(404, b"no such path")

    def _oembed(self, video_id: str, behaviour: str, query: dict[str, str]) -> None:
        watch_url = f"https://www.youtube.com/watch?v={video_id}"
        if query.get("format") != "json" or query.get("url") != watch_url:
            self._send(400, b"Bad Request")
        elif behaviour == "notfound":
            self._send(404, b"Not Found")
        elif behaviour == "private":
            self._send(401, b"Unauthorized")
        else:
            self._common(behaviour, {
                "type": "video",
                "title": f"Title of {video_id}",
                "author_name": "Some Channel",
                "author_url": "https://www.youtube.com/@SomeChannel",
                "thumbnail_url": f"https://i.ytimg.com/vi/{video_id}/hqdefault.jpg",
            })

    def _data_api(self, video_id: str, behaviour: str, query: dict[str, str]) -> None:
        if query.get("key") != API_KEY or query.get("part") != "snippet,contentDetails":
            self._send(400, b'{"error": {"code": 400}}')
        elif behaviour == "notfound":
            self._send_json({"kind": "youtube#videoListResponse", "items": []})
        elif behaviour == "quota":
            self._send(403, b'{"error": {"code": 403, "message": "quotaExceeded"}}')
        else:
            self._common(behaviour, {"items": [{
                "id": video_id,
                "snippet": {
                    "title": f"API title of {video_id}",
                    "channelTitle": "API Channel",
                    "thumbnails": {
                        "default": {"url": f"https://i.ytimg.com/vi/{video_id}/default.jpg"},
                        "high": {"url": f"https://i.ytimg.com/vi/{video_id}/hqdefault.jpg"},
                    },
                },
                "contentDetails": {"duration": "PT1H4M13S"},
            }]})

    def _common(self, behaviour: str, normal: dict[str, object]) -> None:
        if behaviour == "slow":
            self.server.stopping.wait(SLOW_S)
        elif behaviour == "slowish":
            self.server.stopping.wait(TIMEOUT_S / 3)
        if behaviour == "error":
            self._send(500, b"Internal Server Error")
        elif behaviour == "garbage":
            self._send(200, b"<html>definitely not json")
        elif behaviour == "notitle":
            self._send_json({"author_name": "Someone"})
        elif behaviour == "list":
            self._send_json([1, 2, 3])
        elif behaviour == "huge":
            self._send_json({"title": "x" * 400_000})
        elif behaviour == "badthumb":
            self._send_json({**normal, "thumbnail_url": "javascript:alert(1)"})
        elif behaviour == "ctltitle":
            title = " Bad\u202e\x00 title\n\n  here "
            self._send_json({**normal, "title": title, "author_name": 5})
        elif behaviour == "trickle":
            self._trickle()
        else:
            self._send_json(normal)

    def _trickle(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "1000")
        self.end_headers()
        for _ in range(100):
            if self.server.stopping.wait(0.05):
                return
            self.wfile.write(b" ")
            self.wfile.flush()

    def _send_json(self, data: object) -> None:
        self._send(200, json.dumps(data).encode(), "application/json")

    def _send(self, status: int, body: bytes, content_type: str = "text/plain") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class FakeClock:
    now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def youtube() -> Iterator[FakeYouTube]:
    server = FakeYouTube()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield server
    server.stopping.set()
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_fetcher(
    youtube: FakeYouTube, clock: FakeClock
) -> Iterator[Callable[..., MetadataFetcher]]:
    made: list[MetadataFetcher] = []

    def make(**overrides: object) -> MetadataFetcher:
        options: dict[str, object] = {
            "oembed_url": f"{youtube.base_url}/oembed",
            "data_api_url": f"{youtube.base_url}/youtube/v3/videos",
            "timeout_s": TIMEOUT_S,
            "clock": clock,
        }
        options.update(overrides)
        fetcher = MetadataFetcher(**options)  # type: ignore[arg-type]
        made.append(fetcher)
        return fetcher

    yield make
    for fetcher in made:
        fetcher.close()


def timed(fetcher: MetadataFetcher, video_id: str) -> tuple[VideoMeta | None, float]:
    started = time.monotonic()
    meta = fetcher.fetch(video_id)
    return meta, time.monotonic() - started


# --- oEmbed ------------------------------------------------------------------------------


def test_a_normal_answer_gives_title_channel_and_thumbnail(youtube: FakeYouTube, make_fetcher):
    meta = make_fetcher().fetch("normal-1xxx")
    assert meta == VideoMeta(
        title="Title of normal-1xxx",
        author="Some Channel",
        thumbnail_url="https://i.ytimg.com/vi/normal-1xxx/hqdefault.jpg",
        duration_ms=None,
    )
    path, query = youtube.hits[0]
    assert path == "/oembed"
    assert query == {"url": "https://www.youtube.com/watch?v=normal-1xxx", "format": "json"}


def test_answers_are_cached(youtube: FakeYouTube, make_fetcher, clock: FakeClock) -> None:
    fetcher = make_fetcher(cache_ttl_s=3600)
    first = fetcher.fetch("normal-2xxx")
    assert fetcher.fetch("normal-2xxx") == first
    assert fetcher.cached("normal-2xxx") == (True, first)
    assert youtube.hits_for("normal-2xxx") == 1
    clock.now += 3601
    assert fetcher.fetch("normal-2xxx") == first
    assert youtube.hits_for("normal-2xxx") == 2


def test_the_cache_is_bounded(youtube: FakeYouTube, make_fetcher) -> None:
    fetcher = make_fetcher(cache_size=2)
    for n in range(3):
        fetcher.fetch(f"normal-c{n}xx")
    assert fetcher.cached("normal-c0xx") == (False, None)  # the least recently used went
    assert fetcher.cached("normal-c2xx")[0] is True


def test_a_slow_answer_times_out_within_the_bound(
    youtube: FakeYouTube, make_fetcher, caplog: pytest.LogCaptureFixture
) -> None:
    fetcher = make_fetcher()
    with caplog.at_level(logging.WARNING, logger="server.services.metadata"):
        meta, elapsed = timed(fetcher, "slow-1xxxxx")
    assert meta is None
    assert elapsed < TIMEOUT_S + 0.5
    assert "timed out" in caplog.text


def test_a_trickling_answer_is_cut_at_the_deadline(youtube: FakeYouTube, make_fetcher) -> None:
    meta, elapsed = timed(make_fetcher(), "trickle-1xx")
    assert meta is None
    assert elapsed < TIMEOUT_S + 0.5


def test_a_failure_is_remembered_briefly(
    youtube: FakeYouTube, make_fetcher, clock: FakeClock
) -> None:
    fetcher = make_fetcher(error_ttl_s=10)
    assert fetcher.fetch("slow-2xxxxx") is None
    meta, elapsed = timed(fetcher, "slow-2xxxxx")
    assert meta is None and elapsed < 0.1  # no second wait on a slow upstream
    assert youtube.hits_for("slow-2xxxxx") == 1
    clock.now += 11
    fetcher.fetch("slow-2xxxxx")
    assert youtube.hits_for("slow-2xxxxx") == 2


@pytest.mark.parametrize(
    "video_id", ["error-1xxxx", "garbage-1xx", "notitle-1xx", "list-1xxxxx", "huge-1xxxxx"]
)
def test_failing_answers_give_none(youtube: FakeYouTube, make_fetcher, video_id: str) -> None:
    assert make_fetcher().fetch(video_id) is None
    assert youtube.hits_for(video_id) == 1


@pytest.mark.parametrize("video_id", ["notfound-1x", "private-1xx"])
def test_unavailable_videos_are_remembered_for_a_minute(
    youtube: FakeYouTube, make_fetcher, clock: FakeClock, video_id: str
) -> None:
    fetcher = make_fetcher(not_found_ttl_s=60, error_ttl_s=10)
    assert fetcher.fetch(video_id) is None
    clock.now += 30
    assert fetcher.fetch(video_id) is None
    assert youtube.hits_for(video_id) == 1
    clock.now += 31
    fetcher.fetch(video_id)
    assert youtube.hits_for(video_id) == 2


def test_an_unsafe_thumbnail_is_replaced(youtube: FakeYouTube, make_fetcher) -> None:
    meta = make_fetcher().fetch("badthumb-1x")
    assert meta is not None
    assert meta.thumbnail_url == default_thumbnail("badthumb-1x")


def test_titles_lose_control_characters_and_odd_fields_are_ignored(make_fetcher) -> None:
    meta = make_fetcher().fetch("ctltitle-1x")
    assert meta is not None
    assert (meta.title, meta.author) == ("Bad title here", "")


def test_an_unreachable_server_gives_none_quickly(make_fetcher) -> None:
    meta, elapsed = timed(make_fetcher(oembed_url="http://127.0.0.1:9/oembed"), "normal-3xxx")
    assert meta is None
    assert elapsed < TIMEOUT_S + 0.5


@pytest.mark.parametrize("video_id", ["", "short", "../../etc/pw", "dQw4w9WgXcQ&x=1", None])
def test_a_bad_id_never_reaches_the_network(youtube: FakeYouTube, make_fetcher, video_id) -> None:
    assert make_fetcher().fetch(video_id) is None
    assert youtube.hits == []


def test_concurrent_fetches_of_one_video_share_one_request(
    youtube: FakeYouTube, make_fetcher
) -> None:
    fetcher = make_fetcher()
    results: list[VideoMeta | None] = []
    threads = [
        threading.Thread(target=lambda: results.append(fetcher.fetch("slowish-1xx")))
        for _ in range(5)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert len(results) == 5 and all(meta is not None for meta in results)
    assert youtube.hits_for("slowish-1xx") == 1


# --- YouTube Data API --------------------------------------------------------------------


def test_with_a_key_the_data_api_also_gives_the_duration(youtube: FakeYouTube, make_fetcher):
    meta = make_fetcher(api_key=API_KEY).fetch("normal-4xxx")
    assert meta == VideoMeta(
        title="API title of normal-4xxx",
        author="API Channel",
        thumbnail_url="https://i.ytimg.com/vi/normal-4xxx/hqdefault.jpg",
        duration_ms=(3600 + 4 * 60 + 13) * 1000,
    )
    assert youtube.hits_for("normal-4xxx", "/oembed") == 0


def test_a_video_the_data_api_does_not_know_is_not_looked_up_again(
    youtube: FakeYouTube, make_fetcher
) -> None:
    assert make_fetcher(api_key=API_KEY).fetch("notfound-2x") is None
    assert youtube.hits_for("notfound-2x", "/oembed") == 0


def test_a_failing_data_api_falls_back_to_oembed(youtube: FakeYouTube, make_fetcher) -> None:
    meta = make_fetcher(api_key=API_KEY).fetch("quota-1xxxx")
    assert meta is not None and meta.title == "Title of quota-1xxxx"
    assert youtube.hits_for("quota-1xxxx", "/youtube/v3/videos") == 1


def test_one_deadline_covers_the_data_api_and_its_fallback(
    youtube: FakeYouTube, make_fetcher, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="server.services.metadata"):
        meta, elapsed = timed(make_fetcher(api_key=API_KEY), "slow-3xxxxx")
    assert meta is None
    assert elapsed < TIMEOUT_S + 0.5
    assert API_KEY not in caplog.text  # the key travels in the URL; logs never show it


def test_from_config_reads_the_documented_keys() -> None:
    config = {"YOUTUBE_OEMBED_URL": "http://127.0.0.1:1/oembed", "YOUTUBE_API_KEY": ""}
    configured, default = MetadataFetcher.from_config(config), MetadataFetcher.from_config({})
    configured.close()
    default.close()
    assert (configured.oembed_url, configured.api_key) == ("http://127.0.0.1:1/oembed", None)
    assert default.oembed_url == "https://www.youtube.com/oembed"


# --- pure helpers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "ms"),
    [("PT4M13S", 253_000), ("PT1H", 3_600_000), ("PT45S", 45_000), ("P1DT2S", 86_402_000),
     ("PT1M0.5S", 60_000), ("P0D", None), ("PT0S", None),  # zero: a live stream
     ("", None), ("P", None), ("4:13", None), (None, None)],
)
def test_iso8601_durations(text: object, ms: int | None) -> None:
    assert parse_iso8601_duration(text) == ms


def test_default_thumbnail() -> None:
    assert default_thumbnail("dQw4w9WgXcQ") == "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg"
