"""member.role and member.kick."""
from __future__ import annotations

import logging

from server.domain.constants import ROLES
from server.domain.permissions import may_kick, may_set_role, role_changes
from server.errors import forbidden, not_found
from server.events.base import on_event
from server.events.rooms import current_room, require_role
from server.extensions import db, socketio
from server.models import RoomMembership, User
from server.runtime import rt
from server.services.audit import audit
from server.services.connections import broadcast_presence, drop_room_sockets_of_user
from server.services.presence import Conn
from server.services.system_messages import post_system
from server.validation import Bool, Enum, Int

log = logging.getLogger("sharetube.members")


def _membership(room_id: int, user_id: int) -> RoomMembership:
    m = db.session.execute(db.select(RoomMembership).filter_by(room_id=room_id, user_id=user_id)).scalar_one_or_none()
    if m is None or not m.active:
        raise not_found("That user is not a member of this room")
    return m


@on_event("member.role", {"user_id": Int(1, 2**53), "role": Enum(*ROLES)})
def member_role(conn: Conn, data: dict) -> dict:
    room = current_room(conn)
    actor_role = require_role(conn, room)
    target = _membership(room.id, data["user_id"])
    verdict = may_set_role(actor_role, target.role, data["role"])
    if not verdict:
        raise forbidden(verdict.reason)
    changes = role_changes(conn.user_id, target.user_id, data["role"])
    before = {}
    for user_id, role in changes:
        m = _membership(room.id, user_id)
        before[user_id] = m.role
        m.role = role
        if role == "owner":
            room.owner_id = user_id
    audit(room.id, conn.user_id, "member.role", before=before, after=dict(changes), version=room.version)
    target_user = db.session.get(User, target.user_id)
    msg = post_system(room, f"{conn.name} made {target_user.name if target_user else 'someone'} {data['role']}")
    db.session.commit()
    log.info("room=%s event=role target=u%s role=%s by=u%s", room.code, target.user_id, data["role"], conn.user_id)
    if msg is not None:
        socketio.emit("chat.message", msg.to_wire(), to=room.code)
    broadcast_presence(room)
    return {}


@on_event("member.kick", {"user_id": Int(1, 2**53), "ban": Bool(required=False)})
def member_kick(conn: Conn, data: dict) -> dict:
    room = current_room(conn)
    actor_role = require_role(conn, room)
    target = _membership(room.id, data["user_id"])
    verdict = may_kick(actor_role, target.role, same_user=target.user_id == conn.user_id)
    if not verdict:
        raise forbidden(verdict.reason)
    ban = bool(data.get("ban"))
    kick_member(room, target, actor_id=conn.user_id, ban=ban, actor_name=conn.name)
    return {}


def kick_member(room, target: RoomMembership, *, actor_id: int | None, ban: bool, actor_name: str) -> None:
    """Remove a member (optionally banned) and drop their sockets from the room, everywhere."""
    before = {"role": target.role, "banned": target.banned}
    target.active = False
    target.banned = target.banned or ban
    audit(room.id, actor_id, "member.ban" if ban else "member.kick", before=before,
          after={"user_id": target.user_id, "banned": target.banned}, version=room.version)
    target_user = db.session.get(User, target.user_id)
    verb = "banned" if ban else "removed"
    msg = post_system(room, f"{actor_name} {verb} {target_user.name if target_user else 'someone'}")
    db.session.commit()
    log.info("room=%s event=%s target=u%s by=u%s", room.code, verb, target.user_id, actor_id)
    reason = "banned" if ban else "kicked"
    sids = drop_room_sockets_of_user(room.code, target.user_id, reason)
    for sid in sids:
        socketio.server.leave_room(sid, room.code, namespace="/")
        rt().presence.store.drop(room.code, sid)
        local = rt().presence.get(sid)
        if local is not None:
            local.room_code = None
    from server.domain.room_clock import MemberLeft
    from server.services.connections import _clock_member
    _clock_member(room.code, MemberLeft, target.user_id)
    if msg is not None:
        socketio.emit("chat.message", msg.to_wire(), to=room.code)
    broadcast_presence(room)
