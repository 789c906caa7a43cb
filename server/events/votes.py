"""vote.skip, vote.clear (vote-skip) and reaction.send (reactions pinned to a moment)."""
from __future__ import annotations

from server.domain.constants import REACTION_EMOJI
from server.events.base import on_event
from server.events.rooms import current_room
from server.services import reactions, votes
from server.services.presence import Conn
from server.services.request_limits import current_limits
from server.validation import Enum, Int

ENTRY_ID = Int(1, 2**53, required=False, nullable=True)


@on_event("vote.skip", {"entry_id": ENTRY_ID})
def vote_skip(conn: Conn, data: dict) -> dict:
    room = current_room(conn)
    current_limits().check("vote.skip", conn.user_id, message="You are voting too often; wait a moment")
    return votes.vote_skip(room.code, conn.user_id, data.get("entry_id"))


@on_event("vote.clear", {})
def vote_clear(conn: Conn, data: dict) -> dict:
    room = current_room(conn)
    current_limits().check("vote.clear", conn.user_id, message="You are clearing votes too often; wait a moment")
    return votes.vote_clear(room.code, conn.user_id)


@on_event("reaction.send", {"emoji": Enum(*REACTION_EMOJI), "position_ms": Int(0, 48 * 3600 * 1000)})
def reaction_send(conn: Conn, data: dict) -> dict:
    room = current_room(conn)
    return {"reaction": reactions.send_reaction(conn, room, data["emoji"], data["position_ms"])}
