"""Timeouts without any client action: the room clock's own ticks.

`run_due_rooms` asks the database for rooms whose `due_ms` passed (a hold deadline, the
server clock past the end of the video, or an open vote to skip to count again) and applies
`Tick` to each; it runs as the "clock"
background task in whichever process holds that slot (server/background/tasks.py).
"""
from __future__ import annotations

import logging

from flask import current_app

from server.domain.room_clock import Tick, next_due_ms
from server.errors import ApiError
from server.extensions import db
from server.models import Room
from server.services.clock_runner import run_command
from server.services.rooms import load_playback
from server.services.votes import recount as recount_votes
from server.timeutil import now_ms

log = logging.getLogger("sharetube.scheduler")


def run_due_rooms(now: int | None = None, limit: int = 200) -> int:
    now = now or now_ms()
    codes = [c for (c,) in db.session.execute(
        db.select(Room.code).where(Room.due_ms.is_not(None), Room.due_ms <= now, Room.closed_ms.is_(None))
        .order_by(Room.due_ms).limit(limit)).all()]
    db.session.rollback()
    ran = 0
    for code in codes:
        try:
            out = run_command(code, lambda _r, _p: Tick(), actor_id=None)
            ran += int(out.changed)
            if not out.changed and out.playback.skip_votes:
                ran += int(recount_votes(out.room, tell_unchanged=False))
            if not out.changed:
                _clear_due_if_stale(code, now)
        except ApiError as exc:
            log.info("room=%s event=tick_skipped reason=%s", code, exc.code)
        except Exception:
            db.session.rollback()
            log.exception("room=%s event=tick_failed", code)
    return ran


def _clear_due_if_stale(code: str, now: int) -> None:
    """A due time that a Tick did not act on is recomputed so the room is not polled forever."""
    room = db.session.execute(db.select(Room).filter_by(code=code)).scalar_one_or_none()
    if room is None:
        return
    due = next_due_ms(load_playback(room), current_app.config["ST"].END_GRACE_MS, now)
    room.due_ms = due if (due is not None and due > now) else None
    db.session.commit()
