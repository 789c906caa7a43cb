"""Issue 14 finding 7: what a client says about a video is a claim.

Only `https://i.ytimg.com/` thumbnails reach other members (the phone, the `/join` page); a
title a client typed shows until the server's own metadata arrives, and is then replaced.
"""
from __future__ import annotations

import pytest

from server.domain.youtube_urls import is_youtube_thumbnail
from server.services.metadata import VideoMeta, _safe_thumbnail, default_thumbnail
from tests.support.socket_clients import create_room, sign_in

VIDEO = "dQw4w9WgXcQ"


class KnownVideos:
    """Stands in for YouTube's oEmbed answer (the fetcher's own HTTP is tested in integration)."""

    def __init__(self, meta: VideoMeta | None) -> None:
        self.meta = meta
        self.asked: list[str] = []

    def fetch(self, video_id: str) -> VideoMeta | None:
        self.asked.append(video_id)
        return self.meta


@pytest.mark.parametrize("url,ok", [
    ("https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg", True),
    ("https://i.ytimg.com/vi_webp/dQw4w9WgXcQ/maxresdefault.webp", True),
    ("http://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg", False),
    ("https://evil.example/track.png", False),
    ("https://i.ytimg.com.evil.example/x.jpg", False),
    ("https://user@i.ytimg.com/vi/x/hqdefault.jpg", False),
    ("https://i.ytimg.com:8443/vi/x/hqdefault.jpg", False),
    ("javascript:alert(1)", False),
    ("https://i.ytimg.com/vi/x/\u0000.jpg", False),
    ("", False),
    (None, False),
])
def test_only_https_ytimg_thumbnails_are_accepted(url, ok):
    assert is_youtube_thumbnail(url) is ok


def test_an_oembed_thumbnail_on_another_host_is_replaced():
    assert _safe_thumbnail("https://tracker.example/p.png", VIDEO) == default_thumbnail(VIDEO)
    good = f"https://i.ytimg.com/vi/{VIDEO}/hqdefault.jpg"
    assert _safe_thumbnail(good, VIDEO) == good


def _room_with_fetcher(app, meta: VideoMeta | None):
    fetcher = KnownVideos(meta)
    app.extensions["sharetube"].metadata = fetcher
    alice = sign_in(app, "Alice").connect()
    code = create_room(app, alice)["code"]
    alice.join(code)
    bob = sign_in(app, "Bob").connect()
    bob.join(code)
    alice.received()
    bob.received()
    return alice, bob, fetcher


def test_a_client_thumbnail_on_another_host_never_reaches_the_others(app):
    alice, bob, _ = _room_with_fetcher(app, None)
    ack = alice.emit("queue.add", {"video_id": VIDEO, "thumbnail_url": "https://tracker.example/pixel.png"})
    assert ack["ok"], ack
    assert ack["entry"]["thumbnail_url"] == default_thumbnail(VIDEO)
    for update in bob.received("queue.update"):
        for entry in update["queue"]:
            assert "tracker.example" not in (entry.get("thumbnail_url") or "")
    room = bob.emit("room.sync")["room"]
    assert all("tracker.example" not in (e.get("thumbnail_url") or "") for e in room["queue"])


def test_server_metadata_replaces_a_client_title(app):
    real = VideoMeta("Never Gonna Give You Up", "Rick Astley", f"https://i.ytimg.com/vi/{VIDEO}/hqdefault.jpg")
    alice, bob, fetcher = _room_with_fetcher(app, real)
    ack = alice.emit("queue.add", {"video_id": VIDEO, "title": "FREE GIFT CARDS at scam.example",
                                   "author": "Totally YouTube"})
    assert ack["ok"], ack
    entry_id = ack["entry"]["id"]
    update = bob.wait_for("queue.update", lambda q: any(
        e["id"] == entry_id and e["title"] == real.title for e in q["queue"]), timeout=5)
    entry = next(e for e in update["queue"] if e["id"] == entry_id)
    assert entry["author"] == "Rick Astley"
    assert fetcher.asked == [VIDEO]


def test_a_client_title_stays_when_youtube_does_not_know_the_video(app):
    alice, bob, fetcher = _room_with_fetcher(app, None)
    ack = alice.emit("queue.add", {"video_id": VIDEO, "title": "My upload"})
    assert ack["ok"] and ack["entry"]["title"] == "My upload"
    bob.wait_for("queue.update", timeout=5)
    import time
    deadline = time.time() + 3
    while not fetcher.asked and time.time() < deadline:
        time.sleep(0.02)
    assert fetcher.asked == [VIDEO]  # the server asked even though the client gave a title
    assert bob.emit("room.sync")["room"]["queue"][0]["title"] == "My upload"
