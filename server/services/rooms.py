"""Rooms: create, look up, join, leave, and shape the Room the protocol sends."""
from __future__ import annotations

import json
import logging

from sqlalchemy import bindparam
from sqlalchemy.exc import IntegrityError

from server.domain.constants import ACTIVITY_STAMP_MS
from server.domain.queue_order import HISTORY_STATUSES, LIVE_STATUSES
from server.domain.room_clock import Playback
from server.errors import ApiError, forbidden, not_found
from server.extensions import db
from server.models import ChatMessage, QueueEntry, Room, RoomMembership, User
from server.services import room_access
from server.services.audit import audit
from server.services.password_hashing import check_password
from server.services.request_limits import current_limits, ip_exempt
from server.services.room_codes import new_code, normalize_code
from server.services.room_settings import SETTINGS_SCHEMA, apply_settings
from server.timeutil import now_ms
from server.validation import validate

log = logging.getLogger("sharetube.rooms")
CHAT_ON_JOIN = 50



def load_playback(room: Room) -> Playback:
    data = json.loads(room.playback or "{}")
    if not data:
        return Playback(version=room.version)
    return Playback.from_record(data)


# Built once, with bound parameters: a statement built for each call (and its cache key computed)
# cost more CPU than running it (a room by code 201 → 127 µs, a queue 447 → 300 µs; issue 15).
# populate_existing: fresh after a commit (commits do not expire what they wrote).
_ROOM_BY_CODE = db.select(Room).where(Room.code == bindparam("code")).execution_options(populate_existing=True)
_ROOM_BY_CODE_FOR_UPDATE = _ROOM_BY_CODE.with_for_update()
_QUEUE = {history: db.select(QueueEntry)
          .where(QueueEntry.room_id == bindparam("room_id"),
                 QueueEntry.status.in_(LIVE_STATUSES + HISTORY_STATUSES if history else LIVE_STATUSES))
          .order_by(QueueEntry.position, QueueEntry.id).execution_options(populate_existing=True)
          for history in (False, True)}


def fresh_room(norm: str, *, for_update: bool = False) -> Room | None:
    """The room with this (normalized) code as the database holds it now, closed or not; None if none."""
    stmt = _ROOM_BY_CODE_FOR_UPDATE if for_update else _ROOM_BY_CODE
    return db.session.execute(stmt, {"code": norm}).scalar_one_or_none()


def room_by_code(code: object, *, for_update: bool = False) -> Room:
    norm = normalize_code(code) if isinstance(code, str) else None
    if norm is None:
        raise not_found("No room has that code")
    room = fresh_room(norm, for_update=for_update)
    if room is None or room.closed_ms is not None:
        raise not_found("No room has that code (it may have been closed)")
    return room


def create_room(user: User, settings: dict | None) -> Room:
    values = validate(SETTINGS_SCHEMA, settings or {})
    for _ in range(5):
        room = Room(code=new_code(), name=f"{user.name}'s room", owner_id=user.id,
                    playback=json.dumps(Playback().to_record()), version=0)
        apply_settings(room, values)
        db.session.add(room)
        try:
            db.session.flush()
        except IntegrityError:  # code collision: try another
            db.session.rollback()
            continue
        db.session.add(RoomMembership(room_id=room.id, user_id=user.id, role="owner"))
        audit(room.id, user.id, "room.create", after=room.settings_wire(), version=0)
        db.session.commit()
        log.info("room=%s event=create v=0 by=u%s", room.code, user.id)
        return room
    raise ApiError("internal", "Could not allocate a room code")


def membership(room: Room, user_id: int) -> RoomMembership | None:
    return db.session.execute(
        db.select(RoomMembership).filter_by(room_id=room.id, user_id=user_id)).scalar_one_or_none()


def role_of(room: Room, user_id: int) -> str | None:
    m = membership(room, user_id)
    return m.role if m and m.active and not m.banned else None


def check_password_attempt(room: Room, user_id: int, ip: str) -> None:
    """Count one password check against the user, the client's IP (both per room) and the IP
    overall; refuse it (before any hashing) beyond the limits. A fresh guest account does not
    reset the IP's counts."""
    limits = current_limits()
    message = "Too many password attempts for this room; wait before trying again"
    limits.check("password.user_room", user_id, room.code, message=message)
    if not ip_exempt(ip):
        limits.check("password.ip_room", ip, room.code, message=message)
        limits.check("password.ip", ip, message=message)


def admit(room: Room, user: User, password: str | None, ip: str = "?", *,
          invite: str | None = None) -> RoomMembership:
    """Check a join and record the membership; raise the refusal the joiner should see."""
    m = membership(room, user.id)
    if m is not None and m.banned:
        raise forbidden("You are banned from this room")
    refusal = room_access.private_refusal(room, m, user.id, invite)
    if refusal is not None:
        raise refusal
    now = now_ms()
    if room_access.password_asked(room, m, user.id):
        if not password:
            raise ApiError("forbidden", "This room needs a password", needs_password=True)
        check_password_attempt(room, user.id, ip)
        if not check_password(room.password_hash or "", password):
            raise ApiError("forbidden", "Wrong room password", needs_password=True)
        if m is not None:
            m.joined_ms = now  # admitted under the current password
    if m is None:
        m = RoomMembership(room_id=room.id, user_id=user.id, joined_ms=now,
                           role="owner" if room.owner_id == user.id else "participant")
        db.session.add(m)
    elif not m.active:
        m.joined_ms = now
    m.active = True
    m.last_seen_ms = now
    if now - (room.last_active_ms or 0) >= ACTIVITY_STAMP_MS:
        room.last_active_ms = now
    if now - (user.last_seen_ms or 0) >= ACTIVITY_STAMP_MS:
        user.last_seen_ms = now
    return m


def chat_tail(room: Room, limit: int = CHAT_ON_JOIN, before_id: int | None = None) -> list[dict]:
    """The room's latest `limit` chat messages (before `before_id`), oldest first, as the wire has
    them: read as columns, not as ORM objects (every join reads 50)."""
    stmt = db.select(*(getattr(ChatMessage, name) for name in ChatMessage.WIRE)).where(ChatMessage.room_id == room.id)
    if before_id is not None:
        stmt = stmt.where(ChatMessage.id < before_id)
    rows = db.session.execute(stmt.order_by(ChatMessage.id.desc()).limit(limit)).all()
    return [dict(zip(ChatMessage.WIRE, row, strict=True)) for row in reversed(rows)]


def queue_entries(room: Room, *, include_history: bool = False) -> list[QueueEntry]:
    return list(db.session.execute(_QUEUE[include_history], {"room_id": room.id}).scalars())


def public_facts(room: Room, member_count: int) -> dict:
    """What a newcomer sees before joining (the extension asks "join this room?" with it)."""
    owner = db.session.get(User, room.owner_id)
    return {"code": room.code, "name": room.name, "has_password": bool(room.password_hash),
            "is_private": room.is_private, "members": member_count, "state": load_playback(room).state,
            "owner_name": owner.name if owner else ""}
