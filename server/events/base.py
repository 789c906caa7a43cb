"""The one wrapper every socket event goes through: validation, the ack shape, timing, errors.

A handler gets (conn, data) and returns a dict merged into `{"ok": true}`; an ApiError becomes
`{"ok": false, "error", "message"}` for the sender only; anything unexpected is logged and
answered `internal`, and the server keeps serving.
"""
from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import Any

from flask import Flask
from redis.exceptions import RedisError
from socketio import packet as sio_packet
from sqlalchemy.exc import SQLAlchemyError

from server.errors import ApiError
from server.extensions import EVENT_SID, current_sid, db, socketio
from server.services import event_reader, prom
from server.services.presence import Conn
from server.services.runtime import rt
from server.validation import Schema, validate

log = logging.getLogger("sharetube.events")


def room_conn() -> Conn:
    conn = rt().presence.get(current_sid())
    if conn is None:
        raise ApiError("unauthorized", "Not connected")
    return conn


def on_event(name: str, schema: Schema, *, namespace: str = "/", resolve: Callable[[], object] = room_conn,
             service_traffic: bool = True, inline: bool = False) -> Callable:
    """Register `fn(conn, data)`; `resolve` finds the caller's connection (or refuses).
    `service_traffic=False` keeps a request (the dashboard's own polling) out of events/s and p99.
    `inline=True` declares a short handler that never waits long (no statement in the usual case,
    no call out of the service): dispatched directly, it runs on the socket's own reader greenlet
    instead of a new one."""
    def decorate(fn: Callable[..., dict | None]) -> Callable:
        counted = prom.EVENTS.labels(name)  # the labelled child once, not a labels() look-up per event

        @functools.wraps(fn)
        def handler(data: object = None, *extra: object) -> dict:
            started = time.perf_counter()
            error = None
            try:
                conn = resolve()
                args = validate(schema, data)
                result = fn(conn, args) or {}
                return {"ok": True, **result}
            except ApiError as exc:
                error = exc.code
                db.session.rollback()
                return exc.ack()
            except SQLAlchemyError:
                error = "unavailable"
                db.session.rollback()
                log.exception("event=%s error=database", name)
                return {"ok": False, "error": "unavailable", "message": "The database is unavailable; try again"}
            except RedisError:
                # Redis restarting: presence and shared limits are briefly out of reach; the
                # client retries (issue 14's soak: these were `internal` errors)
                error = "unavailable"
                db.session.rollback()
                log.warning("event=%s error=redis_unavailable", name)
                return {"ok": False, "error": "unavailable", "message": "The service is briefly unavailable; try again"}
            except Exception:
                error = "internal"
                db.session.rollback()
                log.exception("event=%s error=internal", name)
                return {"ok": False, "error": "internal", "message": "Internal error"}
            finally:
                db.session.remove()
                elapsed = time.perf_counter() - started
                if service_traffic:
                    rt().metrics.record(name, elapsed * 1000, error)
                counted.inc()
                prom.ACK_SECONDS.observe(elapsed)
                if error:
                    prom.ERRORS.labels(error).inc()

        socketio.on_event(name, handler, namespace=namespace)
        REGISTERED.append((name, handler, namespace))
        if inline:
            INLINE.add(name)
        return handler

    return decorate


# Every (event, handler, namespace) on_event registered: install_direct_dispatch re-binds them.
REGISTERED: list[tuple[str, Callable, str]] = []
# The room events whose handlers never wait (on_event's `inline`): player.status, time.sync, chat.typing.
INLINE: set[str] = set()
DIRECT_NAMESPACE = "/"  # the admin namespace keeps Flask-SocketIO's request (cookie, Origin)


def install_direct_dispatch(app: Flask, *, fast_events: bool = False) -> int:
    """SOCKETIO_DIRECT_DISPATCH: bind the room namespace's events on the Socket.IO server created for
    `app` so each runs inside an app context with the socket's sid in `EVENT_SID`, instead of
    Flask-SocketIO's per-event Flask request context (a Request over the handshake's environ, URL
    matching and a session: ~60 µs an event; tests/bench/event_cost.py). A handler here never
    reads `flask.request`: what the handshake said (address, device) is on its Conn. Returns
    how many events were bound. With `fast_events` (SOCKETIO_FAST_EVENTS), each socket's reader
    decodes these events and acks them itself (services/event_reader.py)."""
    server = socketio.server
    direct: dict[str, Callable] = {}
    for name, handler, namespace in REGISTERED:
        if namespace == DIRECT_NAMESPACE:
            direct[name] = _direct(app, handler)
            server.on(name, direct[name], namespace=namespace)
    _run_inline(server, frozenset(INLINE))
    if fast_events:
        event_reader.install(server, direct, frozenset(INLINE))
    return len(direct)


def _run_inline(server: Any, names: frozenset[str]) -> None:
    """python-socketio starts a greenlet for every event (async_handlers); one of `names` runs on
    the socket's reader greenlet instead (~10 us less per event, and a socket has at most one of them
    running: its next frame is read when the handler is done). Other events keep their greenlet: a
    handler that waits (the database, a metadata fetch) must not hold up its socket's pongs."""
    spawning = server._handle_event

    def handle_event(eio_sid: str, namespace: str | None, id: int | None, data: Any) -> None:
        name = data[0] if isinstance(data, list) and data else None
        if not isinstance(name, str):  # the library's task would fail looking it up, unanswered
            if id is not None:
                server._send_packet(eio_sid, server.packet_class(
                    sio_packet.ACK, namespace=namespace or "/", id=id,
                    data=[{"ok": False, "error": "invalid", "message": "An event's name is text"}]))
            return
        if not (server.async_handlers and name in names and (namespace or "/") == DIRECT_NAMESPACE):
            spawning(eio_sid, namespace, id, data)
            return
        sid = server.manager.sid_from_eio_sid(eio_sid, DIRECT_NAMESPACE)
        if server.manager.is_connected(sid, DIRECT_NAMESPACE):  # (as the library checks)
            server._handle_event_internal(server, sid, eio_sid, data, DIRECT_NAMESPACE, id)

    server._handle_event = handle_event


def _direct(app: Flask, handler: Callable) -> Callable:
    def dispatch(sid: str, *args: object) -> dict:
        with app.app_context():
            token = EVENT_SID.set(sid)
            try:
                return handler(*args)
            finally:
                EVENT_SID.reset(token)
    return dispatch


def register_catch_all() -> None:
    @socketio.on("*")
    def unknown_event(event: str, data: object = None, *extra: object) -> dict:
        rt().metrics.record("unknown", 0.0, "invalid")
        name = event if isinstance(event, str) else "?"
        return {"ok": False, "error": "invalid", "message": f"Unknown event '{name[:40]}'"}
