"""room.knock and room.knock_answer: newcomers asking to enter a private room, and the answer.

A knock goes to the owner's and operators' sockets only (`room.knock`); their answer reaches the
knocking socket (`room.knock_answer`, across processes through the message queue), which then
joins as usual. Every pending knock list change goes to the operators as `room.knocks`.
"""
from __future__ import annotations

import logging

from server.domain.permissions import is_operator_or_owner
from server.errors import forbidden
from server.events.base import on_event
from server.events.rooms import current_room, require_role
from server.extensions import db, socketio
from server.models import RoomMembership
from server.services import room_access
from server.services.audit import audit
from server.services.presence import Conn
from server.services.rooms import room_by_code
from server.timeutil import now_ms
from server.validation import Bool, Int, Str

log = logging.getLogger("sharetube.rooms")


@on_event("room.knock", {"code": Str(128, min_len=1)})
def knock(conn: Conn, data: dict) -> dict:
    room = room_by_code(data["code"])
    if conn.scoped_room:
        raise forbidden("A phone remote cannot ask to join a room")
    m = db.session.execute(db.select(RoomMembership)
                           .filter_by(room_id=room.id, user_id=conn.user_id)).scalar_one_or_none()
    if m is not None and m.banned:
        raise forbidden("You are banned from this room")
    if (m is not None and m.active) or room.owner_id == conn.user_id:
        return {"admitted": True}
    now = now_ms()
    row = room_access.open_knock(room, conn.user_id, conn.name, conn.sid, now)
    db.session.commit()
    log.info("room=%s event=knock knock=%s user=u%s", room.code, row.id, conn.user_id)
    room_access.tell_operators(room, "room.knock", {"knock": row.to_wire(), "code": room.code})
    return {"admitted": False, "knock_id": row.id}


@on_event("room.knock_answer", {"knock_id": Int(1, 2**53), "admit": Bool()})
def knock_answer(conn: Conn, data: dict) -> dict:
    room = current_room(conn)
    role = require_role(conn, room)
    if not is_operator_or_owner(role):
        raise forbidden("Only the owner and operators let people in")
    row = room_access.decide_knock(room, data["knock_id"], data["admit"], conn.user_id, now_ms())
    audit(room.id, conn.user_id, "member.admit" if data["admit"] else "member.decline",
          after={"user_id": row.user_id, "knock_id": row.id}, version=room.version)
    db.session.commit()
    answer = {"code": room.code, "admitted": bool(data["admit"]),
              "message": "" if data["admit"] else "The room's owner did not let you in"}
    socketio.emit("room.knock_answer", answer, to=row.sid)
    room_access.tell_operators(room, "room.knocks", {"knocks": [k.to_wire() for k in room_access.pending_knocks(room)]})
    return {}
