"""Issue 14 finding 2: a participant's player reports cannot override the room's control mode."""
from __future__ import annotations

import time

from server.domain.constants import MAX_START_LEAD_MS
from tests.socket.test_playback import VID2, drain, room_of_three, start_entry


def playing_entry(owner, *players) -> int:
    entry_id = start_entry(owner, *players)
    pb = owner.emit("room.sync")["room"]["playback"]
    assert pb["state"] == "playing" and pb["entry_id"] == entry_id
    return entry_id


def test_a_participant_cannot_skip_an_owner_only_room_with_duration_and_ended(app):
    code, owner, bob, cat = room_of_three(app, control_mode="owner_only")
    entry_id = playing_entry(owner, bob, cat)
    owner.emit("queue.add", {"video_id": VID2})
    assert bob.emit("skip")["error"] == "forbidden"  # the control mode, as it should be
    ack = bob.emit("player.duration", {"entry_id": entry_id, "duration_ms": 1})
    assert ack["ok"] and ack["accepted"] is False and ack["reason"] == "implausible"
    assert bob.emit("player.ended", {"entry_id": entry_id})["ok"]
    pb = owner.emit("room.sync")["room"]["playback"]
    assert (pb["entry_id"], pb["state"], pb["duration_ms"]) == (entry_id, "playing", None)
    assert [e["status"] for e in owner.emit("queue.load")["queue"] if e["id"] == entry_id] == ["playing"]


def test_an_ended_far_from_the_known_end_does_not_skip(app):
    code, owner, bob, cat = room_of_three(app, control_mode="owner_only")
    entry_id = playing_entry(owner, bob, cat)
    owner.emit("queue.add", {"video_id": VID2})
    assert owner.emit("player.duration", {"entry_id": entry_id, "duration_ms": 240_000})["accepted"]
    assert bob.emit("player.duration", {"entry_id": entry_id, "duration_ms": 2_000})["accepted"] is False
    assert bob.emit("player.ended", {"entry_id": entry_id})["ok"]
    pb = owner.emit("room.sync")["room"]["playback"]
    assert pb["entry_id"] == entry_id and pb["state"] == "playing" and pb["duration_ms"] == 240_000
    queue = owner.emit("queue.load")["queue"]
    assert [e["duration_ms"] for e in queue if e["id"] == entry_id] == [240_000]


def test_an_unknown_duration_end_from_a_participant_is_ignored_from_the_owner_believed(app):
    code, owner, bob, cat = room_of_three(app, control_mode="owner_only")
    entry_id = playing_entry(owner, bob, cat)
    owner.emit("queue.add", {"video_id": VID2})
    assert bob.emit("player.ended", {"entry_id": entry_id})["ok"]
    assert owner.emit("room.sync")["room"]["playback"]["entry_id"] == entry_id
    assert owner.emit("player.ended", {"entry_id": entry_id})["ok"]
    assert owner.emit("room.sync")["room"]["playback"]["entry_id"] != entry_id


def test_queued_entries_cannot_be_poisoned_in_advance(app):
    code, owner, bob, cat = room_of_three(app, control_mode="owner_only")
    playing_entry(owner, bob, cat)
    queued = owner.emit("queue.add", {"video_id": VID2})["entry"]["id"]
    ack = bob.emit("player.duration", {"entry_id": queued, "duration_ms": 2_000})
    assert ack["accepted"] is False and ack["reason"] == "not_a_player_of_it"
    added = bob.emit("queue.add", {"video_id": "cccccccccc3", "duration_ms": 1_500})  # add-time claim
    assert added["ok"] and added["entry"]["duration_ms"] is None
    assert {e["id"]: e["duration_ms"] for e in owner.emit("queue.load")["queue"]}[queued] is None


def test_a_known_duration_is_shortened_only_when_two_players_agree(app):
    code, owner, bob, cat = room_of_three(app, control_mode="any")
    entry_id = playing_entry(owner, bob, cat)
    assert bob.emit("player.duration", {"entry_id": entry_id, "duration_ms": 300_000})["accepted"]
    assert bob.emit("player.duration", {"entry_id": entry_id, "duration_ms": 200_000})["accepted"] is False
    ack = cat.emit("player.duration", {"entry_id": entry_id, "duration_ms": 200_400})
    assert ack["accepted"] is True and ack["reason"] == "agreed"
    assert owner.emit("room.sync")["room"]["playback"]["duration_ms"] == 200_400


def test_a_claimed_round_trip_cannot_push_the_start_ahead(app):
    code, owner, bob, cat = room_of_three(app, control_mode="any")
    entry_id = playing_entry(owner, bob, cat)
    assert bob.emit("player.status", {"entry_id": entry_id, "position_ms": 1000, "rtt_ms": 120_000,
                                      "offset_ms": 0})["ok"]
    assert owner.emit("pause")["ok"]
    drain(owner, bob, cat)
    before = int(time.time() * 1000)
    pb = owner.emit("play")["playback"]
    lead = pb["anchor_ms"] - before
    assert lead <= MAX_START_LEAD_MS
    assert lead <= app.config["ST"].PLAYBACK_START_BUFFER_MS + 50  # the server measured no round trip
