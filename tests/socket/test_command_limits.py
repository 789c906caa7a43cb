"""Floods of room commands and queue edits (ROOM_COMMAND_LIMIT, QUEUE_EDIT_LIMIT): each command
is a locked read of the room and, when it changes it, a write and a frame to everyone, so one
member could take a process's CPU with a script of seeks — including seeks the room refuses. A
person's client sends one command at a time and stays far below the limit; an ad's or a stall's
end is never refused (it lets the room go on)."""
from __future__ import annotations

from limits import parse

from server.domain.constants import QUEUE_EDIT_LIMIT, ROOM_COMMAND_LIMIT
from tests.support.socket_clients import create_room, sign_in

BURST = parse(ROOM_COMMAND_LIMIT).amount
EDITS = parse(QUEUE_EDIT_LIMIT).amount


def room(app, **settings):
    owner, mallory, bob = sign_in(app, "Owner"), sign_in(app, "Mallory"), sign_in(app, "Bob")
    code = create_room(app, owner, **settings)["code"]
    for g in (owner, mallory, bob):
        g.connect().join(code)
    entry = owner.emit("queue.add", {"video_id": "aaaaaaaaaa1", "title": "Song"})["entry"]["id"]
    for g in (owner, mallory, bob):
        g.received()
    return code, entry, owner, mallory, bob


def test_a_member_with_control_cannot_flood_the_room_with_seeks(app):
    code, entry, owner, mallory, bob = room(app, control_mode="any")
    version = owner.emit("room.sync")["room"]["version"]
    acks = [mallory.emit("seek", {"position_ms": 1000 * (i + 1)}) for i in range(BURST + 5)]
    assert all(a["ok"] for a in acks[:BURST]), [a for a in acks[:BURST] if not a["ok"]][:1]
    for refused in acks[BURST:]:
        assert refused["ok"] is False and refused["error"] == "rate_limited"
        assert 0 < refused["retry_after_ms"] <= 2_000
    assert owner.emit("room.sync")["room"]["version"] == version + BURST, "a refused command changes nothing"
    assert bob.emit("seek", {"position_ms": 5_000})["ok"], "the limit is the sender's, not the room's"
    for event, payload in (("play", {}), ("queue.play", {"entry_id": entry}), ("player.ended", {"entry_id": entry}),
                           ("player.duration", {"entry_id": entry, "duration_ms": 200_000})):
        assert mallory.emit(event, payload)["error"] == "rate_limited", f"{event} counts with the controls"


def test_commands_the_room_refuses_count_too(app):
    code, entry, owner, mallory, bob = room(app)  # operators control: Mallory may not
    acks = [mallory.emit("pause", {"position_ms": 0}) for _ in range(BURST + 2)]
    assert [a["error"] for a in acks[:BURST]] == ["forbidden"] * BURST
    assert [a["error"] for a in acks[BURST:]] == ["rate_limited"] * 2


def test_player_reports_count_but_an_ads_or_a_stalls_end_is_never_refused(app):
    code, entry, owner, mallory, bob = room(app)
    acks = [mallory.emit("player.ad", {"entry_id": entry, "active": i % 2 == 0}) for i in range(2 * BURST)]
    starts = [a for i, a in enumerate(acks) if i % 2 == 0]
    assert all(a["ok"] for a in starts[:BURST]) and all(a["ok"] for i, a in enumerate(acks) if i % 2)
    assert mallory.emit("player.ad", {"entry_id": entry, "active": True})["error"] == "rate_limited"
    assert mallory.emit("player.ready", {"entry_id": entry, "ready": True})["error"] == "rate_limited"
    assert mallory.emit("player.ad", {"entry_id": entry, "active": False})["ok"], "an ad's end"
    assert mallory.emit("player.buffering", {"entry_id": entry, "active": False})["ok"], "a stall's end"


def test_queue_edits_are_limited_per_user(app):
    code, entry, owner, mallory, bob = room(app)
    second, third = (owner.emit("queue.add", {"video_id": v, "title": "Tune"})["entry"]["id"]
                     for v in ("bbbbbbbbbb2", "ccccccccccc"))  # (the first entry is playing)
    acks = [owner.emit("queue.move", {"entry_id": (second, third)[i % 2], "to_index": 0}) for i in range(EDITS + 1)]
    assert all(a["ok"] for a in acks[:EDITS]), [a for a in acks[:EDITS] if not a["ok"]][:1]
    assert acks[EDITS]["error"] == "rate_limited" and acks[EDITS]["retry_after_ms"] > 0
    removed = owner.emit("queue.remove", {"entry_id": second})
    assert removed["error"] == "rate_limited", "moves and removes count together"
    assert bob.emit("queue.remove", {"entry_id": second})["error"] == "forbidden", "not the owner's count"
