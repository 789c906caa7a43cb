"""Connect (token auth), disconnect, hello and time.sync."""
from __future__ import annotations

import logging

from flask import current_app, request
from flask_socketio import ConnectionRefusedError, emit

from server.errors import ApiError
from server.events.base import on_event, register_catch_all
from server.extensions import current_sid, db, real_app, socketio
from server.services.presence import Conn
from server.services.presence.connections import announce_exit, exit_room
from server.services.request_limits import client_ip
from server.services.runtime import rt
from server.services.tokens import identity_from_token
from server.timeutil import now_ms
from server.validation import Int

log = logging.getLogger("sharetube.connection")
PROTOCOL_VERSION = 1


@socketio.on("connect")
def on_connect(auth: object = None) -> dict | None:
    if rt().presence.get(current_sid()) is not None:
        # A client sent an ordinary event named "connect": not a new connection.
        return {"ok": False, "error": "invalid", "message": "Unknown event 'connect'"}
    token = auth.get("token") if isinstance(auth, dict) else None
    try:
        ident = identity_from_token(token)
    except ApiError as exc:
        db.session.remove()
        code = "unauthorized" if exc.code == "unauthorized" else exc.code
        raise ConnectionRefusedError(exc.message, {"error": code, "message": exc.message}) from None
    user = ident.user
    conn = Conn(sid=current_sid(), user_id=user.id, name=user.name, picture=user.picture,
                device=ident.device, pairing_id=ident.pairing_id, scoped_room=ident.room_code,
                ip=client_ip(request.environ, current_app.config["ST"].TRUSTED_PROXIES))
    rt().presence.add(conn)
    db.session.remove()
    emit("hello", {"user": user.to_wire(), "server_ms": now_ms(), "protocol": PROTOCOL_VERSION,
                   "device": conn.device, "room_code": conn.scoped_room})
    log.info("event=connect sid=%s user=u%s device=%s", current_sid(), user.id, conn.device)
    return None


@socketio.on("disconnect")
def on_disconnect(*_args: object) -> dict | None:
    if socketio.server.manager.is_connected(current_sid(), "/"):
        # A client sent an ordinary event named "disconnect": it is still connected.
        return {"ok": False, "error": "invalid", "message": "Unknown event 'disconnect'"}
    # Engine.IO may run this inside another handler's greenlet (a late pong noticed while that
    # handler emits): only forget the socket here, and tell its room from a task of its own,
    # with its own app context and database session.
    conn = rt().presence.get(current_sid())
    code = exit_room(conn, announce=False) if conn is not None else None
    rt().presence.remove(current_sid())
    if conn is not None and code:
        socketio.start_background_task(_announce_disconnect, real_app(), code, conn)
    log.info("event=disconnect sid=%s user=%s", current_sid(), f"u{conn.user_id}" if conn else "?")
    return None


def _announce_disconnect(app, code: str, conn: Conn) -> None:
    with app.app_context():
        try:
            announce_exit(code, conn, "disconnected")
        except Exception:
            log.exception("room=%s event=disconnect_announce_failed user=u%s", code, conn.user_id)
        finally:
            db.session.remove()


@on_event("time.sync", {"client_ms": Int(0, 2**53)}, inline=True)
def time_sync(conn: Conn, data: dict) -> dict:
    return {"client_ms": data["client_ms"], "server_ms": now_ms()}


register_catch_all()
