"""This process's loops: the background slots (server/background/tasks.py) and, where sockets
live, a local loop (throttled roster updates, presence heartbeats, the dashboard's live sample,
the reconcile pass of cached member roles) and, with Redis, the listener of membership changes
made on other processes (services/presence/membership.py)."""
from __future__ import annotations

import logging

from flask import Flask

from server.background.tasks import start_slots
from server.extensions import db, socketio
from server.services import prom
from server.services.admin.stats import publish_sample
from server.services.presence.membership import MEMBER_RECONCILE_S, MEMBERS_CHANNEL, apply_message, reconcile
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
        if rt.redis is not None:
            loops.append(socketio.start_background_task(_member_listener, app))
    rt.scheduler = loops


def _local_loop(app: Flask) -> None:
    last_housekeeping = 0.0
    last_reconcile = now_ms() / 1000
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
                if t - last_reconcile >= MEMBER_RECONCILE_S:
                    last_reconcile = t
                    reconcile()
            except Exception:
                log.exception("event=local_loop_iteration_failed")
            finally:
                db.session.remove()


def _member_listener(app: Flask) -> None:
    """Apply membership changes published by other processes to this process's sockets; after a
    Redis outage, subscribe again (the reconcile pass covers what was missed meanwhile)."""
    client = app.extensions["sharetube"].redis
    while True:
        pubsub = None
        try:
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            pubsub.subscribe(MEMBERS_CHANNEL)
            while True:  # get_message waits at most 1 s: the client's socket timeout never fires
                message = pubsub.get_message(timeout=1.0)
                if message is None or message.get("type") != "message":
                    continue
                with app.app_context():
                    apply_message(message["data"])
        except Exception as exc:
            log.warning("event=member_listener_error error=%s", type(exc).__name__)
        finally:
            if pubsub is not None:
                try:
                    pubsub.close()
                except Exception:
                    pass
        socketio.sleep(1.0)
