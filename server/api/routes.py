"""REST: health, public stats, rooms."""
from __future__ import annotations

import hmac
import ipaddress

from flask import Blueprint, Response, current_app, jsonify, request
from flask_jwt_extended import get_jwt, jwt_required
from sqlalchemy import text

from server.config import product_version
from server.domain.constants import PUBLIC_ROOMS_CACHE_MS, PUBLIC_ROOMS_IP_LIMIT, ROOM_CREATE_IP_LIMIT
from server.errors import ApiError
from server.extensions import db
from server.services import prom
from server.services.presence.counts import public_counts
from server.services.public_rooms import public_rooms_wire
from server.services.request_limits import http_limit
from server.services.room_view import room_wire
from server.services.rooms import create_room, public_facts, room_by_code
from server.services.runtime import rt
from server.services.tokens import identity_from_claims

bp = Blueprint("api", __name__)


@bp.get("/api/health")
def health():
    cfg = current_app.config["ST"]
    db_ok, redis_ok = True, None
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        db_ok = False
    finally:
        db.session.remove()
    if rt().redis is not None:
        try:
            redis_ok = bool(rt().redis.ping())
        except Exception:
            redis_ok = False
    body = {"ok": db_ok, "db": "ok" if db_ok else "down",
            "redis": None if redis_ok is None else ("ok" if redis_ok else "down"),
            "version": cfg.VERSION, "release": product_version(), "pool": cfg.SHARETUBE_POOL}
    return jsonify(body), 200 if db_ok else 503


@bp.get("/api/stats")
def stats():
    return jsonify({"ok": True, **public_counts()})


def current_identity():
    return identity_from_claims(get_jwt())


@bp.post("/api/rooms")
@http_limit(ROOM_CREATE_IP_LIMIT)
@jwt_required()
def rooms_create():
    ident = current_identity()
    if ident.device == "remote":
        raise ApiError("forbidden", "A remote cannot create rooms")
    body = request.get_json(silent=True) or {}
    if not isinstance(body, dict):
        raise ApiError("invalid", "The body must be a JSON object")
    room = create_room(ident.user, body.get("settings"))
    return jsonify({"ok": True, **room_wire(room)}), 201


@bp.get("/api/rooms/public")
@http_limit(PUBLIC_ROOMS_IP_LIMIT)
def rooms_public():
    """The listed public rooms (no sign-in: the homepage shows them to anyone)."""
    response = jsonify({"ok": True, **public_rooms_wire()})
    response.headers["Cache-Control"] = f"public, max-age={PUBLIC_ROOMS_CACHE_MS // 1000}"
    return response


@bp.get("/api/rooms/<code>")
@jwt_required()
def rooms_get(code: str):
    current_identity()
    room = room_by_code(code)
    return jsonify({"ok": True, **public_facts(room, len(rt().presence.users_in_room(room.code)))})


def metrics_allowed(remote_addr: str | None, authorization: str, token: str | None) -> bool:
    """Loopback callers (a local scraper, nginx's own allow-list), or the configured bearer token."""
    try:
        if ipaddress.ip_address((remote_addr or "").split("%")[0]).is_loopback:
            return True
    except ValueError:
        pass
    return bool(token) and hmac.compare_digest(authorization.encode(), f"Bearer {token}".encode())


@bp.get("/metrics")
def metrics():
    cfg = current_app.config["ST"]
    if not metrics_allowed(request.remote_addr, request.headers.get("Authorization", ""), cfg.METRICS_TOKEN):
        raise ApiError("forbidden", "Metrics are served to local scrapers (or with METRICS_TOKEN) only")
    body, content_type = prom.exposition()
    return Response(body, content_type=content_type)
