"""Fill queue entries with title, channel and thumbnail off the socket handler."""
from __future__ import annotations

import logging

from flask import Flask

from server.extensions import db, socketio
from server.models import QueueEntry, Room
from server.services.metadata import MetadataFetcher, default_thumbnail
from server.services.queue_broadcast import bump_queue_version, emit_queue
from server.services.room_locks import room_lock

log = logging.getLogger("sharetube.metadata")


def init_metadata(app: Flask) -> None:
    cfg = app.config["ST"]
    app.extensions["sharetube"].metadata = MetadataFetcher.from_config(
        {"YOUTUBE_OEMBED_URL": cfg.YOUTUBE_OEMBED_URL, "YOUTUBE_API_KEY": cfg.YOUTUBE_API_KEY})


def fill_later(app: Flask, entry_ids: list[int]) -> None:
    """Start a background task (a greenlet under gevent) that fetches and broadcasts."""
    if entry_ids:
        socketio.start_background_task(_fill, app, list(entry_ids))


def _fill(app: Flask, entry_ids: list[int]) -> None:
    with app.app_context():
        fetcher: MetadataFetcher = app.extensions["sharetube"].metadata
        try:
            fill_entries(fetcher, entry_ids)
        except Exception:
            log.exception("event=metadata_fill_failed entries=%s", entry_ids)
        finally:
            db.session.remove()


def fill_entries(fetcher: MetadataFetcher, entry_ids: list[int]) -> int:
    rooms: set[int] = set()
    filled = 0
    for entry_id in entry_ids:
        entry = db.session.get(QueueEntry, entry_id)
        if entry is None:
            continue
        video_id = entry.video_id
        db.session.rollback()  # no transaction open while the network call runs
        meta = fetcher.fetch(video_id)
        entry = db.session.get(QueueEntry, entry_id)
        if entry is None:
            continue
        if meta is not None:
            # YouTube's answer replaces whatever the adding client said (its title is a claim).
            entry.title = meta.title or entry.title
            entry.author = meta.author or entry.author
            entry.thumbnail_url = meta.thumbnail_url or entry.thumbnail_url
            entry.duration_ms = meta.duration_ms or entry.duration_ms
            filled += 1
        else:
            entry.thumbnail_url = entry.thumbnail_url or default_thumbnail(video_id)
            entry.title = entry.title or None
        rooms.add(entry.room_id)
        db.session.commit()
    for room_id in rooms:
        room = db.session.get(Room, room_id)
        if room is not None:
            with room_lock(room.code):  # queue versions go out in order (a handler may bump too)
                bump_queue_version(room)
                db.session.commit()
                emit_queue(room)
    return filled


def backfill(app: Flask, limit: int = 50) -> int:
    """Background task: entries still missing a title (e.g. the fetch failed earlier)."""
    ids = [e for (e,) in db.session.execute(
        db.select(QueueEntry.id).where(QueueEntry.title.is_(None), QueueEntry.status.in_(("queued", "playing")))
        .limit(limit)).all()]
    db.session.rollback()
    if not ids:
        return 0
    return fill_entries(app.extensions["sharetube"].metadata, ids)
