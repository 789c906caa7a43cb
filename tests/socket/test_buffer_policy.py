"""buffer_policy over sockets (issue 13, item 6): who may set it, what a stall report does under
each policy, the hold's timeout and "Start now", and the limits on a member's claims."""
from __future__ import annotations

import time

import pytest

from server.background.due_rooms import run_due_rooms
from server.domain.constants import STALL_REPORT_BURST
from tests.support.socket_clients import create_room, sign_in, system_texts

VID = "aaaaaaaaaa1"


def room_of_three(app, **settings):
    owner, bob, cat = sign_in(app, "Owner"), sign_in(app, "Bob"), sign_in(app, "Cat")
    code = create_room(app, owner, **settings)["code"]
    for g in (owner, bob, cat):
        g.connect().join(code)
    return code, owner, bob, cat


def playing_room(app, policy="wait", **settings):
    code, owner, bob, cat = room_of_three(app, **settings)
    if policy != "catch_up":
        assert owner.emit("room.settings", {"buffer_policy": policy})["ok"]
    entry_id = owner.emit("queue.add", {"video_id": VID})["entry"]["id"]
    for g in (owner, bob, cat):
        assert g.emit("player.ready", {"entry_id": entry_id, "ready": True})["ok"]
    for g in (owner, bob, cat):
        g.received()
    return code, entry_id, owner, bob, cat


def stall(guest, entry_id, active=True):
    return guest.emit("player.buffering", {"entry_id": entry_id, "active": active})


def inbox(guest) -> tuple[list, list]:
    """(room.playback payloads, system chat lines) that reached `guest` since the last look."""
    got = guest.events()
    playbacks = [data for name, data in got if name == "room.playback"]
    lines = system_texts(got)
    return playbacks, lines


def system_lines(guest):
    return inbox(guest)[1]


def test_the_setting_defaults_to_catch_up_and_only_operators_change_it(app):
    code, owner, bob, cat = room_of_three(app)
    room = owner.emit("room.sync")["room"]
    assert room["settings"]["buffer_policy"] == "catch_up"
    refused = bob.emit("room.settings", {"buffer_policy": "wait"})
    assert refused["ok"] is False and refused["error"] == "forbidden"
    bad = owner.emit("room.settings", {"buffer_policy": "sometimes"})
    assert bad["ok"] is False and bad["error"] == "invalid" and "buffer_policy" in bad["message"]
    assert owner.emit("room.settings", {"buffer_policy": "wait"})["settings"]["buffer_policy"] == "wait"
    assert cat.wait_for("room.settings")["settings"]["buffer_policy"] == "wait"


def test_under_wait_a_stall_holds_everyone_names_who_and_resumes_together(app):
    code, entry_id, owner, bob, cat = playing_room(app)
    assert stall(bob, entry_id)["ok"]
    for g in (owner, cat):
        playbacks, lines = inbox(g)
        held = playbacks[-1]
        assert (held["state"], held["hold"], held["waiting_for"]) == ("midroll", "buffer", [bob.user["id"]])
        assert held["stalled"] == [bob.user["id"]]
        assert "Waiting for Bob (their video is loading)" in lines
    t0 = int(time.time() * 1000)
    assert stall(bob, entry_id, active=False)["ok"]
    playbacks, lines = inbox(cat)
    resumed = playbacks[-1]
    assert resumed["state"] == "playing" and resumed["anchor_ms"] > t0, "a scheduled start"
    assert resumed["position_ms"] == held["position_ms"]
    assert "Everyone's video has loaded: playback resumes" in lines


@pytest.mark.parametrize("policy", ["catch_up", "ignore"])
def test_under_catch_up_and_ignore_a_stall_holds_nobody(app, policy):
    code, entry_id, owner, bob, cat = playing_room(app, policy=policy)
    assert stall(bob, entry_id)["ok"]
    assert cat.received("room.playback") == []
    assert owner.emit("room.sync")["room"]["playback"]["state"] == "playing"


def test_the_hold_times_out_like_an_ad_and_that_member_cannot_hold_again(make_app):
    app = make_app(AD_HOLD_TIMEOUT_MS=400)
    code, entry_id, owner, bob, cat = playing_room(app)
    assert stall(bob, entry_id)["ok"]
    time.sleep(0.45)
    with app.app_context():
        assert run_due_rooms() == 1
    playbacks, lines = inbox(cat)
    assert playbacks[-1]["state"] == "playing"
    assert "Stopped waiting for Bob to load" in lines
    assert stall(bob, entry_id, active=False)["ok"]
    assert stall(bob, entry_id)["ok"]
    assert owner.emit("room.sync")["room"]["playback"]["state"] == "playing", "held past the timeout twice"
    assert stall(cat, entry_id)["ok"]  # another member still can
    assert owner.emit("room.sync")["room"]["playback"]["waiting_for"] == [cat.user["id"]]


def test_start_now_ends_the_hold_for_operators_only(app):
    code, entry_id, owner, bob, cat = playing_room(app)
    assert stall(bob, entry_id)["ok"]
    assert cat.emit("start_now")["error"] == "forbidden"
    assert owner.emit("start_now")["playback"]["state"] == "playing"
    assert any("started without waiting for Bob" in line for line in system_lines(cat))


def test_stall_claims_are_rate_limited_but_their_withdrawal_never_is(app):
    code, entry_id, owner, bob, cat = playing_room(app)
    for _ in range(STALL_REPORT_BURST):
        assert stall(bob, entry_id)["ok"]
        assert stall(bob, entry_id, active=False)["ok"]
    limited = stall(bob, entry_id)
    assert limited["ok"] is False and limited["error"] == "rate_limited" and limited["retry_after_ms"] > 0
    assert owner.emit("room.sync")["room"]["playback"]["state"] == "playing", "a refused claim holds nothing"
    assert stall(bob, entry_id, active=False)["ok"]
    assert stall(cat, entry_id)["ok"], "the limit is per member"


def test_bad_stall_reports_are_refused_to_the_sender(app):
    code, entry_id, owner, bob, cat = playing_room(app)
    for payload in ({"entry_id": entry_id}, {"entry_id": "x", "active": True}, {"entry_id": entry_id, "active": 1}):
        ack = bob.emit("player.buffering", payload)
        assert ack["ok"] is False and ack["error"] == "invalid", payload
    stale = stall(bob, entry_id + 99)
    assert stale["ok"] and owner.emit("room.sync")["room"]["playback"]["state"] == "playing"
    outsider = sign_in(app, "Eve").connect()
    assert outsider.emit("player.buffering", {"entry_id": entry_id, "active": True})["ok"] is False
    assert cat.received("room.playback") == []
