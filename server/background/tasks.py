"""The periodic tasks and the slot loops that run them.

Tasks are grouped; each group is one slot (a lease). A process with BACKGROUND_TASK_SLOTS=N
tries to hold up to N groups. Group "clock": hold deadlines and auto-advance by the server's
clock (every 100 ms). Group "housekeeping": presence sweep, idle-room expiry, metadata
back-fill, stats snapshots, system stats, the hand-over of away owners' rooms. Every run is
counted (Prometheus, and in Redis `st:taskruns:<task>` when Redis is configured, so a test can
count runs across a pool).
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask

from server.background import housekeeping as hk
from server.background.due_rooms import run_due_rooms
from server.background.slots import FileLease, RedisLease
from server.extensions import db, socketio
from server.services import prom

log = logging.getLogger("sharetube.tasks")


@dataclass
class Task:
    name: str
    period_s: float
    run: Callable[[Flask], object]
    next_at: float = field(default=0.0)


def task_groups(app: Flask) -> dict[str, list[Task]]:
    cfg = app.config["ST"]
    housekeeping = [
        Task("presence_sweep", float(cfg.HEARTBEAT_INTERVAL_SECONDS), hk.presence_sweep),
        Task("idle_room_expiry", 60.0, hk.expire_idle_rooms),
        Task("metadata_backfill", 30.0, hk.metadata_backfill),
        Task("stats_snapshot", float(cfg.STATS_SNAPSHOT_SECONDS), hk.stats_snapshot),
    ]
    if cfg.OWNER_AWAY_MS > 0:
        housekeeping.append(Task("owner_handover", hk.owner_check_period_s(cfg.OWNER_AWAY_MS), hk.owner_handover))
    if cfg.ENABLE_SYSTEM_STATS:
        housekeeping.append(Task("system_stats", 5.0, hk.system_stats))
    return {"clock": [Task("room_clock", cfg.CLOCK_TICK_SECONDS, lambda _app: run_due_rooms())],
            "housekeeping": housekeeping}


def make_lease(app: Flask, group: str):
    cfg = app.config["ST"]
    client = app.extensions["sharetube"].redis
    if client is not None:
        return RedisLease(client, group, cfg.BACKGROUND_TASK_LEASE_SECONDS)
    return FileLease(cfg.BACKGROUND_TASK_LOCK_DIR, group)


def count_run(app: Flask, task: Task, lag_s: float) -> None:
    prom.TASK_RUNS.labels(task.name).inc()
    prom.TASK_LAG.labels(task.name).set(max(0.0, lag_s))
    client = app.extensions["sharetube"].redis
    if client is not None and task.period_s >= 0.5:
        try:
            client.incr(f"st:taskruns:{task.name}")
        except Exception:
            pass


def slot_loop(app: Flask, group: str, tasks: list[Task]) -> None:
    """Hold the group's lease when possible; while held, run its due tasks; renew as we go."""
    cfg = app.config["ST"]
    lease = make_lease(app, group)
    renew_every = max(0.2, cfg.BACKGROUND_TASK_LEASE_SECONDS / 3)
    last_renew = 0.0
    while True:
        now = time.monotonic()
        try:
            if not lease.held:
                if lease.acquire():
                    log.info("event=slot_acquired slot=%s owner=%s", group, getattr(lease, "owner", "file"))
                    last_renew = now
                    for t in tasks:
                        t.next_at = now
                else:
                    socketio.sleep(min(1.0, renew_every))
                    continue
            elif now - last_renew >= renew_every:
                if not lease.renew():
                    log.warning("event=slot_lost slot=%s", group)
                    continue
                last_renew = now
        except Exception as exc:  # Redis unreachable: nothing is held; try again shortly
            log.warning("event=slot_error slot=%s error=%s", group, type(exc).__name__)
            lease.held = False
            socketio.sleep(1.0)
            continue
        for task in tasks:
            if time.monotonic() >= task.next_at:
                lag = time.monotonic() - task.next_at if task.next_at else 0.0
                task.next_at = time.monotonic() + task.period_s
                with app.app_context():
                    try:
                        task.run(app)
                        count_run(app, task, lag)
                    except Exception:
                        prom.TASK_FAILURES.labels(task.name).inc()
                        log.exception("event=task_failed task=%s", task.name)
                        db.session.rollback()
                    finally:
                        db.session.remove()
        wake = min(t.next_at for t in tasks) - time.monotonic()
        socketio.sleep(max(0.02, min(wake, renew_every / 2)))


def start_slots(app: Flask) -> list:
    slots = app.config["ST"].BACKGROUND_TASK_SLOTS
    groups = list(task_groups(app).items())
    if slots <= 0:
        return []
    if slots == 1:  # one slot holds every group's tasks
        merged = [t for _g, ts in groups for t in ts]
        return [socketio.start_background_task(slot_loop, app, "all", merged)]
    return [socketio.start_background_task(slot_loop, app, g, ts) for g, ts in groups[:slots]]
