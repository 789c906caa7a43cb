"""member.role and member.kick: thin handlers over services/members.py."""
from __future__ import annotations

from server.domain.constants import ROLES
from server.domain.permissions import may_kick, may_set_role
from server.errors import forbidden
from server.events.base import on_event
from server.events.rooms import current_room, require_role
from server.services.members import active_membership, change_role, kick_member
from server.services.presence import Conn
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
