"""Public rooms (issue 16, item 7): the room setting `listed` and GET /api/rooms/public.

Who may list a room (owner and operators, whatever the control mode), what the list shows
(name, what plays with a thumbnail from i.ytimg.com only, how many watch) and what it never
shows (private rooms, password rooms, empty rooms, member names), its bound, its cache and its
per-address limit, and the homepage that renders it.
"""
from __future__ import annotations

import json

import pytest

from server.domain import constants as C
from server.extensions import db
from server.models import Room
from server.services import public_rooms as public_rooms_module
from tests.support.socket_clients import create_room, sign_in

VIDEO = "dQw4w9WgXcQ"


class FakeClock:
    def __init__(self, start: int = 1_000_000_000_000) -> None:
        self.ms = start

    def __call__(self) -> int:
        return self.ms


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    """The list's cache runs on this clock (the rest of the server on the real one)."""
    fake = FakeClock()
    monkeypatch.setattr(public_rooms_module, "now_ms", fake)
    return fake


def listing(app) -> dict:
    resp = app.test_client().get("/api/rooms/public")
    assert resp.status_code == 200, resp.json
    assert resp.json["ok"] is True
    return resp.json


def room_in(app, owner, *, listed: bool = True, joiners=(), **settings) -> str:
    code = create_room(app, owner, **settings)["code"]
    owner.connect().join(code)
    if listed:
        ack = owner.emit("room.settings", {"listed": True})
        assert ack["ok"], ack
    for guest in joiners:
        guest.connect().join(code)
    return code


def test_listed_is_off_by_default_operators_turn_it_on_participants_cannot(app):
    owner, bob, carol = sign_in(app, "Owner"), sign_in(app, "Bob"), sign_in(app, "Carol")
    code = create_room(app, owner)["code"]
    assert owner.connect().join(code)["settings"]["listed"] is False
    bob.connect().join(code)
    carol.connect().join(code)
    # every control mode: listing is a room setting, the operators' (not playback control)
    for mode in ("any", "owner_only", "operators"):
        assert owner.emit("room.settings", {"control_mode": mode})["ok"]
        refused = bob.emit("room.settings", {"listed": True})
        assert refused["ok"] is False and refused["error"] == "forbidden", (mode, refused)
    assert owner.emit("member.role", {"user_id": carol.user["id"], "role": "operator"})["ok"]
    bob.received()
    ack = carol.emit("room.settings", {"listed": True})
    assert ack["ok"] and ack["settings"]["listed"] is True
    seen = bob.events()
    assert [d["settings"]["listed"] for name, d in seen if name == "room.settings"] == [True], seen
    assert any(name == "chat.message" and "Carol changed listed to True" in d["text"] for name, d in seen), seen
    for bad in ("yes", 1, 0.5, [True], {"on": True}):
        wrong = owner.emit("room.settings", {"listed": bad})
        assert wrong["ok"] is False and wrong["error"] == "invalid", (bad, wrong)
    assert owner.emit("room.sync")["room"]["settings"]["listed"] is True
    with app.app_context():
        assert db.session.execute(db.select(Room.listed).filter_by(code=code)).scalar_one() is True


def test_the_list_shows_listed_rooms_with_people_in_them_and_nothing_else(app, clock):
    alice, bob = sign_in(app, "Alice Hidden"), sign_in(app, "Bob Secretname")
    shown = room_in(app, alice, name="Friday <b>movie</b> night", joiners=[bob])
    assert alice.emit("queue.add", {"video_id": VIDEO, "title": "A song",
                                    "thumbnail_url": "https://i.ytimg.com/vi/other/evil.jpg"})["ok"]
    private = room_in(app, sign_in(app, "P"), name="Private listed", is_private=True)
    locked = room_in(app, sign_in(app, "L"), name="Password listed", password="open sesame")
    unlisted = room_in(app, sign_in(app, "U"), name="Not listed", listed=False)
    empty_owner = sign_in(app, "E")
    empty = room_in(app, empty_owner, name="Listed but empty")
    assert empty_owner.emit("leave")["ok"]

    body = listing(app)
    assert body["max"] == C.PUBLIC_ROOMS_MAX and body["refresh_ms"] == C.PUBLIC_ROOMS_REFRESH_MS
    codes = [room["code"] for room in body["rooms"]]
    assert codes == [shown], (codes, {"private": private, "locked": locked, "unlisted": unlisted, "empty": empty})
    room = body["rooms"][0]
    assert room["name"] == "Friday <b>movie</b> night" and room["watching"] == 2
    assert room["video_id"] == VIDEO and room["title"] == "A song"
    assert room["state"] in ("starting", "playing")
    # the thumbnail is built from the video id on YouTube's host, never what a member sent
    assert room["thumbnail_url"] == f"https://i.ytimg.com/vi/{VIDEO}/mqdefault.jpg"
    assert room["open_url"] == f"https://www.youtube.com/watch?v={VIDEO}#sharetube={shown}"
    assert room["join_path"] == f"/join/{shown}"
    text = json.dumps(body)
    assert "Alice" not in text and "Secretname" not in text, "no member names in the public list"

    # Turning `listed` off, or making the room private, takes it out (once the cache is stale).
    assert alice.emit("room.settings", {"is_private": True})["ok"]
    assert [r["code"] for r in listing(app)["rooms"]] == [shown], "one answer per process for a few seconds"
    clock.ms += C.PUBLIC_ROOMS_CACHE_MS
    assert listing(app)["rooms"] == []
    assert alice.emit("room.settings", {"is_private": False})["ok"]
    clock.ms += C.PUBLIC_ROOMS_CACHE_MS
    assert [r["watching"] for r in listing(app)["rooms"]] == [2]
    assert bob.emit("leave")["ok"]
    clock.ms += C.PUBLIC_ROOMS_CACHE_MS
    assert [r["watching"] for r in listing(app)["rooms"]] == [1]
    assert alice.emit("room.settings", {"listed": False})["ok"]
    clock.ms += C.PUBLIC_ROOMS_CACHE_MS
    assert listing(app)["rooms"] == []


def test_the_list_is_bounded_most_watched_first_and_skips_closed_rooms(app, clock, monkeypatch):
    monkeypatch.setattr(C, "PUBLIC_ROOMS_MAX", 2)
    owners = [sign_in(app, f"Owner {i}") for i in range(4)]
    extra = [sign_in(app, f"Extra {i}") for i in range(3)]
    quiet = room_in(app, owners[0], name="Quiet")
    busy = room_in(app, owners[1], name="Busy", joiners=extra[:2])
    middle = room_in(app, owners[2], name="Middle", joiners=extra[2:])
    closed = room_in(app, owners[3], name="Closed", joiners=[])
    with app.app_context():
        db.session.execute(db.update(Room).where(Room.code == closed).values(closed_ms=1))
        db.session.commit()
    body = listing(app)
    assert [(r["code"], r["watching"]) for r in body["rooms"]] == [(busy, 3), (middle, 2)], (quiet, body)
    assert body["max"] == 2


def test_a_crowd_costs_one_computation_per_cache_period(app, clock, monkeypatch):
    room_in(app, sign_in(app, "Owner"), name="Cached")
    calls: list[int] = []
    real = public_rooms_module.collect_public_rooms
    monkeypatch.setattr(public_rooms_module, "collect_public_rooms", lambda: calls.append(1) or real())
    for _ in range(10):
        assert len(listing(app)["rooms"]) == 1
    assert len(calls) == 1
    clock.ms += C.PUBLIC_ROOMS_CACHE_MS
    listing(app)
    assert len(calls) == 2


def test_the_list_is_limited_per_client_address_with_429_and_retry_after(app):
    client = app.test_client()
    statuses = [client.get("/api/rooms/public").status_code for _ in range(32)]
    assert statuses[:30] == [200] * 30 and statuses[30:] == [429, 429]
    refused = client.get("/api/rooms/public")
    assert refused.json["error"] == "rate_limited" and int(refused.headers["Retry-After"]) > 0
    # another address still gets it
    other = client.get("/api/rooms/public", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert other.status_code == 200


def test_the_homepage_renders_the_list_escaped_with_youtube_thumbnails_only(app, clock):
    alice = sign_in(app, "Alice Hidden")
    code = room_in(app, alice, name="<script>alert(1)</script> room")
    assert alice.emit("queue.add", {"video_id": VIDEO, "title": "<img src=x onerror=alert(1)>"})["ok"]
    room_in(app, sign_in(app, "P"), name="Very private room", is_private=True)
    resp = app.test_client().get("/")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "img-src 'self' data: https://i.ytimg.com;" in resp.headers["Content-Security-Policy"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; room" in html and "<script>alert(1)" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "<img src=x" not in html
    assert f'src="https://i.ytimg.com/vi/{VIDEO}/mqdefault.jpg"' in html
    assert f'href="/join/{code}"' in html
    assert f'data-open-url="https://www.youtube.com/watch?v={VIDEO}#sharetube={code}"' in html
    assert "1 watching" in html and html.count('data-testid="public-room"') == 1
    assert "Very private room" not in html and "Alice Hidden" not in html
    assert 'data-testid="public-rooms-empty" hidden' in html


def test_the_homepage_says_when_no_room_is_listed(app):
    html = app.test_client().get("/").get_data(as_text=True)
    assert 'data-testid="public-room"' not in html
    assert 'data-testid="public-rooms-empty">' in html and "No public rooms right now" in html
