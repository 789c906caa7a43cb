"""create_app(config): the Flask + Socket.IO application, with every part bound to it."""
from __future__ import annotations

import logging
import os
import sys
from typing import Any

import redis
import socketio as socketio_pkg
from flask import Flask, jsonify
from socketio import RedisManager
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from server import events  # noqa: F401  (importing it declares every socket handler)
from server.api import admin, homepage, pairing
from server.api.error_pages import register_error_pages
from server.api.portals import bp as portals_bp
from server.api.routes import bp as api_bp
from server.auth.routes import bp as auth_bp
from server.auth.routes import register_oauth
from server.background.scheduler import start_scheduler
from server.cli import MIGRATIONS_DIR, register_cli, upgrade_schema
from server.config import Config
from server.errors import register_error_handlers
from server.events.base import install_direct_dispatch
from server.extensions import db, jwt, limiter, migrate, socketio
from server.http_headers import install_security_headers
from server.services import ping_wheel, socket_queue
from server.services.broadcast import (
    EncodeOnceManager,
    EncodeOnceRedisManager,
    TextPacket,
    install_framed_websockets,
    queue_publisher,
)
from server.services.due_board import LocalDueBoard, RedisDueBoard
from server.services.metadata_jobs import init_metadata
from server.services.presence import LocalStore, Presence, RedisStore
from server.services.request_limits import Limits, flask_limiter_settings, storage_uri
from server.services.runtime import Runtime
from server.services.segment_jobs import init_segments

# the message queue URLs that are Redis (unix://: a Unix socket, redis-py's form)
REDIS_URL_SCHEMES = ("redis://", "rediss://", "unix://")

log = logging.getLogger("sharetube")


def create_app(config: Config | None = None) -> Flask:
    cfg = config or Config()
    cfg.finalize()
    configure_logging(cfg)
    app = Flask(__name__, instance_path=str(cfg.INSTANCE_DIR), static_folder=None)
    app.config.update(cfg.flask_settings())
    app.config["ST"] = cfg
    limits_uri = storage_uri(cfg.SOCKETIO_MESSAGE_QUEUE)  # memory, or Redis shared by every process
    app.config.update(flask_limiter_settings(limits_uri))
    if cfg.TRUSTED_PROXIES > 0:
        n = cfg.TRUSTED_PROXIES
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR)
    jwt.init_app(app)
    configure_jwt_errors()
    register_oauth(app)

    redis_client = make_redis(cfg.SOCKETIO_MESSAGE_QUEUE)
    store = RedisStore(redis_client) if redis_client is not None else LocalStore()
    due_board = RedisDueBoard(redis_client, queue_publisher) if redis_client is not None else LocalDueBoard()
    app.extensions["sharetube"] = Runtime(presence=Presence(store), redis=redis_client, limits=Limits(limits_uri),
                                          due_board=due_board)
    limiter.init_app(app)
    ping_wheel.install()  # one greenlet pings every socket (not one sleeping greenlet per socket)

    # Socket handlers are declared when server.events' modules are imported (above, before
    # init_app): Flask-SocketIO then keeps them and binds them to every server it creates.
    socketio.init_app(
        app,
        async_mode=cfg.SOCKETIO_ASYNC_MODE,
        message_queue=cfg.SOCKETIO_MESSAGE_QUEUE,
        **broadcast_manager(cfg),
        cors_allowed_origins=cfg.CORS_ORIGINS,
        ping_interval=cfg.SOCKETIO_PING_INTERVAL,
        ping_timeout=cfg.PONG_TIMEOUT_SECONDS,
        transports=["websocket"],
        max_http_buffer_size=64 * 1024,
        logger=False,
        engineio_logger=False,
    )

    socket_queue.install(socketio.server.eio)  # each socket's outgoing queue: a list and a Waiter
    _serve_without_environ_copy(app)
    if cfg.BROADCAST_ENCODE_ONCE:
        install_framed_websockets(socketio.server, direct=cfg.BROADCAST_DIRECT_WRITE)
    if cfg.SOCKETIO_DIRECT_DISPATCH:
        install_direct_dispatch(app, fast_events=cfg.BROADCAST_ENCODE_ONCE and cfg.SOCKETIO_FAST_EVENTS)

    app.register_blueprint(auth_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(portals_bp)
    for extra in (pairing.bp, admin.bp, homepage.bp):
        app.register_blueprint(extra)
    register_error_handlers(app)
    register_error_pages(app)  # HTML pages for browser routes; JSON stays for /api/ and /auth/
    install_security_headers(app)
    register_cli(app)

    init_metadata(app)
    init_segments(app)

    if cfg.AUTO_MIGRATE:
        upgrade_schema(app)
    if cfg.RUN_SCHEDULER:
        start_scheduler(app)
    log.info("event=app_ready version=%s db=%s queue=%s pool=%s", cfg.VERSION,
             cfg.DATABASE_URL.split(":", 1)[0], "redis" if redis_client else "none", cfg.SHARETUBE_POOL)
    return app


def _serve_without_environ_copy(app: Flask) -> None:
    """Flask-SocketIO's WSGI middleware copies each request's environ to add `flask.app`; for a
    websocket both copies lived as long as the connection, and the middleware's __call__ was one
    more interpreter level on every reader greenlet's saved stack (together 1.6 KB traced per
    client, issue 15). The WSGI server builds a fresh environ for every request, so the key is
    added in place."""
    middleware = app.wsgi_app
    if not isinstance(middleware, socketio_pkg.WSGIApp) or not hasattr(middleware, "flask_app"):
        return
    serve_socketio = socketio_pkg.WSGIApp.__call__

    def wsgi_app(environ: dict, start_response: Any) -> Any:
        environ["flask.app"] = app
        return serve_socketio(middleware, environ, start_response)

    app.wsgi_app = wsgi_app  # type: ignore[method-assign]


def broadcast_manager(cfg: Config) -> dict:
    """With BROADCAST_ENCODE_ONCE, the client manager that encodes each broadcast once (and, on a
    Redis message queue, publishes it once, pre-encoded); otherwise Flask-SocketIO's own choice."""
    url = cfg.SOCKETIO_MESSAGE_QUEUE
    if not cfg.BROADCAST_ENCODE_ONCE:
        # Flask-SocketIO itself knows Redis only as redis:// and rediss://: it would hand a Unix
        # socket's unix:// to Kombu (not installed); python-socketio's RedisManager takes all three
        if url and url.startswith("unix://"):
            return {"client_manager": RedisManager(url, channel="flask-socketio")}
        return {}
    if not url:
        return {"client_manager": EncodeOnceManager(), "serializer": TextPacket}
    if url.startswith(REDIS_URL_SCHEMES):
        return {"client_manager": EncodeOnceRedisManager(url, channel="flask-socketio"), "serializer": TextPacket}
    return {"serializer": TextPacket}


def make_redis(url: str | None):
    if not url or not url.startswith(REDIS_URL_SCHEMES):
        return None
    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5, health_check_interval=15)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=5000")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()


def configure_jwt_errors() -> None:
    def refuse(message: str):
        return jsonify({"ok": False, "error": "unauthorized", "message": message}), 401

    jwt.unauthorized_loader(lambda reason: refuse("Sign in first"))
    jwt.invalid_token_loader(lambda reason: refuse("Invalid token"))
    jwt.expired_token_loader(lambda header, payload: refuse("The token expired; sign in again"))
    jwt.revoked_token_loader(lambda header, payload: refuse("This token was revoked"))
    jwt.user_lookup_error_loader(lambda header, payload: refuse("Unknown user"))


def configure_logging(cfg: Config) -> None:
    root = logging.getLogger()
    if getattr(root, "_sharetube_configured", False):
        root.setLevel(cfg.LOG_LEVEL)
        return
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s pid=%(process)d %(message)s")
    handlers: list[logging.Handler] = []
    if cfg.TESTING or os.environ.get("SHARETUBE_LOG_STDOUT", "1") == "1":
        handlers.append(logging.StreamHandler(sys.stdout))
    if not cfg.TESTING:
        cfg.INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        name = "ShareTube.bg.log" if cfg.SHARETUBE_POOL == "background" else "ShareTube.log"
        handlers.append(logging.FileHandler(cfg.INSTANCE_DIR / name))
    for h in handlers:
        h.setFormatter(fmt)
        root.addHandler(h)
    root.setLevel(cfg.LOG_LEVEL)
    root._sharetube_configured = True  # type: ignore[attr-defined]
    for noisy in ("geventwebsocket.handler", "engineio.server", "socketio.server", "werkzeug"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    os.environ.setdefault("SHARETUBE_LOG_CONFIGURED", "1")
