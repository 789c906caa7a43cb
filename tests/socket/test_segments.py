"""skip_segments over sockets (issue 13, item 5): an operator picks SponsorBlock categories, the
server asks a SponsorBlock-compatible API (a local stub) by hash prefix off the handler, and the
room clock skips a segment for everyone at one scheduled instant, with a system line."""
from __future__ import annotations

import time

import pytest

from server.domain.room_clock import Tick
from server.domain.segments import hash_prefix
from server.services.clock_runner import run_command
from tests.support.socket_clients import create_room, sign_in, system_texts
from tests.support.sponsorblock_stub import SegmentApiStub

VID = "sgmntvid001"


@pytest.fixture
def api():
    with SegmentApiStub() as stub:
        stub.set_segments(VID, [("sponsor", 2.0, 9.5), ("intro", 0.0, 1.5)])
        yield stub


@pytest.fixture
def seg_app(make_app, api):
    return make_app(SPONSORBLOCK_API_URL=api.url)


def room_of_two(app, **settings):
    owner, bob = sign_in(app, "Owner"), sign_in(app, "Bob")
    code = create_room(app, owner, **settings)["code"]
    for g in (owner, bob):
        g.connect().join(code)
    return code, owner, bob


def start(owner, bob, video=VID) -> int:
    entry_id = owner.emit("queue.add", {"video_id": video})["entry"]["id"]
    for g in (owner, bob):
        assert g.emit("player.ready", {"entry_id": entry_id, "ready": True})["ok"]
    return entry_id


def loaded_segments(guest, timeout=5.0) -> list:
    got = guest.wait_for("room.playback", lambda p: bool(p.get("segments")), timeout=timeout)
    return got["segments"]


def test_off_by_default_nothing_is_asked(seg_app, api):
    code, owner, bob = room_of_two(seg_app)
    assert owner.emit("room.sync")["room"]["settings"]["skip_segments"] == []
    start(owner, bob)
    time.sleep(0.3)
    assert api.requests == []
    assert owner.emit("room.sync")["room"]["playback"]["segments"] == []


def test_only_operators_pick_and_only_sponsorblock_categories(seg_app):
    code, owner, bob = room_of_two(seg_app)
    refused = bob.emit("room.settings", {"skip_segments": ["sponsor"]})
    assert refused["ok"] is False and refused["error"] == "forbidden"
    for bad in (["ads"], "sponsor", [None], ["sponsor"] * 9):
        ack = owner.emit("room.settings", {"skip_segments": bad})
        assert ack["ok"] is False and ack["error"] == "invalid" and "skip_segments" in ack["message"], bad
    ok = owner.emit("room.settings", {"skip_segments": ["outro", "sponsor"]})
    assert ok["settings"]["skip_segments"] == ["sponsor", "outro"]


def test_segments_are_fetched_by_hash_prefix_off_the_handler_and_skipped_for_everyone(seg_app, api):
    code, owner, bob = room_of_two(seg_app)
    api.delay_s = 0.5  # a slow API must not slow the settings change
    started = time.monotonic()
    assert owner.emit("room.settings", {"skip_segments": ["sponsor"]})["ok"]
    assert time.monotonic() - started < 0.4
    entry_id = start(owner, bob)
    segments = loaded_segments(bob)
    assert segments == [{"start_ms": 2_000, "end_ms": 9_500, "category": "sponsor"}], "only the asked category"
    assert len(api.requests) == 1
    assert api.requests[0].startswith(f"/api/skipSegments/{hash_prefix(VID)}?categories=")
    assert VID not in api.requests[0], "the API never learns which video the room watches"

    anchor = owner.emit("room.sync")["room"]["playback"]["anchor_ms"]
    for g in (owner, bob):
        g.received()
    with seg_app.app_context():
        out = run_command(code, lambda _r, _p: Tick(), actor_id=None, now=anchor + 2_100)
    assert out.changed
    for g in (owner, bob):
        got = g.events()
        skipped = [d for n, d in got if n == "room.playback"][-1]
        assert skipped["state"] == "playing" and skipped["position_ms"] == 9_500
        assert skipped["anchor_ms"] > anchor + 2_100, "one scheduled instant for everyone"
        assert skipped["entry_id"] == entry_id
        lines = system_texts(got)
        assert "Skipped the sponsor segment 0:02–0:09 for everyone" in lines


def test_turning_it_off_clears_the_segments_and_on_again_loads_them(seg_app, api):
    code, owner, bob = room_of_two(seg_app)
    start(owner, bob)
    assert owner.emit("room.settings", {"skip_segments": ["sponsor", "intro"]})["ok"]
    assert len(loaded_segments(bob)) == 2
    assert owner.emit("room.settings", {"skip_segments": []})["ok"]
    cleared = bob.wait_for("room.playback", lambda p: p.get("segments") == [])
    assert cleared["state"] == "playing"


def test_a_failing_api_skips_nothing_and_the_room_plays_on(seg_app, api):
    api.status = 500
    code, owner, bob = room_of_two(seg_app, skip_segments=["sponsor"])
    start(owner, bob)
    time.sleep(0.5)
    assert len(api.requests) == 1
    pb = owner.emit("room.sync")["room"]["playback"]
    assert pb["state"] == "playing" and pb["segments"] == []
