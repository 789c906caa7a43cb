"""The queue as the protocol sends it: the whole ordered queue plus its version."""
from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from server.extensions import db, socketio
from server.models import Room
from server.services.rooms import queue_entries


def queue_wire(room: Room) -> dict:
    return {"queue": [e.to_wire() for e in queue_entries(room)], "version": room.queue_version}


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
