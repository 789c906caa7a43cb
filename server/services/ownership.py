"""The hand-over of an away owner's room (OWNER_AWAY_MS), run by a background task.

Presence is read from the shared store, so it works wherever the owner's last socket was (any
process). Since when the owner is away: the later of the store's note of their socket leaving
(written before the socket leaves the store, so nobody sees them gone without it) and their
membership's `last_seen_ms` (written when their last socket left, also for a dead process's
sockets swept by the housekeeping task, which runs before this one in the same slot).
The change itself is made by services/members.py (every role change is made there).
"""
from __future__ import annotations

import logging

from server.domain.ownership import Candidate, owner_away_long_enough, successor
from server.errors import ApiError
from server.extensions import db
from server.models import Room, RoomMembership
from server.services.members import hand_over_from_away_owner
from server.services.room_locks import room_lock
from server.services.rooms import room_by_code
from server.services.runtime import rt

log = logging.getLogger("sharetube.members")


def candidates(room: Room, present: dict[int, list[dict]]) -> list[Candidate]:
    """Members (active, not banned) with a socket in the room, and since when they are present."""
    rows = db.session.execute(
        db.select(RoomMembership.user_id, RoomMembership.role)
        .where(RoomMembership.room_id == room.id, RoomMembership.user_id.in_(list(present)),
               RoomMembership.active.is_(True), RoomMembership.banned.is_(False))).all()
    return [Candidate(user_id, role, min(int(r.get("entered_ms") or r.get("ts") or 0) for r in present[user_id]))
            for user_id, role in rows]


def away_since(code: str, owner_id: int, last_seen_ms: int | None) -> int:
    return max(last_seen_ms or 0, rt().presence.store.left_ms(code, owner_id) or 0)


def hand_over_away_owners(now: int, away_ms: int) -> int:
    """Hand every room whose owner has been away for `away_ms` to its next owner; the count done."""
    if away_ms <= 0:
        return 0
    presence = rt().presence
    occupied = {code: users for code, users in presence.users_in_rooms(presence.store.room_codes()).items()
                if users}  # (a few round trips for every room, not one per room)
    if not occupied:
        return 0
    rows = db.session.execute(
        db.select(Room.code, Room.owner_id, RoomMembership.last_seen_ms)
        .outerjoin(RoomMembership, (RoomMembership.room_id == Room.id) & (RoomMembership.user_id == Room.owner_id))
        .where(Room.code.in_(list(occupied)), Room.closed_ms.is_(None))).all()
    db.session.rollback()
    done = 0
    for code, owner_id, last_seen in rows:
        present = owner_id in occupied[code]  # (a present owner is not away: no departure to read)
        if present or not owner_away_long_enough(present, away_since(code, owner_id, last_seen), now, away_ms):
            continue
        try:
            done += _hand_over(code, owner_id, now, away_ms)
        except Exception:  # one room's trouble must not stop the others' hand-over
            db.session.rollback()
            log.exception("room=%s event=owner_away_failed", code)
    return done


def _hand_over(code: str, owner_id: int, now: int, away_ms: int) -> int:
    with room_lock(code):
        try:
            room = room_by_code(code, for_update=True)
        except ApiError:
            return 0
        present = rt().presence.users_in_room(code)  # read again: the owner may be back
        owner = db.session.execute(db.select(RoomMembership.last_seen_ms)
                                   .filter_by(room_id=room.id, user_id=room.owner_id)).scalar_one_or_none()
        since = away_since(code, owner_id, owner)
        if room.owner_id != owner_id or not owner_away_long_enough(owner_id in present, since, now, away_ms):
            db.session.rollback()
            return 0
        new_owner = successor(candidates(room, present), owner_id)
        if new_owner is None:
            db.session.rollback()
            return 0
        hand_over_from_away_owner(room, new_owner, away_ms=away_ms)
        return 1
