"""member.role, member.kick, room.bans and room.unban: thin handlers over services/members.py."""
from __future__ import annotations

from server.domain.constants import ROLES
from server.domain.permissions import may_kick, may_see_bans, may_set_role, may_unban
from server.errors import forbidden
from server.events.base import on_event
from server.events.rooms import current_room, require_role
from server.services.members import (
    active_membership,
    ban_list,
    banned_membership,
    change_role,
    kick_member,
    unban_member,
)
from server.services.presence import Conn
from server.services.request_limits import current_limits
from server.validation import Bool, Enum, Int


@on_event("member.role", {"user_id": Int(1, 2**53), "role": Enum(*ROLES)})
def member_role(conn: Conn, data: dict) -> dict:
    room = current_room(conn)
    actor_role = require_role(conn, room)
    target = active_membership(room.id, data["user_id"])
    verdict = may_set_role(actor_role, target.role, data["role"])
    if not verdict:
        raise forbidden(verdict.reason)
    change_role(room, target, data["role"], actor_id=conn.user_id, actor_name=conn.name)
    return {}


@on_event("member.kick", {"user_id": Int(1, 2**53), "ban": Bool(required=False)})
def member_kick(conn: Conn, data: dict) -> dict:
    room = current_room(conn)
    actor_role = require_role(conn, room)
    target = active_membership(room.id, data["user_id"])
    verdict = may_kick(actor_role, target.role, same_user=target.user_id == conn.user_id)
    if not verdict:
        raise forbidden(verdict.reason)
    kick_member(room, target, actor_id=conn.user_id, ban=bool(data.get("ban")), actor_name=conn.name)
    return {}


@on_event("room.bans", {})
def room_bans(conn: Conn, data: dict) -> dict:
    room = current_room(conn)
    verdict = may_see_bans(require_role(conn, room))
    if not verdict:
        raise forbidden(verdict.reason)
    current_limits().check("room.bans", conn.user_id,
                           message="You are asking for the ban list too often; wait a moment")
    return {"bans": ban_list(room)}


@on_event("room.unban", {"user_id": Int(1, 2**53)})
def room_unban(conn: Conn, data: dict) -> dict:
    room = current_room(conn)
    actor_role = require_role(conn, room)
    allowed = may_unban(actor_role, "participant")  # the least any ban needs, before the limit counts
    if not allowed:
        raise forbidden(allowed.reason)
    current_limits().check("room.unban", conn.user_id, message="You are lifting bans too fast; wait a moment")
    target = banned_membership(room.id, data["user_id"])
    verdict = may_unban(actor_role, target.role)
    if not verdict:
        raise forbidden(verdict.reason)
    unban_member(room, target, actor_id=conn.user_id, actor_name=conn.name)
    return {}
