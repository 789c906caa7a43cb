"""Timeouts without any client action: the in-process scheduler of the single-process mode.

`run_due_rooms` asks the database for rooms whose `due_ms` passed (a hold deadline, or the
server clock past the end of the video) and applies `Tick` to each; it runs as the "clock"
background task in whichever process holds that slot (server/background/tasks.py). Every
process with sockets also runs a local loop: throttled roster updates and presence heartbeats.
"""
from __future__ import annotations

import logging

from flask import Flask

from server.domain.room_clock import Tick
from server.errors import ApiError
from server.extensions import db, socketio
from server.models import Room
from server.timeutil import now_ms

log = logging.getLogger("sharetube.scheduler")
TICK_S = 0.1
HOUSEKEEPING_EVERY_S = 2.0


def run_due_rooms(now: int | None = None, limit: int = 200) -> int:
    from server.services.clock_runner import run_command
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
    from flask import current_app

    from server.domain.room_clock import next_due_ms
    from server.services.rooms import load_playback
    room = db.session.execute(db.select(Room).filter_by(code=code)).scalar_one_or_none()
    if room is None:
        return
    due = next_due_ms(load_playback(room), current_app.config["ST"].END_GRACE_MS)
    room.due_ms = due if (due is not None and due > now) else None
    db.session.commit()


def start_scheduler(app: Flask) -> None:
    """Start this process's loops: the local one (roster folding, presence heartbeat) where
    sockets live, and the background slots when BACKGROUND_TASK_SLOTS > 0."""
    rt = app.extensions["sharetube"]
    if rt.scheduler is not None:
        return
    from server.background.tasks import start_slots
    loops = start_slots(app)
    if app.config["ST"].SHARETUBE_POOL != "background":
        loops.append(socketio.start_background_task(_local_loop, app))
    rt.scheduler = loops


def _local_loop(app: Flask) -> None:
    from server.services import prom
    from server.services.admin_stats import publish_sample
    from server.services.status_reports import flush_pending
    last_housekeeping = 0.0
    while True:
        socketio.sleep(TICK_S)
        with app.app_context():
            try:
                flush_pending()
                t = now_ms() / 1000
                if t - last_housekeeping >= HOUSEKEEPING_EVERY_S:
                    last_housekeeping = t
                    presence = app.extensions["sharetube"].presence
                    presence.heartbeat()
                    prom.SOCKETS.set(len(presence.local_conns()))
                    publish_sample()
            except Exception:
                log.exception("event=local_loop_iteration_failed")
            finally:
                db.session.remove()
