"""join, leave, room.sync, room.settings."""
from __future__ import annotations

import logging

from server.domain.permissions import may_change_settings
from server.errors import ApiError, forbidden
from server.events.base import on_event
from server.extensions import db, socketio
from server.models import Room, RoomMembership, User
from server.services import room_access
from server.services.audit import audit
from server.services.presence import Conn
from server.services.presence.connections import after_enter, enter_room, exit_room
from server.services.presence.membership import remember, verified_member
from server.services.presence.roster import broadcast_presence
from server.services.request_limits import current_limits, ip_exempt
from server.services.room_settings import (
    SETTINGS_SCHEMA,
    apply_settings,
    check_settings_payload,
    describe_change,
    roster_reads,
)
from server.services.room_view import room_wire
from server.services.rooms import (
    admit,
    load_playback,
    room_by_code,
)
from server.services.runtime import rt
from server.services.segment_jobs import refresh as refresh_segments
from server.services.system_messages import announce
from server.services.votes import recount as recount_votes
from server.validation import Str

log = logging.getLogger("sharetube.rooms")


def current_room(conn: Conn) -> Room:
    """The socket's room, after checking that its user is still a member.

    The membership is the connection's cached role (services/presence/membership.py): a kick,
    ban or role change made on any process corrects it before the member hears of it, and a
    socket whose role is unknown is checked against the database here, refused `forbidden` and
    taken out of the room when it is no longer a member."""
    verified_member(conn)
    return room_by_code(conn.room_code)


def require_role(conn: Conn, room: Room) -> str:
    ref = verified_member(conn)
    if ref.room_id != room.id:
        raise forbidden("You are not a member of this room")
    return ref.role


@on_event("join", {"code": Str(128, min_len=1), "password": Str(128, required=False, nullable=True),
                   "invite": Str(128, required=False, nullable=True)})
def join(conn: Conn, data: dict) -> dict:
    room = room_by_code(data["code"])
    if conn.scoped_room and conn.scoped_room != room.code:
        raise forbidden("This remote is paired with another room")
    limits = current_limits()
    limits.check("join.user", conn.user_id, message="You are joining rooms too often; wait a moment")
    if not ip_exempt(conn.ip):
        limits.check("join.ip", conn.ip, message="Too many joins from your network; wait a moment")
    user = db.session.get(User, conn.user_id)
    if user is None:
        raise ApiError("unauthorized", "Unknown user")
    member = admit(room, user, data.get("password"), conn.ip, invite=data.get("invite"))
    db.session.commit()
    first = enter_room(conn, room)
    remember(conn, room.id, member.role)
    log.info("room=%s event=join v=%s by=u%s device=%s", room.code, room.version, conn.user_id, conn.device)
    # read again now the socket is in the room: every change after this read is pushed to it
    room = room_by_code(room.code)
    if after_enter(conn, room, first):  # (the clock changed: a start now waits for this member)
        room = room_by_code(room.code)
    role = member.role
    return {"room": room_wire(room, conn), "role": role, **room_access.operator_view(room, role)}


@on_event("leave", {})
def leave(conn: Conn, data: dict) -> dict:
    code = conn.room_code
    if code is None:
        return {}
    room = room_by_code(code)
    m = db.session.execute(db.select(RoomMembership)
                           .filter_by(room_id=room.id, user_id=conn.user_id)).scalar_one_or_none()
    exit_room(conn, announce=True, reason="left")
    if m is not None and conn.user_id not in rt().presence.users_in_room(code) and m.role != "owner":
        m.active = False
        db.session.commit()
    log.info("room=%s event=leave by=u%s", code, conn.user_id)
    return {}


@on_event("room.sync", {})
def room_sync(conn: Conn, data: dict) -> dict:
    room = current_room(conn)
    return {"room": room_wire(room, conn), **room_access.operator_view(room, require_role(conn, room))}


@on_event("room.settings", SETTINGS_SCHEMA)
def room_settings(conn: Conn, data: dict) -> dict:
    room = current_room(conn)
    role = require_role(conn, room)
    values = check_settings_payload(data)
    verdict = may_change_settings(role, set(values))
    if not verdict:
        raise forbidden(verdict.reason)
    if values.get("password"):  # each new password is an scrypt hash: limited per user
        current_limits().check("password.set", conn.user_id,
                               message="You changed the room password too often; wait a moment")
    changed = apply_settings(room, values)
    if not changed:
        return {"settings": room.settings_wire()}
    audit(room.id, conn.user_id, "room.settings",
          before={k: v[0] for k, v in changed.items()}, after={k: v[1] for k, v in changed.items()},
          version=room.version)
    parts = ", ".join(describe_change(k, v[1]) for k, v in changed.items())
    db.session.commit()
    log.info("room=%s event=settings changed=%s by=u%s", room.code, ",".join(changed), conn.user_id)
    settings = room.settings_wire()
    socketio.emit("room.settings", {"settings": settings}, to=room.code)
    announce(room, f"{conn.name} changed {parts}")
    if roster_reads(changed):
        broadcast_presence(room)
    if "skip_segments" in changed:
        refresh_segments(room, load_playback(room))
    if "vote_skip_ratio" in changed:  # the votes are counted again: they may now suffice
        recount_votes(room)
    return {"settings": settings, **room_access.operator_view(room, role)}

