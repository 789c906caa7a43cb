"""Housekeeping tasks (the background pool's, or the single process's)."""
from __future__ import annotations

import logging

import psutil
from flask import Flask

from server.domain import constants as C
from server.extensions import db, socketio
from server.models import Room
from server.services.admin.stats import write_snapshot
from server.services.audit import audit
from server.services.metadata_jobs import backfill
from server.services.ownership import hand_over_away_owners
from server.services.presence.connections import announce_exit
from server.services.presence.store import Conn
from server.timeutil import now_ms

log = logging.getLogger("sharetube.housekeeping")


def presence_sweep(app: Flask) -> int:
    """Drop presence records of sockets whose process died (no refresh for PONG_TIMEOUT), and
    tell their rooms: those members left."""
    cfg = app.config["ST"]
    rt = app.extensions["sharetube"]
    gone = rt.presence.store.sweep((cfg.PONG_TIMEOUT_SECONDS + cfg.HEARTBEAT_INTERVAL_SECONDS) * 1000)
    for code, rec in gone:
        conn = Conn(sid=rec["sid"], user_id=int(rec["user_id"]), name=rec.get("name", "?"),
                    picture=rec.get("picture"), device=rec.get("device", "extension"))
        try:
            rt.presence.store.remove_user_sid(conn.user_id, conn.sid)
            announce_exit(code, conn, "disconnected")
        except Exception:
            db.session.rollback()
            log.exception("room=%s event=sweep_announce_failed", code)
    if gone:
        log.info("event=presence_sweep removed=%s", len(gone))
    return len(gone)


def expire_idle_rooms(app: Flask) -> int:
    cfg = app.config["ST"]
    cutoff = now_ms() - cfg.ROOM_IDLE_EXPIRY_HOURS * 3600 * 1000
    rooms = db.session.execute(db.select(Room).where(Room.closed_ms.is_(None), Room.last_active_ms < cutoff)
                               .limit(100)).scalars().all()
    presence = app.extensions["sharetube"].presence
    closed = 0
    for room in rooms:
        if presence.users_in_room(room.code):
            continue
        room.closed_ms = now_ms()
        room.due_ms = None
        audit(room.id, None, "room.expired", before={"last_active_ms": room.last_active_ms})
        closed += 1
        log.info("room=%s event=expired v=%s by=server", room.code, room.version)
    db.session.commit()
    return closed


def owner_check_period_s(away_ms: int) -> float:
    """Look for away owners four times per OWNER_AWAY_MS (within the constants' bounds)."""
    return min(C.OWNER_AWAY_CHECK_MAX_S, max(C.OWNER_AWAY_CHECK_MIN_S, away_ms / 4000))


def owner_handover(app: Flask) -> int:
    return hand_over_away_owners(now_ms(), app.config["ST"].OWNER_AWAY_MS)


def metadata_backfill(app: Flask) -> int:
    return backfill(app)


def stats_snapshot(app: Flask) -> dict:
    return write_snapshot()


def system_stats(app: Flask) -> dict:
    proc = psutil.Process()
    data = {"cpu_percent": psutil.cpu_percent(interval=None), "rss_mb": round(proc.memory_info().rss / 2**20, 1),
            "load": list(psutil.getloadavg()), "ts": now_ms()}
    socketio.emit("admin.system", data, namespace="/admin")
    log.info("event=system_stats cpu=%s rss_mb=%s", data["cpu_percent"], data["rss_mb"])
    return data
