"""The `/admin` namespace: site admins only (PROTOCOL.md "Admin namespace").

Connect authenticates from the dashboard's HttpOnly access cookie (not `auth`), and only from
the service's own Origin: the browser would send the cookie with a websocket opened by any
site, so another site must not be able to ride an admin's cookie. Requests go through
`admin_event` (validation, ack shape, metrics); `admin.stats` is pushed every 2 s.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from flask import request
from flask_socketio import ConnectionRefusedError, emit

from server.errors import ApiError
from server.events.base import on_event
from server.extensions import current_sid, db, real_app, socketio
from server.services.admin import actions as admin_actions
from server.services.admin import queries as admin_queries
from server.services.admin.auth import admin_from_cookie, same_origin
from server.services.admin.sessions import ADMIN_NS, AdminConn, admin_conn, admin_state
from server.services.admin.stats import current_stats, ensure_stats_task, history
from server.services.runtime import rt
from server.timeutil import now_ms
from server.validation import Bool, Enum, Int, Schema, Str

log = logging.getLogger("sharetube.admin")
USER_ID = Int(1, 2**53)
QUERY = Str(80, required=False, nullable=True)
CODE = Str(128, min_len=1)


def admin_event(name: str, schema: Schema) -> Callable:
    """Register `fn(admin, data) -> dict` for an `/admin` request, acked `{ok: true, ...}` (the
    same wrapper as every room event; the dashboard's own polling stays out of the service's numbers)."""
    return on_event(name, schema, namespace=ADMIN_NS, resolve=admin_conn, service_traffic=False)


@socketio.on("connect", namespace=ADMIN_NS)
def admin_connect(auth: object = None) -> None:
    try:
        if not same_origin(request.headers.get("Origin")):
            raise ApiError("forbidden", "The admin socket only accepts this service's own pages")
        ident = admin_from_cookie(request.cookies)
    except ApiError as exc:
        db.session.remove()
        log.info("event=admin_connect_refused reason=%s origin=%s", exc.code, request.headers.get("Origin"))
        raise ConnectionRefusedError({"error": exc.code, "message": exc.message}) from None
    conn = AdminConn(sid=current_sid(), user_id=ident.user.id, name=ident.user.name,
                     token_version=ident.user.token_version, login_id=ident.login.id)
    admin_state().conns[current_sid()] = conn
    emit("admin.hello", {"user": ident.user.to_admin(), "server_ms": now_ms()})
    try:
        emit("admin.stats", current_stats())
    except Exception:
        log.exception("event=admin_first_stats_failed")
    finally:
        db.session.remove()
    ensure_stats_task(real_app())
    log.info("event=admin_connect sid=%s user=u%s", current_sid(), conn.user_id)


@socketio.on("disconnect", namespace=ADMIN_NS)
def admin_disconnect(*_args: object) -> None:
    admin_state().conns.pop(current_sid(), None)


@socketio.on("*", namespace=ADMIN_NS)
def admin_unknown(event: str, data: object = None, *extra: object) -> dict:
    rt().metrics.record("unknown", 0.0, "invalid")
    name = event if isinstance(event, str) else "?"
    return {"ok": False, "error": "invalid", "message": f"Unknown event '{name[:40]}'"}


# -- reads --------------------------------------------------------------------------------------
@admin_event("admin.history", {"minutes": Int(1, 24 * 60, required=False, nullable=True)})
def admin_history(admin: AdminConn, data: dict) -> dict:
    return {"points": history(data.get("minutes") or 60)}


@admin_event("admin.rooms", {"q": QUERY})
def admin_rooms(admin: AdminConn, data: dict) -> dict:
    return {"rooms": admin_queries.list_rooms((data.get("q") or "").strip() or None)}


@admin_event("admin.room", {"code": CODE})
def admin_room(admin: AdminConn, data: dict) -> dict:
    return admin_queries.room_detail(data["code"])


@admin_event("admin.users", {"q": QUERY})
def admin_users(admin: AdminConn, data: dict) -> dict:
    return {"users": admin_queries.list_users((data.get("q") or "").strip() or None)}


@admin_event("admin.audit", {"before_id": Int(1, 2**53, required=False, nullable=True)})
def admin_audit(admin: AdminConn, data: dict) -> dict:
    return admin_queries.audit_page(data.get("before_id"))


# -- actions (each audited with the acting admin) ---------------------------------------------
@admin_event("admin.close_room", {"code": CODE})
def admin_close_room(admin: AdminConn, data: dict) -> dict:
    return admin_actions.close_room(admin, data["code"])


@admin_event("admin.kick", {"code": CODE, "user_id": USER_ID})
def admin_kick(admin: AdminConn, data: dict) -> dict:
    return admin_actions.kick(admin, data["code"], data["user_id"])


@admin_event("admin.ban", {"user_id": USER_ID, "banned": Bool()})
def admin_ban(admin: AdminConn, data: dict) -> dict:
    return admin_actions.set_banned(admin, data["user_id"], data["banned"])


@admin_event("admin.role", {"user_id": USER_ID, "role": Enum(*admin_actions.SITE_ROLES)})
def admin_role(admin: AdminConn, data: dict) -> dict:
    return admin_actions.set_role(admin, data["user_id"], data["role"])
