"""Reactions pinned to a moment: stored for the playing entry (its most recent
REACTIONS_KEPT_PER_ENTRY; the room's reactions to earlier entries go with its next reaction, in
the same commit, so a skip costs nothing more), broadcast as
`reaction`, and handed to late joiners with the Room (`reactions`)."""
from __future__ import annotations

from sqlalchemy import delete, select

from server.domain.constants import REACTIONS_KEPT_PER_ENTRY
from server.domain.reactions import reaction_refusal
from server.errors import conflict, invalid
from server.extensions import db, socketio
from server.models import QueueEntry, Room, RoomReaction
from server.services.presence import Conn
from server.services.request_limits import current_limits
from server.services.rooms import load_playback
from server.timeutil import now_ms


def send_reaction(conn: Conn, room: Room, emoji: str, position_ms: int) -> dict:
    """Pin `emoji` at `position_ms` of the room's current entry and tell the room."""
    limits = current_limits()
    # the sender's own limit before any read: spam costs no database work
    limits.check("reaction.user", conn.user_id, message="You are reacting too often; wait a moment")
    pb = load_playback(room)
    if pb.state == "idle" or pb.entry_id is None:
        raise conflict("Nothing is playing")
    duration = pb.duration_ms
    if duration is None:
        entry = db.session.get(QueueEntry, pb.entry_id)
        duration = entry.duration_ms if entry is not None else None
    refusal = reaction_refusal(emoji, position_ms, duration)
    if refusal:
        raise invalid(refusal)
    limits.check("reaction.room", room.code, message="The room is reacting a lot right now; wait a moment")
    row = RoomReaction(room_id=room.id, entry_id=pb.entry_id, user_id=conn.user_id, name=conn.name[:64],
                       emoji=emoji, position_ms=position_ms, created_ms=now_ms())
    db.session.add(row)
    db.session.flush()
    _prune(room.id, pb.entry_id)
    wire = row.to_wire()
    db.session.commit()
    socketio.emit("reaction", wire, to=room.code)
    return wire


def _prune(room_id: int, entry_id: int) -> None:
    """Keep the entry's most recent reactions only, and none of the room's earlier entries
    (bounded storage and late-joiner payload)."""
    db.session.execute(delete(RoomReaction).where(RoomReaction.room_id == room_id, RoomReaction.entry_id != entry_id)
                       .execution_options(synchronize_session=False))
    cutoff = db.session.execute(
        select(RoomReaction.id).where(RoomReaction.entry_id == entry_id)
        .order_by(RoomReaction.id.desc()).offset(REACTIONS_KEPT_PER_ENTRY).limit(1)).scalar_one_or_none()
    if cutoff is not None:
        db.session.execute(delete(RoomReaction).where(RoomReaction.entry_id == entry_id, RoomReaction.id <= cutoff)
                           .execution_options(synchronize_session=False))


def recent_reactions(entry_id: int | None) -> list[dict]:
    """The entry's most recent reactions, oldest first (at most REACTIONS_KEPT_PER_ENTRY)."""
    if entry_id is None:
        return []
    rows = db.session.execute(
        select(RoomReaction).where(RoomReaction.entry_id == entry_id)
        .order_by(RoomReaction.id.desc()).limit(REACTIONS_KEPT_PER_ENTRY)).scalars().all()
    return [row.to_wire() for row in reversed(rows)]

