"""Issue 16 item 6 over sockets: the played list (queue.load history) and play-again
(queue.replay): who may (as queue.add), limits, bad input."""
from __future__ import annotations

import pytest

from server.extensions import db
from server.models import QueueEntry
from tests.support.socket_clients import create_room, sign_in


def room_with(app, *names, **settings):
    guests = [sign_in(app, n) for n in names]
    code = create_room(app, guests[0], **settings)["code"]
    for g in guests:
        g.connect().join(code)
    return code, guests


def played(app, owner, *videos: str) -> list[int]:
    """Entries added by the owner and marked played (finished in the order given)."""
    ids = []
    for i, video in enumerate(videos):
        entry = owner.emit("queue.add", {"video_id": video, "title": f"Title {video}", "duration_ms": 200_000})["entry"]
        ids.append(entry["id"])
        with app.app_context():
            row = db.session.get(QueueEntry, entry["id"])
            row.status, row.finished_ms = ("played" if i % 2 == 0 else "skipped"), 1_000_000 - i  # reverse order
            db.session.commit()
    return ids


def test_the_played_list_comes_in_the_order_entries_finished(app):
    code, (owner,) = room_with(app, "Owner")
    first, second = played(app, owner, "aaaaaaaaaa1", "bbbbbbbbbb2")
    history = owner.emit("queue.load", {"history": 1})["history"]
    assert [e["id"] for e in history] == [second, first]  # `second` finished first
    assert [e["status"] for e in history] == ["skipped", "played"] and history[0]["finished_ms"] == 999_999


@pytest.mark.parametrize("mode", ["owner_only", "operators", "any"])
def test_a_participant_plays_an_entry_again_in_every_mode(app, mode):
    code, (owner, pete) = room_with(app, "Owner", "Pete", control_mode=mode)
    (old,) = played(app, owner, "aaaaaaaaaa1")
    pete.received()
    ack = pete.emit("queue.replay", {"entry_id": old})
    assert ack["ok"], ack
    entry = ack["entry"]
    assert entry["id"] != old and entry["video_id"] == "aaaaaaaaaa1" and entry["status"] in ("queued", "playing")
    assert entry["title"] == "Title aaaaaaaaaa1" and entry["duration_ms"] == 200_000
    assert entry["added_by"] == pete.user["id"]
    update = owner.wait_for("queue.update", lambda u: any(e["id"] == entry["id"] for e in u["queue"]))
    assert update["version"] >= 1
    assert [e["id"] for e in owner.emit("queue.load", {"history": 1})["history"]] == [old]  # history keeps the old one


def test_a_locked_queue_takes_replays_from_operators_only(app):
    code, (owner, olive, pete) = room_with(app, "Owner", "Olive", "Pete", queue_locked=True)
    assert owner.emit("member.role", {"user_id": olive.user["id"], "role": "operator"})["ok"]
    (old,) = played(app, owner, "aaaaaaaaaa1")
    refused = pete.emit("queue.replay", {"entry_id": old})
    assert refused["ok"] is False and refused["error"] == "forbidden" and "locked" in refused["message"]
    assert olive.emit("queue.replay", {"entry_id": old})["ok"]


def test_replay_refuses_what_is_not_history_here(app):
    code, (owner,) = room_with(app, "Owner")
    queued = owner.emit("queue.add", {"video_id": "cccccccccc3"})["entry"]["id"]
    ack = owner.emit("queue.replay", {"entry_id": queued})
    assert ack["ok"] is False and ack["error"] == "conflict"
    other_code, (stranger,) = room_with(app, "Stranger")
    (elsewhere,) = played(app, stranger, "dddddddddd4")
    ack = owner.emit("queue.replay", {"entry_id": elsewhere})
    assert ack["ok"] is False and ack["error"] == "not_found"
    for bad in ({}, {"entry_id": "1"}, {"entry_id": 0}, {"entry_id": None}, {"entry_id": True}):
        ack = owner.emit("queue.replay", bad)
        assert ack["ok"] is False and ack["error"] == "invalid", (bad, ack)
    outsider = sign_in(app, "Out").connect()
    assert outsider.emit("queue.replay", {"entry_id": elsewhere})["error"] == "conflict"


def test_replays_count_against_the_queue_add_limit(app):
    code, (owner,) = room_with(app, "Owner")
    olds = played(app, owner, "aaaaaaaaaa1", "bbbbbbbbbb2")  # two adds of the five
    for video in ("cccccccccc3", "dddddddddd4"):
        assert owner.emit("queue.add", {"video_id": video})["ok"]
    assert owner.emit("queue.replay", {"entry_id": olds[0]})["ok"]  # the fifth
    limited = owner.emit("queue.replay", {"entry_id": olds[1]})
    assert limited["ok"] is False and limited["error"] == "rate_limited" and limited["retry_after_ms"] > 0
