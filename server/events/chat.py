"""chat.send, chat.history, chat.typing."""
from __future__ import annotations

import logging

from server.domain.chat_text import InvalidText, clean_chat_text
from server.domain.permissions import may_add_to_queue
from server.domain.queue_chat_limits import MAX_RAW_CHAT_CHARS
from server.domain.youtube_urls import find_video_links
from server.errors import ApiError, invalid
from server.events.base import on_event
from server.events.queue import add_refs
from server.events.rooms import current_room
from server.extensions import db, socketio
from server.services.chat_lines import insert_line
from server.services.presence import Conn
from server.services.presence.membership import in_a_room, verified_member
from server.services.queue_service import check_add
from server.services.request_limits import current_limits
from server.services.rooms import chat_tail, room_by_code
from server.validation import Int, Str

log = logging.getLogger("sharetube.chat")
HISTORY_PAGE = 50
HISTORY_MAX = 200


@on_event("chat.send", {"text": Str(MAX_RAW_CHAT_CHARS)})
def chat_send(conn: Conn, data: dict) -> dict:
    # Cheap checks first, in memory: a flood of refused messages costs no database work.
    in_a_room(conn)
    try:
        text = clean_chat_text(data["text"])
    except InvalidText as exc:
        raise invalid(str(exc)) from None
    current_limits().check("chat.send", conn.user_id, message="You are sending messages too fast; wait a moment")
    member = verified_member(conn)  # room and role from the connection: one INSERT, one commit
    msg = insert_line(member.room_id, conn.user_id, conn.name, text, "text")
    db.session.commit()
    wire = msg.to_wire()
    socketio.emit("chat.message", wire, to=member.code)
    queued: list[int] = []
    links = find_video_links(text)
    room = room_by_code(member.code) if links else None  # only a message with links reads the room
    if room is not None and may_add_to_queue(member.role, room.queue_locked):
        try:
            check_add(room, conn.user_id, 1)
            created, reused = add_refs(conn, room, [(ref, {}) for ref in links])
            queued = [e.id for e in created + reused]
        except ApiError as exc:
            log.info("room=%s event=chat_links_not_queued reason=%s by=u%s", room.code, exc.code, conn.user_id)
    return {"message": wire, "queued": queued}


@on_event("chat.history", {"before_id": Int(1, 2**53, required=False, nullable=True),
                           "limit": Int(1, HISTORY_MAX, required=False)})
def chat_history(conn: Conn, data: dict) -> dict:
    room = current_room(conn)
    limit = data.get("limit") or HISTORY_PAGE
    messages = chat_tail(room, limit, before_id=data.get("before_id") or None)
    return {"messages": messages, "more": len(messages) == limit}


@on_event("chat.typing", {}, inline=True)
def chat_typing(conn: Conn, data: dict) -> dict:
    code = verified_member(conn).code
    if current_limits().allow("chat.typing", code, conn.user_id):
        socketio.emit("chat.typing", {"user_id": conn.user_id, "name": conn.name}, to=code,
                      skip_sid=conn.sid)
    return {}
