"""The dashboard's live numbers: sampled every 2 s, pushed to this process's admin sockets,
kept as a StatsSnapshot by the background "stats_snapshot" task (24 h retained) for the charts.

With Redis, every process that samples publishes its own numbers (sockets, CPU, memory,
events/s, p99) under `st:admin:procs`; the pushed figures add them up, and `workers` counts the
processes heard from in the last few seconds. Users online and active rooms come from the shared
presence store, so they are service-wide either way.
"""
from __future__ import annotations

import json
import logging
import os
import socket as pysocket
from typing import Any

import psutil
from flask import Flask
from sqlalchemy import delete

from server.extensions import db, socketio
from server.models import StatsSnapshot
from server.services.admin.sessions import ADMIN_NS, AdminState, admin_state, drop_stale_admins
from server.services.presence.counts import public_counts
from server.services.runtime import rt
from server.timeutil import now_ms

log = logging.getLogger("sharetube.admin")
PUSH_EVERY_S = 2.0
KEEP_SNAPSHOTS_MS = 24 * 3600 * 1000
RECHECK_SESSIONS_EVERY = 5  # pushes (10 s)
MAX_HISTORY_POINTS = 720
PROCS_KEY = "st:admin:procs"
SUMMED = ("sockets", "admins", "events_per_s", "cpu_percent", "rss_mb")


def process_sample(state: AdminState) -> dict:
    if state.process is None:
        state.process = psutil.Process(os.getpid())
    proc = state.process
    with proc.oneshot():
        cpu = proc.cpu_percent(None)
        rss = proc.memory_info().rss
    metrics = rt().metrics
    return {"sockets": len(rt().presence.local_conns()), "admins": len(state.conns),
            "events_per_s": metrics.events_per_s(), "p99_ack_ms": metrics.p99_ack_ms(),
            "cpu_percent": round(cpu, 1), "rss_mb": round(rss / 2**20, 1)}


def across_processes(sample: dict, now: int) -> dict:
    """Add this process's sample to the others' (through Redis); alone, it is the total."""
    redis = rt().redis
    if redis is None:
        return {**sample, "workers": 1}
    try:
        redis.hset(PROCS_KEY, f"{pysocket.gethostname()}:{os.getpid()}", json.dumps({**sample, "ts": now}))
        fresh: list[tuple[Any, dict]] = []
        stale: list[tuple[Any, dict]] = []
        for key, raw in redis.hgetall(PROCS_KEY).items():
            item = json.loads(raw)
            (fresh if now - int(item.get("ts", 0)) <= 3 * PUSH_EVERY_S * 1000 else stale).append((key, item))
        if stale:
            redis.hdel(PROCS_KEY, *[k for k, _ in stale])
    except Exception as exc:  # Redis down: show what this process knows
        log.warning("event=admin_stats_redis_failed error=%s", type(exc).__name__)
        return {**sample, "workers": 1}
    items = [item for _, item in fresh] or [sample]
    total = {k: round(sum(float(i.get(k, 0)) for i in items), 2) for k in SUMMED}
    total["sockets"] = int(total["sockets"])
    total["admins"] = int(total["admins"])
    total["p99_ack_ms"] = max(float(i.get("p99_ack_ms", 0)) for i in items)
    total["workers"] = len(items)
    return total


def current_stats(now: int | None = None) -> dict:
    now = now or now_ms()
    counts = public_counts()
    totals = across_processes(process_sample(admin_state()), now)
    return {"sockets": totals["sockets"], "users_online": counts["users_online"],
            "rooms_active": counts["rooms_active"], "rooms_open": counts["rooms"],
            "events_per_s": totals["events_per_s"], "p99_ack_ms": totals["p99_ack_ms"],
            "cpu_percent": totals["cpu_percent"], "rss_mb": totals["rss_mb"], "workers": totals["workers"],
            "admins": totals["admins"], "server_ms": now}


def write_snapshot(now: int | None = None) -> dict:
    """One StatsSnapshot (the background "stats_snapshot" task calls this every
    STATS_SNAPSHOT_SECONDS, in whichever process holds its slot); prune those over 24 h old."""
    now = now or now_ms()
    stats = current_stats(now)
    data = {k: v for k, v in stats.items() if k != "server_ms"}
    db.session.add(StatsSnapshot(created_ms=now, data=json.dumps(data)))
    db.session.execute(delete(StatsSnapshot).where(StatsSnapshot.created_ms < now - KEEP_SNAPSHOTS_MS))
    db.session.commit()
    return data


def publish_sample(now: int | None = None) -> None:
    """Every process with sockets publishes its numbers (through Redis) every few seconds, so the
    totals and snapshots count every worker whether or not an admin is watching."""
    if rt().redis is not None:
        across_processes(process_sample(admin_state()), now or now_ms())


def stats_tick(now: int | None = None) -> dict:
    """One sample of the service's numbers, for the admin push."""
    return current_stats(now or now_ms())


def history(minutes: int, now: int | None = None) -> list[dict]:
    now = now or now_ms()
    rows = db.session.execute(
        db.select(StatsSnapshot.created_ms, StatsSnapshot.data)
        .where(StatsSnapshot.created_ms >= now - minutes * 60_000).order_by(StatsSnapshot.created_ms)).all()
    stride = max(1, -(-len(rows) // MAX_HISTORY_POINTS))
    points = []
    for created_ms, data in rows[::stride]:
        try:
            points.append({"t": created_ms, **json.loads(data)})
        except ValueError:
            continue
    return points


# -- the per-process push loop ------------------------------------------------------------------
def ensure_stats_task(app: Flask) -> None:
    """Start the push loop unless it runs; it stops by itself when no admin is connected."""
    state = admin_state()
    with state.lock:
        if state.task_running:
            return
        state.task_running = True
    socketio.start_background_task(_push_loop, app)
    log.info("event=admin_stats_started pid=%s", os.getpid())


def _push_loop(app: Flask) -> None:
    ticks = 0
    while True:
        with app.app_context():
            state = admin_state()
            with state.lock:
                if not state.conns:
                    state.task_running = False
                    log.info("event=admin_stats_stopped pid=%s", os.getpid())
                    return
            try:
                if ticks % RECHECK_SESSIONS_EVERY == RECHECK_SESSIONS_EVERY - 1:
                    drop_stale_admins()
                stats = stats_tick()
                for sid in list(state.conns):
                    socketio.emit("admin.stats", stats, to=sid, namespace=ADMIN_NS)
            except Exception:
                db.session.rollback()
                log.exception("event=admin_stats_failed")
            finally:
                db.session.remove()
        ticks += 1
        socketio.sleep(PUSH_EVERY_S)
