"""The whole Room as the protocol sends it (join, room.sync, POST /api/rooms)."""
from __future__ import annotations

from server.domain.constants import ROSTER_READ_MAX
from server.models import Room
from server.services.presence.roster import roster_and_players
from server.services.queue_broadcast import queue_wire
from server.services.reactions import recent_reactions
from server.services.rooms import chat_tail, load_playback
from server.services.votes import vote_state
from server.timeutil import now_ms


def room_wire(room: Room, reader_id: int | None = None) -> dict:
    """The room for one reader: the first ROSTER_READ_MAX roster rows (and the reader's own), the
    count in `members_total`; the vote count reads every member with a player."""
    pb = load_playback(room)
    members, players = roster_and_players(room, pb)
    return {"code": room.code, "settings": room.settings_wire(), "owner_id": room.owner_id,
            "playback": pb.to_wire(), **queue_wire(room), "queue_version": room.queue_version,
            "members": roster_page(members, reader_id), "members_total": len(members), "chat": chat_tail(room), "version": room.version,
            # the current entry's skip votes and recent reactions (late joiners see both)
            "vote": vote_state(room, pb, players), "reactions": recent_reactions(pb.entry_id),
            "server_ms": now_ms()}


def roster_page(members: list[dict], reader_id: int | None) -> list[dict]:
    """The roster's first ROSTER_READ_MAX rows in its order (owner, operators, then by name),
    the reader's own row always among them."""
    if len(members) <= ROSTER_READ_MAX:
        return members
    page = members[:ROSTER_READ_MAX]
    if reader_id is not None and all(m["user_id"] != reader_id for m in page):
        own = next((m for m in members if m["user_id"] == reader_id), None)
        if own is not None:
            page = members[:ROSTER_READ_MAX - 1] + [own]
    return page
