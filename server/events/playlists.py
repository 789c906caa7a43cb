"""queue.playlist (a YouTube playlist into the queue as one action) and queue.shuffle (with its undo)."""
from __future__ import annotations

from server.domain.chat_text import strip_invisible
from server.domain.queue_chat_limits import MAX_PLAYLIST_ENTRIES, MAX_PLAYLIST_TITLE_CHARS
from server.domain.youtube_urls import InvalidVideo, VideoRef, is_playlist_id, is_video_id, parse_playlist_ref
from server.errors import invalid
from server.events.base import on_event
from server.events.rooms import current_room
from server.services.playlist_service import add_playlist, expand_playlist, shuffle_queue
from server.services.presence import Conn
from server.services.queue_service import check_add
from server.validation import Bool, Items, Str

ENTRY = {"video_id": Str(32), "title": Str(MAX_PLAYLIST_TITLE_CHARS, required=False, nullable=True)}


def playlist_id(data: dict) -> str:
    if data.get("url"):
        try:
            return parse_playlist_ref(data["url"])
        except InvalidVideo as exc:
            raise invalid(str(exc)) from None
    if data.get("list_id") is not None:
        if not is_playlist_id(data["list_id"]):
            raise invalid("That is not a YouTube playlist id (letters, digits, - and _)")
        return data["list_id"]
    raise invalid("Send a playlist link ('url') or its id ('list_id')")


def page_refs(entries: list[dict]) -> list[tuple[VideoRef, dict]]:
    """What a client read from the playlist page: ids checked, titles kept as claims (cleaned)."""
    refs = []
    for index, item in enumerate(entries):
        if not is_video_id(item["video_id"]):
            raise invalid(f"'entries' item {index}: not a YouTube video id (11 letters, digits, - and _)")
        title = strip_invisible(item.get("title") or "").strip() or None
        refs.append((VideoRef(item["video_id"]), {"title": title}))
    return refs


@on_event("queue.playlist", {"url": Str(2048, required=False), "list_id": Str(64, required=False),
                             "entries": Items(ENTRY, max_items=MAX_PLAYLIST_ENTRIES, required=False)})
def queue_playlist(conn: Conn, data: dict) -> dict:
    room = current_room(conn)
    list_id = playlist_id(data)
    entries = data.get("entries")
    refs = page_refs(entries) if entries else None
    check_add(room, conn.user_id)  # before anything is fetched
    if refs is None:
        refs = expand_playlist(list_id, conn.user_id)
    return add_playlist(room, conn.user_id, list_id, refs).to_ack()


@on_event("queue.shuffle", {"undo": Bool(required=False)})
def queue_shuffle(conn: Conn, data: dict) -> dict:
    order = shuffle_queue(current_room(conn), conn.user_id, undo=bool(data.get("undo")))
    return {"order": order}
