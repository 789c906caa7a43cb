"""queue.replay: a played (or skipped) entry of the room's history goes back into the queue.

Who may: as `queue.add` (a member; operators only while the queue is locked), counted by the
same limit. The new entry copies what the server already knows of the old one (title,
duration, thumbnail), so nothing a client claims is taken."""
from __future__ import annotations

from server.domain.queue_order import HISTORY_STATUSES
from server.domain.youtube_urls import VideoRef
from server.errors import ApiError
from server.events.base import on_event
from server.events.queue import add_refs
from server.events.rooms import current_room
from server.services.presence import Conn
from server.services.queue_service import check_add, get_entry
from server.validation import Int


@on_event("queue.replay", {"entry_id": Int(1, 2**53)})
def queue_replay(conn: Conn, data: dict) -> dict:
    room = current_room(conn)
    old = get_entry(room, data["entry_id"])
    if old.status not in HISTORY_STATUSES:
        raise ApiError("conflict", "That video has not been played yet: it is still in the queue")
    check_add(room, conn.user_id)
    meta = {"title": old.title, "author": old.author, "thumbnail_url": old.thumbnail_url,
            "duration_ms": old.duration_ms}
    created, reused = add_refs(conn, room, [(VideoRef(old.video_id, old.start_ms or 0), meta)])
    entry = (created or reused)[0]
    return {"entry": entry.to_wire(), "duplicate": not created}
