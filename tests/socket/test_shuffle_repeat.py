"""queue.shuffle (operators; one audited action, undoable once) and the room setting repeat
(off/one/all, read by the room clock at the natural end of an entry) over sockets (issue 16, item 2)."""
from __future__ import annotations

import json

import pytest

from server.domain.room_clock import Tick
from server.extensions import db
from server.models import RoomAudit
from server.services.clock_runner import run_command
from tests.support.socket_clients import create_room, sign_in

VIDEOS = [f"shuf{i:07d}" for i in range(8)]


def room_of_three(app, **settings):
    owner, op, bob = sign_in(app, "Owner"), sign_in(app, "Opal"), sign_in(app, "Bob")
    code = create_room(app, owner, **settings)["code"]
    for g in (owner, op, bob):
        g.connect().join(code)
    assert owner.emit("member.role", {"user_id": op.user["id"], "role": "operator"})["ok"]
    return code, owner, op, bob


def fill(owner, count=6) -> list[int]:
    ack = owner.emit("queue.playlist", {"list_id": "PLshuffle", "entries": [{"video_id": v} for v in VIDEOS[:count]]})
    assert ack["ok"], ack
    return ack["entry_ids"]


def queued_ids(guest) -> list[int]:
    return [e["id"] for e in guest.emit("room.sync")["room"]["queue"] if e["status"] == "queued"]


def drain(*guests):
    for g in guests:
        g.received()


@pytest.mark.parametrize("mode", ["owner_only", "operators", "any"])
def test_operators_shuffle_in_every_mode_participants_never(app, mode):
    code, owner, op, bob = room_of_three(app, control_mode=mode)
    fill(owner)
    before = queued_ids(bob)
    drain(owner, op, bob)
    refused = bob.emit("queue.shuffle", {})
    assert refused["error"] == "forbidden" and "operators" in refused["message"]
    assert queued_ids(bob) == before
    assert all([e["id"] for e in u["queue"] if e["status"] == "queued"] == before
               for u in owner.received("queue.update")), "(titles may arrive meanwhile) the order never changed"
    ack = op.emit("queue.shuffle", {})
    assert ack["ok"] and sorted(ack["order"]) == sorted(before) and ack["order"] != before, ack
    got = bob.events()  # the test client delivers a handler's emits before its ack returns
    updates = [d for n, d in got if n == "queue.update"
               and [e["id"] for e in d["queue"] if e["status"] == "queued"] == ack["order"]]
    assert updates and updates[0]["can_undo_shuffle"] is True
    assert any(n == "chat.message" and d["text"] == "Opal shuffled the queue (5 videos)" for n, d in got)


def test_a_shuffle_is_audited_and_undone_once_by_any_operator(app):
    code, owner, op, bob = room_of_three(app)
    fill(owner)
    before = queued_ids(owner)
    shuffled = owner.emit("queue.shuffle", {})["order"]
    drain(owner, op, bob)
    assert bob.emit("queue.shuffle", {"undo": True})["error"] == "forbidden"
    undone = op.emit("queue.shuffle", {"undo": True})
    assert undone["ok"] and undone["order"] == before, undone
    update = bob.wait_for("queue.update", lambda u: [e["id"] for e in u["queue"] if e["status"] == "queued"] == before)
    assert update["can_undo_shuffle"] is False
    assert bob.emit("room.sync")["room"]["can_undo_shuffle"] is False
    again = owner.emit("queue.shuffle", {"undo": True})
    assert again["error"] == "conflict" and queued_ids(owner) == before, "undoable once"
    with app.app_context():
        rows = db.session.execute(db.select(RoomAudit).where(RoomAudit.action.in_(
            ("queue.shuffle", "queue.unshuffle"))).order_by(RoomAudit.id)).scalars().all()
        assert [(r.action, r.actor_id) for r in rows] == [("queue.shuffle", owner.user["id"]),
                                                          ("queue.unshuffle", op.user["id"])]
        assert json.loads(rows[0].before) == before and json.loads(rows[0].after) == shuffled


def test_undo_is_refused_once_the_queue_changed(app):
    code, owner, op, bob = room_of_three(app, control_mode="any")
    fill(owner)
    assert owner.emit("queue.shuffle", {})["ok"]
    assert bob.emit("queue.add", {"video_id": "addedlater1"})["ok"]
    assert bob.emit("room.sync")["room"]["can_undo_shuffle"] is False
    after_add = queued_ids(owner)
    refused = owner.emit("queue.shuffle", {"undo": True})
    assert refused["error"] == "conflict" and "changed" in refused["message"]
    assert queued_ids(owner) == after_add


def test_nothing_to_shuffle_bad_payloads_and_the_rate_limit(app):
    code, owner, op, bob = room_of_three(app)
    assert owner.emit("queue.shuffle", {})["error"] == "conflict", "an empty queue"
    assert owner.emit("queue.shuffle", {"undo": True})["error"] == "conflict", "nothing to undo"
    for bad in ({"undo": "yes"}, {"undo": 1}, [], "shuffle"):
        assert owner.emit("queue.shuffle", bad)["error"] == "invalid"
    fill(owner)
    results = [owner.emit("queue.shuffle", {}) for _ in range(4)]  # two conflicts above counted: 6 in all
    assert [r.get("ok") for r in results[:3]] == [True, True, True]
    assert results[3]["error"] == "rate_limited" and results[3]["retry_after_ms"] > 0


def test_repeat_is_a_setting_operators_change(app):
    code, owner, op, bob = room_of_three(app)
    assert owner.emit("room.sync")["room"]["settings"]["repeat"] == "off"
    assert bob.emit("room.settings", {"repeat": "all"})["error"] == "forbidden"
    assert op.emit("room.settings", {"repeat": "sometimes"})["error"] == "invalid"
    drain(owner, op, bob)
    assert op.emit("room.settings", {"repeat": "one"})["ok"]
    assert bob.wait_for("room.settings")["settings"]["repeat"] == "one"


def play_to_the_end(app, code, owner, players) -> tuple[int, int]:
    """Start the first queued entry, then let the server's clock pass its known end."""
    pb = owner.emit("room.sync")["room"]["playback"]
    for g in players:
        g.emit("player.ready", {"entry_id": pb["entry_id"], "ready": True})
    pb = owner.emit("room.sync")["room"]["playback"]
    assert pb["state"] == "playing", pb
    end = pb["anchor_ms"] + (pb["duration_ms"] - pb["position_ms"]) + app.config["ST"].END_GRACE_MS + 10
    with app.app_context():
        assert run_command(code, lambda _r, _p: Tick(), actor_id=None, now=end).changed
    return pb["entry_id"], end


def add_timed(owner, video, start_s=0):
    """An owner's add: its duration is taken (30 s), so the server's clock knows the end."""
    ack = owner.emit("queue.add", {"video_id": video, "duration_ms": 30_000, "start_ms": start_s * 1000})
    assert ack["ok"] and ack["entry"]["duration_ms"] == 30_000, ack
    return ack["entry"]["id"]


def test_repeat_one_replays_the_entry_from_its_start(app):
    code, owner, op, bob = room_of_three(app, repeat="one")
    first = add_timed(owner, VIDEOS[0], start_s=4)
    add_timed(owner, VIDEOS[1])
    drain(owner, op, bob)
    entry, end = play_to_the_end(app, code, owner, (owner, op, bob))
    pb = owner.emit("room.sync")["room"]["playback"]
    assert entry == first and pb["entry_id"] == first and pb["state"] == "playing"
    assert pb["position_ms"] == 4_000 and pb["anchor_ms"] > end, "from its start, at one scheduled instant"
    got = bob.events()  # a clock change's lines ride in its room.playback's `notes`
    lines = [d["text"] for n, d in got if n == "chat.message"]
    lines += [note["text"] for n, d in got if n == "room.playback" for note in d.get("notes") or []]
    assert "Repeat is on: playing it again" in lines, lines
    assert [e["status"] for e in owner.emit("room.sync")["room"]["queue"]] == ["playing", "queued"]


def test_repeat_all_puts_the_played_entry_back_at_the_end(app):
    code, owner, op, bob = room_of_three(app, repeat="all")
    first = add_timed(owner, VIDEOS[0])
    second = add_timed(owner, VIDEOS[1])
    play_to_the_end(app, code, owner, (owner, op, bob))
    queue = owner.emit("room.sync")["room"]["queue"]
    assert [(e["video_id"], e["status"]) for e in queue] == [(VIDEOS[1], "playing"), (VIDEOS[0], "queued")]
    assert queue[1]["id"] != first and queue[0]["id"] == second and queue[1]["duration_ms"] == 30_000
    history = owner.emit("queue.load", {"history": 1})["history"]
    assert [(e["id"], e["status"]) for e in history] == [(first, "played")], "the played row stays in history"
    # skipped entries are not repeated
    assert owner.emit("skip", {})["ok"]
    queue = owner.emit("room.sync")["room"]["queue"]
    assert [e["video_id"] for e in queue] == [VIDEOS[0]]


def test_repeat_all_with_a_single_entry_plays_it_again_and_off_finishes(app):
    code, owner, op, bob = room_of_three(app, repeat="all")
    only = add_timed(owner, VIDEOS[0])
    play_to_the_end(app, code, owner, (owner, op, bob))
    pb = owner.emit("room.sync")["room"]["playback"]
    assert pb["entry_id"] == only and pb["state"] == "playing" and pb["position_ms"] == 0
    assert owner.emit("room.settings", {"repeat": "off"})["ok"]
    play_to_the_end(app, code, owner, (owner, op, bob))
    assert owner.emit("room.sync")["room"]["playback"]["state"] == "idle"
