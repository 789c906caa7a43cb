"""The queue as the protocol sends it: the whole ordered queue plus its version."""
from __future__ import annotations

import json
from collections import OrderedDict

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from server.extensions import db, socketio
from server.models import Room
from server.services.rooms import queue_entries
from server.services.runtime import rt

QUEUE_READS_KEPT = 1_000  # rooms whose last read queue a process keeps for the next reader


def queue_wire(room: Room, *, shared: bool = False) -> dict:
    """The queue as sent. `shared` (a read by one member, made on committed data: join,
    room.sync): the last such read of the room is reused while the room's queue version (bumped
    by every change to an entry, on every process) and its shuffle record are what they were — a
    crowd joining reads the queue once, not once per joiner. The answer is shared: not to be
    changed by the caller."""
    key = (room.id, room.queue_version, room.shuffle_undo)
    reads = rt().limiters.setdefault("queue_reads", OrderedDict()) if shared else None
    if reads is not None and (hit := reads.get(room.id)) is not None and hit[0] == key:
        return hit[1]
    entries = queue_entries(room)
    saved = saved_shuffle(room)
    queued = [e.id for e in entries if e.status == "queued"]
    wire = {"queue": [e.to_wire() for e in entries], "version": room.queue_version,
            "can_undo_shuffle": saved is not None and saved["after"] == queued}
    if reads is not None:
        reads[room.id] = (key, wire)
        reads.move_to_end(room.id)
        while len(reads) > QUEUE_READS_KEPT:
            reads.popitem(last=False)
    return wire


def saved_shuffle(room: Room) -> dict | None:
    """The room's last shuffle, {"before": [entry id], "after": [entry id]}, while it is undoable."""
    try:
        saved = json.loads(room.shuffle_undo) if room.shuffle_undo else None
    except ValueError:
        return None
    ok = isinstance(saved, dict) and all(isinstance(saved.get(k), list) for k in ("before", "after"))
    return saved if ok else None


def emit_queue(room: Room) -> None:
    socketio.emit("queue.update", queue_wire(room), to=room.code)


def bump_queue_version(room: Room) -> int:
    """Increment the queue version in SQL (no lost increments between processes)."""
    new = db.session.execute(update(Room).where(Room.id == room.id)
                             .values(queue_version=Room.queue_version + 1)
                             .returning(Room.queue_version)
                             .execution_options(synchronize_session=False)).scalar_one()
    set_committed_value(room, "queue_version", new)  # as the row now holds it: no second UPDATE
    db.session.flush()
    return new
