"""What an admin may do to the service: close a room, kick a member, ban/unban, grant/revoke
admin. Each change is audited with the acting admin (room-level actions on the room's trail,
site-level ones with room_id NULL) and takes effect on connected sockets at once."""
from __future__ import annotations

import logging

from server.errors import ApiError, conflict, forbidden, not_found
from server.extensions import db, socketio
from server.models import Room, RoomMembership, User
from server.services.admin.queries import user_wire
from server.services.admin.sessions import AdminConn, admin_sids, drop_admin_sockets
from server.services.audit import audit
from server.services.members import kick_member
from server.services.presence.connections import drop_user_sockets
from server.services.presence.membership import invalidate
from server.services.room_codes import normalize_code
from server.services.rooms import room_by_code
from server.services.runtime import rt
from server.timeutil import now_ms

log = logging.getLogger("sharetube.admin")
SITE_ROLES = ("user", "admin")


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise not_found("No user has that id")
    return user


def close_room(admin: AdminConn, code: str) -> dict:
    norm = normalize_code(code)
    room = db.session.execute(db.select(Room).filter_by(code=norm)).scalar_one_or_none() if norm else None
    if room is None:
        raise not_found("No room has that code")
    if room.closed_ms is not None:
        raise conflict("This room is already closed")
    room.closed_ms = now_ms()
    room.due_ms = None
    audit(room.id, admin.user_id, "admin.close_room", before={"closed": False},
          after={"closed": True, "by": admin.name}, version=room.version)
    db.session.commit()
    log.info("room=%s event=closed_by_admin by=u%s", room.code, admin.user_id)
    socketio.emit("room.closed", {"code": room.code, "reason": "closed_by_admin"}, to=room.code, namespace="/")
    presence = rt().presence
    records = presence.room_records(room.code)
    # every process takes its sockets out of the room (none shares a record of it again)
    invalidate(room.code, removed=True)
    for rec in records:  # sockets on processes that have not applied the change yet
        presence.store.drop(room.code, rec["sid"])
    socketio.close_room(room.code, namespace="/")  # every process drops its sockets from the room
    return {"code": room.code, "closed_ms": room.closed_ms}


def kick(admin: AdminConn, code: str, user_id: int) -> dict:
    room = room_by_code(code)
    membership = db.session.execute(
        db.select(RoomMembership).filter_by(room_id=room.id, user_id=user_id)).scalar_one_or_none()
    if membership is None or not membership.active:
        raise not_found("That user is not a member of this room")
    kick_member(room, membership, actor_id=admin.user_id, ban=False, actor_name=f"{admin.name} (admin)")
    return {"code": room.code, "user_id": user_id}


def set_banned(admin: AdminConn, user_id: int, banned: bool) -> dict:
    user = _user(user_id)
    if user.id == admin.user_id:
        raise forbidden("You cannot ban yourself")
    if banned and user.role == "admin":
        raise forbidden("Revoke this user's admin role before banning them")
    if user.banned == banned:
        return {"user": user_wire(user), "changed": False}
    user.banned = banned
    if banned:
        user.token_version += 1  # every token they hold stops working
    audit(None, admin.user_id, "admin.ban" if banned else "admin.unban",
          before={"user_id": user.id, "banned": not banned}, after={"user_id": user.id, "banned": banned})
    db.session.commit()
    log.info("event=%s target=u%s by=u%s", "ban" if banned else "unban", user.id, admin.user_id)
    result = {"user": user_wire(user), "changed": True}  # before the drops: they end the db session
    if banned:
        drop_user_sockets(user_id, reason="banned")
        drop_admin_sockets(admin_sids(user_id=user_id), "banned")
    return result


def set_role(admin: AdminConn, user_id: int, role: str) -> dict:
    if role not in SITE_ROLES:
        raise ApiError("invalid", "'role' must be user or admin")
    user = _user(user_id)
    if user.id == admin.user_id and role != "admin":
        raise forbidden("You cannot revoke your own admin role")
    if role == "admin" and user.is_guest:
        raise forbidden("A guest cannot be an admin: a guest has no sign-in to come back with")
    if role == "admin" and user.banned:
        raise forbidden("Unban this user before making them an admin")
    if user.role == role:
        return {"user": user_wire(user), "changed": False}
    before = user.role
    user.role = role
    audit(None, admin.user_id, "admin.role", before={"user_id": user.id, "role": before},
          after={"user_id": user.id, "role": role})
    db.session.commit()
    log.info("event=site_role target=u%s role=%s by=u%s", user.id, role, admin.user_id)
    result = {"user": user_wire(user), "changed": True}
    if role != "admin":
        drop_admin_sockets(admin_sids(user_id=user_id), "admin_revoked")
    return result
