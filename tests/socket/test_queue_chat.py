"""The shared queue and the room chat over sockets."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from server.extensions import db
from server.models import QueueEntry
from tests.support.socket_clients import create_room, sign_in

GOOD = ["https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://youtu.be/dQw4w9WgXcQ?t=42",
        "https://m.youtube.com/shorts/dQw4w9WgXcQ", "https://music.youtube.com/watch?v=dQw4w9WgXcQ&list=RD1",
        "https://www.youtube.com/embed/dQw4w9WgXcQ?start=5", "https://www.youtube.com/live/dQw4w9WgXcQ?si=abc"]
BAD = ["https://vimeo.com/123", "javascript:alert(1)", "https://youtube.com.evil.com/watch?v=dQw4w9WgXcQ",
       "dQw4w9WgXc", "https://www.youtube.com/playlist?list=PL123", "x" * 3000, "https://www.yоutube.com/watch?v=dQw4w9WgXcQ"]


def room_with(app, *names, **settings):
    guests = [sign_in(app, n) for n in names]
    code = create_room(app, guests[0], **settings)["code"]
    for g in guests:
        g.connect().join(code)
    for g in guests:
        g.received()
    return code, guests


@pytest.mark.parametrize("url", GOOD)
def test_queue_add_accepts_what_people_paste(app, url):
    code, (owner,) = room_with(app, "Owner")
    ack = owner.emit("queue.add", {"url": url})
    assert ack["ok"], ack
    assert ack["entry"]["video_id"] == "dQw4w9WgXcQ"
    if "t=42" in url:
        assert ack["entry"]["start_ms"] == 42000


@pytest.mark.parametrize("url", BAD)
def test_queue_add_refuses_anything_else_clearly(app, url):
    code, (owner,) = room_with(app, "Owner")
    ack = owner.emit("queue.add", {"url": url})
    assert ack["ok"] is False and ack["error"] == "invalid" and len(ack["message"]) > 10
    assert owner.emit("queue.load")["queue"] == []


def test_every_member_sees_queue_updates_with_versions(app):
    code, (owner, bob) = room_with(app, "Owner", "Bob")
    owner.emit("queue.add", {"video_id": "aaaaaaaaaa1", "title": "First"})
    bob.emit("queue.add", {"video_id": "bbbbbbbbbb2", "title": "Second"})
    updates = owner.received("queue.update")
    assert [e["title"] for e in updates[-1]["queue"]] == ["First", "Second"]
    versions = [u["version"] for u in updates]
    assert versions == sorted(versions) and len(set(versions)) == len(versions)


def test_duplicate_adds_collapse_and_rate_limit_applies(app):
    code, (owner,) = room_with(app, "Owner")
    first = owner.emit("queue.add", {"video_id": "aaaaaaaaaa1"})
    again = owner.emit("queue.add", {"url": "https://youtu.be/aaaaaaaaaa1"})
    assert again["ok"] and again["entry"]["id"] == first["entry"]["id"] and again["duplicate"] is True
    acks = [owner.emit("queue.add", {"video_id": f"vid{i:08d}"}) for i in range(8)]
    limited = [a for a in acks if not a["ok"]]
    assert 3 <= len(limited) <= 5 and all(a["error"] == "rate_limited" for a in limited)
    assert all(a.get("retry_after_ms", 0) > 0 for a in limited)


def test_queue_is_capped_at_500(app):
    code, (owner,) = room_with(app, "Owner")
    with app.app_context():
        from server.models import Room
        room = db.session.execute(db.select(Room).filter_by(code=code)).scalar_one()
        db.session.add_all([QueueEntry(room_id=room.id, video_id=f"v{i:010d}", url="u", position=i, status="queued")
                            for i in range(500)])
        db.session.commit()
    ack = owner.emit("queue.add", {"video_id": "zzzzzzzzzzz"})
    assert ack["ok"] is False and ack["error"] == "conflict" and "500" in ack["message"]


def test_locked_queue_and_permissions_per_mode(app):
    code, (owner, bob, cat) = room_with(app, "Owner", "Bob", "Cat", control_mode="operators")
    owner.emit("room.settings", {"queue_locked": True})
    assert bob.emit("queue.add", {"video_id": "bbbbbbbbbb2"})["error"] == "forbidden"
    owner.emit("room.settings", {"queue_locked": False})
    mine = bob.emit("queue.add", {"video_id": "bbbbbbbbbb2"})["entry"]["id"]  # starts playing (idle room)
    b2 = bob.emit("queue.add", {"video_id": "bbbbbbbbbb3"})["entry"]["id"]
    c1 = cat.emit("queue.add", {"video_id": "ccccccccccc"})["entry"]["id"]
    assert mine and b2 and c1
    assert bob.emit("queue.remove", {"entry_id": c1})["error"] == "forbidden"  # not his
    assert bob.emit("queue.move", {"entry_id": c1, "to_index": 0})["error"] == "forbidden"
    assert bob.emit("queue.play", {"entry_id": c1})["error"] == "forbidden"
    assert bob.emit("queue.remove", {"entry_id": b2})["ok"]  # his own: always
    assert owner.emit("queue.move", {"entry_id": c1, "to_index": 0})["ok"]
    owner.emit("room.settings", {"control_mode": "any"})
    d = owner.emit("queue.add", {"video_id": "ddddddddddd"})["entry"]["id"]
    assert cat.emit("queue.move", {"entry_id": d, "to_index": 0})["ok"]
    order = [e["id"] for e in cat.emit("queue.load")["queue"] if e["status"] == "queued"]
    assert order == [d, c1]
    played = cat.emit("queue.play", {"entry_id": c1})
    assert played["ok"] and played["playback"]["entry_id"] == c1 and played["playback"]["state"] == "starting"


class _Oembed(BaseHTTPRequestHandler):
    delay = 0.0
    hits = 0

    def do_GET(self):  # noqa: N802
        type(self).hits += 1
        time.sleep(type(self).delay)
        body = json.dumps({"title": "Loopback title", "author_name": "Loopback channel",
                           "thumbnail_url": "https://i.ytimg.com/vi/x/hq.jpg"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def oembed_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Oembed)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_entry_appears_at_once_and_fills_in_from_oembed(make_app, oembed_server):
    _Oembed.delay = 0.5
    app = make_app(YOUTUBE_OEMBED_URL=f"http://127.0.0.1:{oembed_server.server_port}/oembed")
    code, (owner, bob) = room_with(app, "Owner", "Bob")
    t0 = time.perf_counter()
    ack = owner.emit("queue.add", {"url": "https://youtu.be/dQw4w9WgXcQ"})
    assert time.perf_counter() - t0 < 0.4  # the slow answer does not hold the ack
    assert ack["ok"] and ack["entry"]["title"] is None
    deadline = time.time() + 5
    titles = []
    while time.time() < deadline and "Loopback title" not in titles:
        time.sleep(0.05)
        titles = [e["title"] for u in bob.received("queue.update") for e in u["queue"]]
    assert "Loopback title" in titles


def test_chat_roundtrip_history_and_links(app):
    code, (owner, bob) = room_with(app, "Owner", "Bob")
    ack = bob.emit("chat.send", {"text": "  hi <b>there</b>\x07  "})
    assert ack["ok"] and ack["message"]["text"] == "hi <b>there</b>"  # stored as typed, controls stripped
    got = owner.received("chat.message")
    assert got[-1]["text"] == "hi <b>there</b>" and got[-1]["name"] == "Bob"
    link = bob.emit("chat.send", {"text": "watch https://youtu.be/dQw4w9WgXcQ now"})
    assert link["ok"] and len(link["queued"]) == 1
    assert any(e["id"] == link["queued"][0] for e in owner.emit("queue.load")["queue"])
    for bad in ["", "   ", "x" * 501]:
        r = bob.emit("chat.send", {"text": bad})
        assert r["ok"] is False and r["error"] == "invalid"


def test_chat_history_pages_backwards(app):
    code, (owner,) = room_with(app, "Owner")
    with app.app_context():
        from server.models import ChatMessage, Room
        room = db.session.execute(db.select(Room).filter_by(code=code)).scalar_one()
        db.session.add_all([ChatMessage(room_id=room.id, user_id=None, name="x", text=f"m{i}") for i in range(120)])
        db.session.commit()
    page1 = owner.emit("chat.history", {"limit": 50})
    assert page1["more"] and page1["messages"][-1]["text"] == "m119"
    page2 = owner.emit("chat.history", {"before_id": page1["messages"][0]["id"], "limit": 50})
    assert page2["messages"][-1]["id"] < page1["messages"][0]["id"]
    assert len(owner.emit("join", {"code": code})["room"]["chat"]) == 50


def test_chat_rate_limit(app):
    code, (owner, bob) = room_with(app, "Owner", "Bob")
    results = [bob.emit("chat.send", {"text": f"spam {i}"}) for i in range(10)]
    assert [r["ok"] for r in results[:5]] == [True] * 5
    assert all(r["error"] == "rate_limited" and r["retry_after_ms"] > 0 for r in results[5:])
    assert owner.emit("chat.send", {"text": "others are not limited"})["ok"]
    assert len([m for m in owner.received("chat.message") if m["text"].startswith("spam")]) == 5


def test_typing_is_throttled_and_not_echoed(app):
    code, (owner, bob) = room_with(app, "Owner", "Bob")
    for _ in range(5):
        assert bob.emit("chat.typing")["ok"]
    assert len(owner.received("chat.typing")) == 1
    assert bob.received("chat.typing") == []


def test_kicked_and_banned_users_cannot_post(app):
    code, (owner, bob, cat) = room_with(app, "Owner", "Bob", "Cat")
    assert owner.emit("member.kick", {"user_id": bob.user["id"]})["ok"]
    assert bob.received("room.kicked")
    r = bob.emit("chat.send", {"text": "still here?"})
    assert r["ok"] is False and r["error"] in ("conflict", "forbidden")
    assert owner.emit("member.kick", {"user_id": cat.user["id"], "ban": True})["ok"]
    rejoin = cat.emit("join", {"code": code})
    assert rejoin["ok"] is False and rejoin["error"] == "forbidden"


def test_system_messages_say_who_did_what(app):
    code, (owner, bob) = room_with(app, "Owner", "Bob")
    entry = owner.emit("queue.add", {"video_id": "aaaaaaaaaa1", "title": "Song"})["entry"]["id"]
    for g in (owner, bob):
        g.emit("player.ready", {"entry_id": entry, "ready": True})
    owner.emit("seek", {"position_ms": 83_000})
    owner.emit("pause")
    texts = bob.system_lines()
    assert "Owner jumped to 1:23" in texts
    assert any(t.startswith("Owner paused at 1:2") for t in texts)


class _StubFetcher:
    def __init__(self, meta):
        self.meta = meta

    def fetch(self, video_id):
        return self.meta


def test_a_lookup_that_changes_nothing_sends_no_queue_and_one_that_fills_sends_one(app):
    from server.services.metadata import VideoMeta
    from server.services.metadata_jobs import fill_entries
    code, (owner, bob) = room_with(app, "Owner", "Bob")
    entry_id = owner.emit("queue.add", {"video_id": "dQw4w9WgXcQ"})["entry"]["id"]
    deadline = time.time() + 3  # the add's own fill against the dead test address finishes first
    while time.time() < deadline:
        time.sleep(0.2)
        with app.app_context():
            if app.extensions["sharetube"].metadata.cached("dQw4w9WgXcQ")[0]:
                break
    time.sleep(0.2)
    bob.received()
    with app.app_context():
        assert fill_entries(_StubFetcher(None), [entry_id]) == 0
    time.sleep(0.2)
    assert bob.received("queue.update") == []  # a failed lookup: nothing new for anybody
    with app.app_context():
        meta = VideoMeta(title="Filled", author="Chan", thumbnail_url="https://i.ytimg.com/vi/dQw4w9WgXcQ/hq.jpg",
                         duration_ms=None)
        assert fill_entries(_StubFetcher(meta), [entry_id]) == 1
    updates = bob.received("queue.update")
    assert len(updates) == 1 and updates[0]["queue"][0]["title"] == "Filled"
