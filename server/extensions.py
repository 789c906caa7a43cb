"""Extension objects, created bare and bound in create_app with init_app."""
from __future__ import annotations

from flask_jwt_extended import JWTManager
from flask_limiter import Limiter
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
jwt = JWTManager()
socketio = SocketIO()
# Per-route HTTP limits; each route names its own rule and key (server/services/request_limits.py).
limiter = Limiter(key_func=lambda: "-", default_limits=[])
