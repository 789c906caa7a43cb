"""Extension objects, created bare and bound in create_app with init_app."""
from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app, request
from flask_jwt_extended import JWTManager
from flask_limiter import Limiter
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


# expire_on_commit=False: what a handler committed stays readable without a reload (each event
# ends with session.remove(), so nothing outlives its request); issue 15's per-event cost.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()
jwt = JWTManager()
socketio = SocketIO()
# Per-route HTTP limits; each route names its own rule and key (server/services/request_limits.py).
limiter = Limiter(key_func=lambda: "-", default_limits=[])

# The declarative base of every model: Flask-SQLAlchemy builds `db.Model` at run time (a subclass
# of Base with the session bound), which a type checker cannot see as a class.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model


# The socket of the event being handled when it was dispatched directly (events/base.py,
# SOCKETIO_DIRECT_DISPATCH: an app context, no Flask request); an event runs in its own greenlet, or on
# its socket's reader greenlet when its handler never waits (on_event's `inline`): the context var is per greenlet.
EVENT_SID: ContextVar[str | None] = ContextVar("sharetube_event_sid", default=None)


def current_sid() -> str:
    """The Socket.IO session id of the event being handled (dispatched directly, or through
    Flask-SocketIO, which sets `request.sid`)."""
    direct = EVENT_SID.get()
    if direct is not None:
        return direct
    sid: str = request.sid  # type: ignore[attr-defined]
    return sid


def real_app() -> Flask:
    """The app object behind `current_app`, for work that outlives the request (background tasks)."""
    app: Any = current_app
    return app._get_current_object()
