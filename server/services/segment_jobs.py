"""Segments for rooms with skip_segments on: fetched off the handler, then loaded into the clock.

When a room's entry changes (clock_runner's ENTRY_CHANGED_HOOKS) or its skip_segments selection
changes, a background task (a greenlet under gevent) asks the segment API through the bounded,
cached `SegmentFetcher` and applies `LoadSegments` through the room clock (compare-and-set, so a
late answer for an entry that is no longer current changes nothing). A failed fetch loads nothing:
the room plays on without skipping.
"""
from __future__ import annotations

import logging

from flask import Flask, current_app

from server.domain.constants import SEGMENT_CATEGORIES
from server.domain.room_clock import LoadSegments, Playback
from server.domain.segments import Segment, validate_categories
from server.extensions import db, socketio
from server.models import Room
from server.services.clock_runner import ENTRY_CHANGED_HOOKS, run_command
from server.services.segments import SegmentFetcher

log = logging.getLogger("sharetube.segments")


def segment_categories(room: Room) -> tuple[str, ...]:
    """The room's skip_segments selection (unknown names, say from an older release, dropped)."""
    try:
        return validate_categories([name for name in room.skip_segments if name in SEGMENT_CATEGORIES])
    except ValueError:
        return ()


def init_segments(app: Flask) -> None:
    app.extensions["sharetube"].segments = SegmentFetcher(app.config["ST"].SPONSORBLOCK_API_URL)
    if _on_entry_changed not in ENTRY_CHANGED_HOOKS:
        ENTRY_CHANGED_HOOKS.append(_on_entry_changed)


def _on_entry_changed(room: Room, playback: Playback) -> None:
    if playback.entry_id is not None and playback.video_id and segment_categories(room):
        load_later(room.code, playback.entry_id, playback.video_id, segment_categories(room))


def refresh(room: Room, playback: Playback) -> None:
    """The room's selection changed: load the current entry's segments again (or clear them)."""
    if playback.entry_id is None or not playback.video_id:
        return
    categories = segment_categories(room)
    if categories:
        load_later(room.code, playback.entry_id, playback.video_id, categories)
    elif playback.segments:
        apply_segments(room.code, playback.entry_id, ())


def load_later(code: str, entry_id: int, video_id: str, categories: tuple[str, ...]) -> None:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    socketio.start_background_task(_load, app, code, entry_id, video_id, categories)


def _load(app: Flask, code: str, entry_id: int, video_id: str, categories: tuple[str, ...]) -> None:
    with app.app_context():
        try:
            fetcher: SegmentFetcher = app.extensions["sharetube"].segments
            segments = fetcher.fetch(video_id, categories)
            if segments is None:
                log.warning("event=segments_unavailable room=%s entry=%s", code, entry_id)
                return
            apply_segments(code, entry_id, segments)
        except Exception:
            log.exception("event=segments_failed room=%s entry=%s", code, entry_id)
        finally:
            db.session.remove()


def apply_segments(code: str, entry_id: int, segments: tuple[Segment, ...]) -> None:
    out = run_command(code, lambda _room, _pb: LoadSegments(None, entry_id, segments), actor_id=None)
    if out.changed:
        log.info("event=segments_loaded room=%s entry=%s count=%s", code, entry_id, len(segments))
