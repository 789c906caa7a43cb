"""Fill queue entries with title, channel and thumbnail off the socket handler."""
from __future__ import annotations

import logging
import threading

from flask import Flask

from server.domain.queue_chat_limits import (
    METADATA_BULK_FILLS,
    METADATA_FILL_EMIT_EVERY,
    METADATA_FILL_MAX_FAILURES,
)
from server.domain.queue_order import LIVE_STATUSES
from server.extensions import db, socketio
from server.models import QueueEntry, Room
from server.services.metadata import MetadataFetcher, default_thumbnail
from server.services.playlists import PlaylistFetcher
from server.services.queue_broadcast import bump_queue_version, emit_queue
from server.services.room_locks import room_lock

log = logging.getLogger("sharetube.metadata")


def init_metadata(app: Flask) -> None:
    cfg = app.config["ST"]
    app.extensions["sharetube"].metadata = MetadataFetcher.from_config(
        {"YOUTUBE_OEMBED_URL": cfg.YOUTUBE_OEMBED_URL, "YOUTUBE_API_KEY": cfg.YOUTUBE_API_KEY,
         "YOUTUBE_DATA_API_URL": f"{cfg.YOUTUBE_API_URL}/videos"})
    app.extensions["sharetube"].playlists = PlaylistFetcher.from_config(
        {"YOUTUBE_API_URL": cfg.YOUTUBE_API_URL, "YOUTUBE_API_KEY": cfg.YOUTUBE_API_KEY})


def fill_later(app: Flask, entry_ids: list[int]) -> None:
    """Start a background task (a greenlet under gevent) that fetches and broadcasts."""
    if entry_ids:
        socketio.start_background_task(_fill, app, list(entry_ids))


# Fills of several entries (playlists) run at most this many at once per process; a single
# add's fill never waits behind them.
_BULK_FILLS = threading.BoundedSemaphore(METADATA_BULK_FILLS)


def _fill(app: Flask, entry_ids: list[int]) -> None:
    bulk = len(entry_ids) > 1
    if bulk:
        _BULK_FILLS.acquire()
    try:
        with app.app_context():
            fetcher: MetadataFetcher = app.extensions["sharetube"].metadata
            try:
                fill_entries(fetcher, entry_ids)
            except Exception:
                log.exception("event=metadata_fill_failed entries=%s", entry_ids)
            finally:
                db.session.remove()
    finally:
        if bulk:
            _BULK_FILLS.release()


def fill_entries(fetcher: MetadataFetcher, entry_ids: list[int]) -> int:
    """Fetch and store each entry's metadata, one lookup at a time; the rooms' queues are sent
    after every METADATA_FILL_EMIT_EVERY entries (a playlist's titles arrive as they come) and at
    the end. Bounded: METADATA_FILL_MAX_FAILURES failed lookups in a row end the fill (the
    periodic back-fill takes the rest when the upstream is back)."""
    rooms: set[int] = set()
    filled = 0
    failures = 0
    for done, entry_id in enumerate(entry_ids, start=1):
        entry = db.session.get(QueueEntry, entry_id)
        if entry is None:
            continue
        video_id = entry.video_id
        db.session.rollback()  # no transaction open while the network call runs
        meta = fetcher.fetch(video_id)
        failures = 0 if meta is not None else failures + 1
        entry = db.session.get(QueueEntry, entry_id)
        if entry is None:
            continue
        before = (entry.title, entry.author, entry.thumbnail_url, entry.duration_ms)
        if meta is not None:
            # YouTube's answer replaces whatever the adding client said (its title is a claim).
            entry.title = meta.title or entry.title
            entry.author = meta.author or entry.author
            entry.thumbnail_url = meta.thumbnail_url or entry.thumbnail_url
            entry.duration_ms = meta.duration_ms or entry.duration_ms
            filled += 1
        else:
            entry.thumbnail_url = entry.thumbnail_url or default_thumbnail(video_id)
        if (entry.title, entry.author, entry.thumbnail_url, entry.duration_ms) != before:
            rooms.add(entry.room_id)  # a lookup that changed nothing sends nobody a queue
        db.session.commit()
        if failures >= METADATA_FILL_MAX_FAILURES:
            log.warning("event=metadata_fill_stopped failures=%s left=%s", failures, len(entry_ids) - done)
            break
        if done % METADATA_FILL_EMIT_EVERY == 0 and done < len(entry_ids):
            _send_queues(rooms)
            rooms = set()
    _send_queues(rooms)
    return filled


def _send_queues(room_ids: set[int]) -> None:
    for room_id in room_ids:
        room = db.session.get(Room, room_id)
        if room is not None:
            with room_lock(room.code):  # queue versions go out in order (a handler may bump too)
                bump_queue_version(room)
                db.session.commit()
                emit_queue(room)


def backfill(app: Flask, limit: int = 50) -> int:
    """Background task: entries still missing a title (e.g. the fetch failed earlier)."""
    ids = [e for (e,) in db.session.execute(
        db.select(QueueEntry.id).where(QueueEntry.title.is_(None), QueueEntry.status.in_(LIVE_STATUSES))
        .limit(limit)).all()]
    db.session.rollback()
    if not ids:
        return 0
    return fill_entries(app.extensions["sharetube"].metadata, ids)
