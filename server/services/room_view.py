"""The whole Room as the protocol sends it (join, room.sync, POST /api/rooms)."""
from __future__ import annotations

from server.domain.constants import ROSTER_READ_MAX
from server.models import Room
from server.services.presence.roster import roster_and_players
from server.services.presence.store import Conn
from server.services.queue_broadcast import queue_wire
from server.services.reactions import recent_reactions
from server.services.rooms import chat_tail, load_playback
from server.services.votes import vote_state
from server.timeutil import now_ms


def room_wire(room: Room, reader: Conn | None = None) -> dict:
    """The room for one reader: the roster's first ROSTER_READ_MAX rows (the reader's own among
    them) and the count in `members_total`; the vote count reads every member with a player."""
    pb = load_playback(room)
    members, players, total = roster_and_players(room, pb, limit=ROSTER_READ_MAX, reader=reader)
    return {"code": room.code, "settings": room.settings_wire(), "owner_id": room.owner_id,
            "playback": pb.to_wire(), **queue_wire(room, shared=reader is not None),
            "queue_version": room.queue_version,
            "members": members, "members_total": total, "chat": chat_tail(room), "version": room.version,
            # the current entry's skip votes and recent reactions (late joiners see both)
            "vote": vote_state(room, pb, players), "reactions": recent_reactions(pb.entry_id),
            "server_ms": now_ms()}
