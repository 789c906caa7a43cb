"""Changing who is in a room and with which role: kicks, bans and role changes.

Shared by the members' own events (`member.kick`, `member.role`) and the admin dashboard, so a
kick is the same everywhere: audited, the member's sockets leave the room on every process,
the room clock stops waiting for them, and the room is told.
"""
from __future__ import annotations

import logging

from server.domain.permissions import role_changes
from server.domain.room_clock import MemberLeft
from server.errors import not_found
from server.extensions import db, socketio
from server.models import Room, RoomMembership, User
from server.services.audit import audit
from server.services.presence.connections import clock_member, drop_room_sockets_of_user
from server.services.presence.membership import invalidate
from server.services.presence.roster import broadcast_presence
from server.services.runtime import rt
from server.services.system_messages import announce

log = logging.getLogger("sharetube.members")


def active_membership(room_id: int, user_id: int) -> RoomMembership:
    m = db.session.execute(db.select(RoomMembership).filter_by(room_id=room_id, user_id=user_id)).scalar_one_or_none()
    if m is None or not m.active:
        raise not_found("That user is not a member of this room")
    return m


def _name(user_id: int) -> str:
    user = db.session.get(User, user_id)
    return user.name if user else "someone"


def change_role(room: Room, target: RoomMembership, role: str, *, actor_id: int, actor_name: str) -> None:
    """Give `target` the role (checked by the caller); handing over ownership demotes the owner."""
    changes = role_changes(actor_id, target.user_id, role)
    before = {}
    for user_id, new_role in changes:
        m = active_membership(room.id, user_id)
        before[user_id] = m.role
        m.role = new_role
        if new_role == "owner":
            room.owner_id = user_id
    audit(room.id, actor_id, "member.role", before=before, after=dict(changes), version=room.version)
    line = f"{actor_name} made {_name(target.user_id)} {role}"
    db.session.commit()
    log.info("room=%s event=role target=u%s role=%s by=u%s", room.code, target.user_id, role, actor_id)
    for user_id, new_role in changes:  # the roles kept on their connections, on every process
        invalidate(room.code, user_id, new_role)
    announce(room, line)
    broadcast_presence(room)


def kick_member(room: Room, target: RoomMembership, *, actor_id: int | None, ban: bool, actor_name: str) -> None:
    """Remove a member (optionally banned) and drop their sockets from the room, everywhere."""
    before = {"role": target.role, "banned": target.banned}
    target.active = False
    target.banned = target.banned or ban
    audit(room.id, actor_id, "member.ban" if ban else "member.kick", before=before,
          after={"user_id": target.user_id, "banned": target.banned}, version=room.version)
    verb = "banned" if ban else "removed"
    line = f"{actor_name} {verb} {_name(target.user_id)}"
    db.session.commit()
    log.info("room=%s event=%s target=u%s by=u%s", room.code, verb, target.user_id, actor_id)
    # before the member is told: every process forgets the role its sockets had (their next
    # event is checked against the database and refused)
    invalidate(room.code, target.user_id)
    sids = drop_room_sockets_of_user(room.code, target.user_id, "banned" if ban else "kicked")
    for sid in sids:
        socketio.server.leave_room(sid, room.code, namespace="/")
        rt().presence.store.drop(room.code, sid)
        local = rt().presence.get(sid)
        if local is not None:
            local.room_code = local.room_id = local.role = None
    clock_member(room.code, MemberLeft, target.user_id)
    announce(room, line)
    broadcast_presence(room)
