"""The `/admin` namespace's own bookkeeping: which local sockets are signed-in admins, and the
connection every admin request resolves to (`admin_conn`, used by events/admin.py).

`on_event` looks sockets up in the room presence, which only knows `/` connections; admin
sockets live here instead, per app (so test apps never share them).
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from server.errors import ApiError
from server.extensions import current_sid, socketio
from server.services.admin.auth import SESSION_ENDED, still_valid
from server.timeutil import now_ms

log = logging.getLogger("sharetube.admin")
ADMIN_NS = "/admin"


@dataclass
class AdminConn:
    sid: str
    user_id: int
    name: str
    token_version: int
    login_id: int
    connected_ms: int = field(default_factory=now_ms)


@dataclass
class AdminState:
    conns: dict[str, AdminConn] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    task_running: bool = False
    process: Any = None  # psutil.Process, created on first use


def admin_state() -> AdminState:
    return current_app.extensions.setdefault("sharetube_admin", AdminState())


def admin_sids(*, user_id: int | None = None, login_id: int | None = None) -> list[str]:
    return [c.sid for c in list(admin_state().conns.values())
            if (user_id is None or c.user_id == user_id) and (login_id is None or c.login_id == login_id)]


def drop_admin_sockets(sids: list[str], reason: str) -> None:
    for sid in sids:
        socketio.emit("session.ended", {"reason": reason}, to=sid, namespace=ADMIN_NS)
        socketio.server.disconnect(sid, namespace=ADMIN_NS)
        admin_state().conns.pop(sid, None)


def drop_stale_admins() -> int:
    """Disconnect admin sockets whose session ended elsewhere (role revoked, ban, logout)."""
    stale = [c.sid for c in list(admin_state().conns.values())
             if not still_valid(c.user_id, c.token_version, c.login_id)]
    drop_admin_sockets(stale, "signed_out")
    return len(stale)


def admin_conn() -> AdminConn:
    conn = admin_state().conns.get(current_sid())
    if conn is None:
        raise ApiError("unauthorized", "Not connected")
    if not still_valid(conn.user_id, conn.token_version, conn.login_id):
        raise ApiError("unauthorized", SESSION_ENDED)
    return conn
