"""queue.add, queue.remove, queue.move, queue.play, queue.load."""
from __future__ import annotations

import logging

from server.domain import room_clock as clock
from server.domain.chat_text import strip_invisible
from server.domain.constants import MIN_PLAUSIBLE_DURATION_MS
from server.domain.permissions import is_operator_or_owner
from server.domain.queue_order import HISTORY_STATUSES
from server.domain.youtube_urls import InvalidVideo, VideoRef, is_video_id, is_youtube_thumbnail, parse_video_ref
from server.errors import invalid
from server.events.base import on_event
from server.events.playback import _control_check, count_command
from server.events.rooms import current_room, require_role
from server.extensions import db, real_app
from server.services.clock_runner import entry_ref, run_command
from server.services.metadata import default_thumbnail
from server.services.metadata_jobs import fill_later
from server.services.presence import Conn
from server.services.queue_broadcast import emit_queue, queue_wire
from server.services.queue_service import add_entries, check_add, get_entry, move_entry, remove_entry
from server.services.request_limits import current_limits
from server.services.room_locks import room_lock
from server.services.rooms import load_playback, queue_entries
from server.validation import Int, Str

log = logging.getLogger("sharetube.queue")
ENTRY_ID = Int(1, 2**53)


def add_refs(conn: Conn, room, refs: list[tuple[VideoRef, dict]]) -> tuple[list, list]:
    """Shared by queue.add and chat links: add, commit, broadcast, fetch metadata, maybe start."""
    with room_lock(room.code):
        created, reused = add_entries(room, conn.user_id, refs)
        db.session.commit()
        if created:
            emit_queue(room)
    if created:
        log.info("room=%s event=queue.add entries=%s qv=%s by=u%s", room.code, [e.id for e in created],
                 room.queue_version, conn.user_id)
        # Always asked: a title the client sent only shows until YouTube's own arrives.
        fill_later(real_app(), [e.id for e in created])
        if load_playback(room).state == "idle":
            run_command(room.code, lambda _r, _p: clock.Play(actor=None), actor_id=None)
    return created, reused


@on_event("queue.add", {"url": Str(2048, required=False), "video_id": Str(32, required=False),
                        "title": Str(255, required=False, nullable=True),
                        "author": Str(255, required=False, nullable=True),
                        "duration_ms": Int(1, 48 * 3600 * 1000, required=False, nullable=True),
                        "thumbnail_url": Str(1024, required=False, nullable=True),
                        "start_ms": Int(0, 48 * 3600 * 1000, required=False, nullable=True)})
def queue_add(conn: Conn, data: dict) -> dict:
    room = current_room(conn)
    try:
        if data.get("url"):
            ref = parse_video_ref(data["url"])
        elif data.get("video_id") is not None:
            if not is_video_id(data["video_id"]):
                raise invalid("That is not a YouTube video id (11 characters: letters, digits, - and _)")
            ref = VideoRef(data["video_id"], int(data.get("start_ms") or 0))
        else:
            raise invalid("Send a YouTube link ('url') or a video id ('video_id')")
    except InvalidVideo as exc:
        raise invalid(str(exc)) from None
    check_add(room, conn.user_id)
    meta = {k: (strip_invisible(data[k]).strip()[:255] or None) if isinstance(data.get(k), str) else None
            for k in ("title", "author")}
    # A participant's duration is a claim about a video nobody plays yet (issue 14: 1 ms skipped
    # the entry as soon as it started). Only an owner's or operator's is taken here; otherwise
    # it comes from the server's metadata or a player showing the video (player.duration).
    duration = data.get("duration_ms")
    trusted = is_operator_or_owner(require_role(conn, room)) and (duration or 0) >= MIN_PLAUSIBLE_DURATION_MS
    meta["duration_ms"] = duration if trusted else None
    thumb = data.get("thumbnail_url")
    # Other members' phones and the public /join page load it: YouTube's image host only.
    meta["thumbnail_url"] = thumb if is_youtube_thumbnail(thumb) else default_thumbnail(ref.video_id)
    created, reused = add_refs(conn, room, [(ref, meta)])
    entry = (created or reused)[0]
    return {"entry": entry.to_wire(), "duplicate": not created}


def _count_edit(conn: Conn) -> None:
    current_limits().check("queue.edit", conn.user_id, message="Too many queue changes; wait a moment")


@on_event("queue.remove", {"entry_id": ENTRY_ID})
def queue_remove(conn: Conn, data: dict) -> dict:
    _count_edit(conn)
    remove_entry(current_room(conn), conn.user_id, data["entry_id"])
    return {}


@on_event("queue.move", {"entry_id": ENTRY_ID, "to_index": Int(0, 100_000)})
def queue_move(conn: Conn, data: dict) -> dict:
    _count_edit(conn)
    move_entry(current_room(conn), conn.user_id, data["entry_id"], data["to_index"])
    return {}


@on_event(clock.PlayEntry.EVENT, {"entry_id": ENTRY_ID})
def queue_play(conn: Conn, data: dict) -> dict:
    room = current_room(conn)
    count_command(conn)
    entry = get_entry(room, data["entry_id"])
    if entry.status != "queued":
        raise invalid("That entry is not in the queue any more")
    ref = entry_ref(entry)
    out = run_command(room.code, lambda _r, _p: clock.PlayEntry(actor=conn.user_id, entry=ref),
                      actor_id=conn.user_id, check=_control_check(conn))
    return {"playback": out.playback.to_wire()}


@on_event("queue.load", {"history": Int(0, 1, required=False)})
def queue_load(conn: Conn, data: dict) -> dict:
    room = current_room(conn)
    out = queue_wire(room)
    if data.get("history"):  # the played list, in the order the entries finished
        done = [e for e in queue_entries(room, include_history=True) if e.status in HISTORY_STATUSES]
        done.sort(key=lambda e: (e.finished_ms or 0, e.id))
        out["history"] = [{**e.to_wire(), "finished_ms": e.finished_ms} for e in done[-100:]]
    return out
