"""Who a socket is in its room: the room id and role kept on the connection (issue 15).

Handlers read the member's room and role from its `Conn` instead of loading the room and the
membership row on every event. The cache is only as good as its invalidation, so:

- every change of a membership (role change, kick, ban — all in services/members.py — and a
  closed room) calls `invalidate`: this process's sockets are corrected at once, and with a
  message queue the change is published on `MEMBERS_CHANNEL`, where every other process's
  listener (background/scheduler.py) applies it to its own sockets before the member is told;
  a removal (kick, ban, closed room) takes those sockets out of the room at once, so no
  process's heartbeat shares their records again;
- a socket whose role is unknown (`conn.role is None`) is checked against the database on its
  next event (`verified_member`), exactly as every event was before: a non-member is refused
  `forbidden` and leaves the room;
- `reconcile` compares every cached role of this process with the database every
  MEMBER_RECONCILE_S (one query), so a change that bypassed `invalidate` (a lost Redis
  message, a row edited by hand) is noticed within that time; a socket found no longer a
  member leaves the room there and then.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from server.errors import ApiError, forbidden
from server.extensions import db, socketio
from server.models import Room, RoomMembership
from server.services.cooperative import Turns
from server.services.presence.store import Conn
from server.services.rooms import role_of, room_by_code
from server.services.runtime import rt

log = logging.getLogger("sharetube.presence")
MEMBERS_CHANNEL = "st:members"
MEMBER_RECONCILE_S = 5.0
RECONCILE_CHUNK = 500


@dataclass(frozen=True)
class MemberRef:
    """The caller's room as its connection knows it (checked against the database when unknown)."""

    code: str
    room_id: int
    role: str


def remember(conn: Conn, room_id: int, role: str) -> None:
    """Cache the socket's room and role (at join, and after a database check)."""
    conn.room_id, conn.role = room_id, role
    if conn.room_code:
        rt().presence.update(conn.sid)  # the shared record carries the role the roster shows


def in_a_room(conn: Conn) -> str:
    """The socket's room code; refused `conflict` when it is in none, or once `forbidden` when a
    removal (kick, ban, closed room) took it out: the sender hears why its event was refused."""
    code = conn.room_code
    if code:
        return code
    if conn.was_removed:
        conn.was_removed = False
        raise forbidden("You are not a member of this room any more")
    raise ApiError("conflict", "Join a room first")


def verified_member(conn: Conn) -> MemberRef:
    """The caller's room and role: from its connection, or — when a change made the cached role
    unknown — from the database, refusing (and leaving the room) if it is no longer a member."""
    code = in_a_room(conn)
    if conn.role is not None and conn.room_id is not None:
        return MemberRef(code, conn.room_id, conn.role)
    try:
        room = room_by_code(code)
    except ApiError:
        _leave(conn)
        raise
    role = role_of(room, conn.user_id)
    if role is None:
        _leave(conn)
        log.info("room=%s event=stale_socket_refused user=u%s sid=%s", room.code, conn.user_id, conn.sid)
        raise forbidden("You are not a member of this room any more")
    remember(conn, room.id, role)
    return MemberRef(code, room.id, role)


def _leave(conn: Conn, *, tell_next: bool = False) -> None:
    """Take a socket whose membership ended out of its room (not a departure the room notes);
    `tell_next`: its next room event hears that it was removed (see in_a_room)."""
    _stop_broadcasts(conn)
    rt().presence.exit(conn.sid, note_left=False)
    conn.role = conn.room_id = None
    conn.was_removed = tell_next


def _stop_broadcasts(conn: Conn) -> None:
    try:
        socketio.server.leave_room(conn.sid, conn.room_code, namespace="/")
    except Exception:  # the socket may already be gone
        pass


def invalidate(code: str, user_id: int | None = None, role: str | None = None, *, removed: bool = False) -> None:
    """A membership of room `code` changed (user_id None: the whole room, e.g. closed): set the
    new role, or forget the cached one, on every process's sockets of it; `removed` (a kick, a ban,
    a closed room): every process takes those sockets out of the room instead, so no process's
    heartbeat shares their records again (a removed member would reappear in the presence)."""
    apply_change(code, user_id, role, removed=removed)
    if role is not None and user_id is not None:
        # the shared records too, so a roster sent right now (by this process) shows the new role
        # even for sockets on processes that have not applied the message yet
        store = rt().presence.store
        for rec in store.records(code):
            if int(rec["user_id"]) == user_id and rec.get("role") != role:
                store.put(code, rec["sid"], {**rec, "role": role})
    client = rt().redis
    if client is not None:
        try:
            client.publish(MEMBERS_CHANNEL, json.dumps({"code": code, "user_id": user_id, "role": role,
                                                        "removed": removed}))
        except Exception as exc:  # Redis down: the reconcile pass catches the change within seconds
            log.warning("room=%s event=member_invalidate_unpublished error=%s", code, type(exc).__name__)


def apply_change(code: str, user_id: int | None, role: str | None, *, removed: bool = False) -> int:
    """Apply one change to this process's sockets; return how many were touched."""
    touched = 0
    for conn in list(rt().presence.local_conns()):
        if conn.room_code != code or (user_id is not None and conn.user_id != user_id):
            continue
        touched += 1
        if removed:
            _leave(conn, tell_next=True)
        elif role is not None and conn.room_id is not None:
            remember(conn, conn.room_id, role)
        else:
            conn.role = None  # checked against the database on its next event
    return touched


def apply_message(raw: bytes | str) -> None:
    """A change published by another process (MEMBERS_CHANNEL)."""
    try:
        msg = json.loads(raw)
        code, user_id, role = str(msg["code"]), msg.get("user_id"), msg.get("role")
        removed = msg.get("removed") is True
    except (ValueError, KeyError, TypeError):
        log.warning("event=member_message_unreadable")
        return
    apply_change(code, int(user_id) if user_id is not None else None, role if isinstance(role, str) else None,
                 removed=removed)


def reconcile() -> int:
    """Compare every cached role of this process with the database; correct what differs.
    Returns how many sockets were corrected."""
    conns = [c for c in rt().presence.local_conns() if c.room_code and c.role is not None and c.room_id]
    corrected = 0
    turns = Turns()
    for start in range(0, len(conns), RECONCILE_CHUNK):
        chunk = conns[start:start + RECONCILE_CHUNK]
        room_ids = {c.room_id for c in chunk}
        user_ids = {c.user_id for c in chunk}
        rows = db.session.execute(
            db.select(RoomMembership.room_id, RoomMembership.user_id, RoomMembership.role)
            .join(Room, Room.id == RoomMembership.room_id)
            .where(RoomMembership.room_id.in_(room_ids), RoomMembership.user_id.in_(user_ids),
                   RoomMembership.active.is_(True), RoomMembership.banned.is_(False),
                   Room.closed_ms.is_(None))).all()
        roles = {(room_id, user_id): role for room_id, user_id, role in rows}
        for conn in chunk:
            actual = roles.get((conn.room_id, conn.user_id))
            if actual == conn.role:
                continue
            corrected += 1
            log.info("room=%s event=member_cache_corrected user=u%s cached=%s actual=%s",
                     conn.room_code, conn.user_id, conn.role, actual)
            if actual is None:  # out of the room now: its record is not shared again by a heartbeat
                _leave(conn, tell_next=True)
            elif conn.room_id is not None:
                remember(conn, conn.room_id, actual)
        db.session.rollback()  # (no transaction held while the loop has its turn)
        turns.take()
    return corrected
