"""Playlists into the shared queue, and shuffling it (with one undo).

A playlist (read from the page by a client, or expanded by the server from a `list=` link) is ONE
action: one permission check, one hit of the queue.add limit, one duplicate window (the same user
sending the same playlist within a few seconds adds it once), its entries appended in order up to
the queue's free places, one `queue.update`, one audit row and one chat line. Titles are then
filled in off the handler (metadata_jobs.fill_later, bounded).

A shuffle rewrites the queued entries' positions in one transaction (operators only), remembers
the order before and after on the room (`rooms.shuffle_undo`, so any process can undo it), and may
be undone once while the queue still is exactly as the shuffle left it.
"""
from __future__ import annotations

import json
import logging
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func

from server.domain import queue_order
from server.domain import room_clock as clock
from server.domain.permissions import may_shuffle
from server.domain.queue_chat_limits import MAX_PLAYLIST_ENTRIES, PLAYLIST_FETCHES_AT_ONCE
from server.domain.youtube_urls import VideoRef, playlist_url
from server.errors import ApiError, forbidden, invalid, not_found
from server.extensions import db
from server.models import QueueEntry, Room
from server.services.audit import audit
from server.services.clock_runner import run_command
from server.services.metadata import default_thumbnail
from server.services.metadata_jobs import fill_later
from server.services.playlists import Answer, PlaylistFetcher
from server.services.queue_broadcast import bump_queue_version, emit_queue, saved_shuffle
from server.services.queue_service import check_add, duplicates, member_role, new_entry, next_position
from server.services.request_limits import current_limits
from server.services.room_locks import room_lock
from server.services.rooms import load_playback, queue_entries
from server.services.runtime import rt
from server.services.system_messages import announce, names
from server.timeutil import now_ms

log = logging.getLogger("sharetube.queue")

MSG_NO_KEY = ("This server cannot read a playlist from its link (it has no YouTube API key). Open the "
              "playlist on YouTube, let its list of videos show, and press \u201cAdd playlist\u201d in the "
              "ShareTube panel.")


_PLAYLIST_FETCHES = threading.BoundedSemaphore(PLAYLIST_FETCHES_AT_ONCE)


@dataclass
class PlaylistAdded:
    list_id: str
    entry_ids: list[int] = field(default_factory=list)
    duplicate: bool = False
    dropped: int = 0  # entries that did not fit in the queue

    def to_ack(self) -> dict:
        return {"list_id": self.list_id, "added": len(self.entry_ids), "entry_ids": self.entry_ids,
                "duplicate": self.duplicate, "dropped": self.dropped}


def expand_playlist(list_id: str, user_id: int) -> list[tuple[VideoRef, dict]]:
    """The server reads a playlist itself (YOUTUBE_API_KEY): refs with the API's titles."""
    fetcher: PlaylistFetcher = rt().playlists
    if fetcher is None or not fetcher.enabled:
        raise invalid(MSG_NO_KEY)
    current_limits().check("playlist.fetch", user_id,
                           message="You are reading playlists too fast; wait a minute")
    db.session.rollback()  # no transaction (nor pooled connection) is held while YouTube answers
    if not _PLAYLIST_FETCHES.acquire(timeout=fetcher.timeout_s):
        raise ApiError("unavailable", "The server is busy reading other playlists; try again in a moment")
    try:
        answer, items = fetcher.fetch(list_id)
    finally:
        _PLAYLIST_FETCHES.release()
    if answer is Answer.NOT_FOUND:
        raise not_found("YouTube has no public playlist with that link (it may be private or deleted)")
    if answer is Answer.FAILED:
        raise ApiError("unavailable", "YouTube did not answer in time; try again")
    if not items:
        raise invalid("That playlist has no videos that can be played")
    return [(VideoRef(item.video_id), {"title": item.title, "author": item.author}) for item in items]


def add_playlist(room: Room, user_id: int, list_id: str, refs: list[tuple[VideoRef, dict]]) -> PlaylistAdded:
    """Append up to MAX_PLAYLIST_ENTRIES entries in order as one action; start an idle room."""
    result = PlaylistAdded(list_id)
    with room_lock(room.code):
        created = _append(room, user_id, list_id, refs[:MAX_PLAYLIST_ENTRIES], result)
        if created:
            db.session.commit()
            emit_queue(room)
    if not created:
        return result
    log.info("room=%s event=queue.playlist list=%s entries=%s dropped=%s qv=%s by=u%s", room.code, list_id,
             len(created), result.dropped, room.queue_version, user_id)
    fill_later(current_app._get_current_object(), result.entry_ids)  # type: ignore[attr-defined]
    more = f" ({result.dropped} did not fit: the queue is full)" if result.dropped else ""
    announce(room, f"{names([user_id])} added a playlist: {len(created)} videos{more}")
    if load_playback(room).state == "idle":
        run_command(room.code, lambda _r, _p: clock.Play(actor=None), actor_id=None)
    return result


def _append(room: Room, user_id: int, list_id: str, refs: list[tuple[VideoRef, dict]],
            result: PlaylistAdded) -> list[QueueEntry]:
    check_add(room, user_id)  # again under the lock: the queue may have filled meanwhile
    now = now_ms()
    key = (room.id, user_id, f"list:{list_id}")
    earlier = duplicates().recall(key, now)
    if earlier is not None:
        first = db.session.get(QueueEntry, earlier)
        if first is not None and first.status in queue_order.LIVE_STATUSES:
            result.duplicate = True
            return []
    current_limits().check("queue.add", user_id, message="You are adding videos too fast; wait a moment")
    current_limits().check("queue.playlist", user_id, message="You are adding playlists too fast; wait a minute")
    queued = db.session.execute(db.select(func.count()).select_from(QueueEntry).where(
        QueueEntry.room_id == room.id, QueueEntry.status == "queued")).scalar_one()
    fits = queue_order.free_slots(queued)
    result.dropped = max(0, len(refs) - fits)
    start = next_position(room)
    created = [new_entry(room, user_id, ref, {**meta, "thumbnail_url": default_thumbnail(ref.video_id)}, start + i)
               for i, (ref, meta) in enumerate(refs[:fits])]
    db.session.flush()
    result.entry_ids = [entry.id for entry in created]
    duplicates().remember(key, now, created[0].id)
    bump_queue_version(room)
    audit(room.id, user_id, "queue.playlist", after={"list": playlist_url(list_id),
                                                    "videos": [e.video_id for e in created]},
          version=room.queue_version)
    return created


# --- shuffle ------------------------------------------------------------------------------------


def shuffle_queue(room: Room, user_id: int, *, undo: bool = False,
                  rand: Callable[[int], int] = secrets.randbelow) -> list[int]:
    """Shuffle the queued entries (or undo the last shuffle); returns the new order."""
    with room_lock(room.code):
        db.session.refresh(room)  # another process may have shuffled since this request loaded it
        verdict = may_shuffle(member_role(room, user_id))
        if not verdict:
            raise forbidden(verdict.reason)
        current_limits().check("queue.shuffle", user_id, message="You are shuffling too often; wait a moment")
        queued = [e for e in queue_entries(room) if e.status == "queued"]
        order = [e.id for e in queued]
        if undo:
            saved = saved_shuffle(room)
            if saved is None:
                raise ApiError("conflict", "There is no shuffle to undo")
            if saved["after"] != order:
                raise ApiError("conflict", "The queue changed since the shuffle, so it can no longer be undone")
            new_order = list(saved["before"])
            room.shuffle_undo = None
        else:
            if len(order) < 2:
                raise ApiError("conflict", "Nothing to shuffle: the queue needs two or more videos")
            new_order = queue_order.shuffle(order, rand)
            room.shuffle_undo = json.dumps({"before": order, "after": new_order})
        by_id = {e.id: e for e in queued}
        base = min((e.position for e in queued), default=1)
        for offset, entry_id in enumerate(new_order):
            by_id[entry_id].position = base + offset
        bump_queue_version(room)
        action = "queue.unshuffle" if undo else "queue.shuffle"
        audit(room.id, user_id, action, before=order, after=new_order, version=room.queue_version)
        db.session.commit()
        log.info("room=%s event=%s entries=%s qv=%s by=u%s", room.code, action, len(order), room.queue_version,
                 user_id)
        emit_queue(room)
    said = "put the queue back as it was before the shuffle" if undo else f"shuffled the queue ({len(order)} videos)"
    announce(room, f"{names([user_id])} {said}")
    return new_order
