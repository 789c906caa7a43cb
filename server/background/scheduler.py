"""This process's loops: the background slots (server/background/tasks.py) and, where sockets
live, a local loop: throttled roster updates, presence heartbeats, the dashboard's live sample."""
from __future__ import annotations

import logging

from flask import Flask

from server.background.tasks import start_slots
from server.extensions import db, socketio
from server.services import prom
from server.services.admin.stats import publish_sample
from server.services.presence.status_reports import flush_pending
from server.timeutil import now_ms

log = logging.getLogger("sharetube.scheduler")
TICK_S = 0.1
HOUSEKEEPING_EVERY_S = 2.0


def start_scheduler(app: Flask) -> None:
    """Start this process's loops: the local one (roster folding, presence heartbeat) where
    sockets live, and the background slots when BACKGROUND_TASK_SLOTS > 0."""
    rt = app.extensions["sharetube"]
    if rt.scheduler is not None:
        return
    loops = start_slots(app)
    if app.config["ST"].SHARETUBE_POOL != "background":
        loops.append(socketio.start_background_task(_local_loop, app))
    rt.scheduler = loops


def _local_loop(app: Flask) -> None:
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
