"""REST for phone remotes (PROTOCOL.md "REST").

  POST   /api/rooms/<code>/remote-pairings  member, normal token  → {pair_url, qr_svg, expires_ms, …}
  POST   /api/remote/pair                   no auth, {code}        → {access_token, room_code, user, …}
  GET    /api/rooms/<code>/remotes          member                 → {remotes: [...]}
  DELETE /api/remotes/<pairing_id>          the pairing's owner    → {revoked, dropped}
"""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from flask_jwt_extended import get_jwt, jwt_required

from server.domain.constants import REMOTE_PAIR_IP_LIMIT
from server.errors import forbidden
from server.services import pairing as svc
from server.services.request_limits import http_limit
from server.services.rooms import role_of, room_by_code
from server.services.tokens import Identity, identity_from_claims, issue_token
from server.validation import Str, validate

bp = Blueprint("pairing", __name__)


def _identity() -> Identity:
    return identity_from_claims(get_jwt())


@bp.post("/api/rooms/<code>/remote-pairings")
@jwt_required()
def create_remote_pairing(code: str):
    ident = _identity()
    if ident.device == "remote":
        raise forbidden("A remote cannot pair another remote")
    body = validate({"label": Str(64, required=False, nullable=True)}, request.get_json(silent=True) or {})
    room = room_by_code(code)
    pairing, secret = svc.create_pairing(room, ident.user, (body.get("label") or "").strip() or None)
    cfg = current_app.config["ST"]
    url = svc.pair_url(cfg.BACKEND_BASE_URL, secret)
    return jsonify({"ok": True, "pairing_id": pairing.id, "pair_url": url, "qr_svg": svc.qr_svg(url),
                    "expires_ms": pairing.expires_ms, "ttl_ms": pairing.expires_ms - pairing.created_ms,
                    "room_code": room.code,
                    "loopback_warning": svc.loopback_warning(cfg.BACKEND_BASE_URL, cfg.LISTEN_PORT)}), 201


@bp.post("/api/remote/pair")
@http_limit(REMOTE_PAIR_IP_LIMIT)
def remote_pair():
    body = validate({"code": Str(128)}, request.get_json(silent=True))
    pairing, user, room = svc.redeem(body["code"], svc.device_label(request.headers.get("User-Agent")))
    token = issue_token(user, room_code=room.code, pairing_id=pairing.id)
    return jsonify({"ok": True, "access_token": token, "room_code": room.code, "user": user.to_wire(),
                    "pairing_id": pairing.id, "label": pairing.label, "device": "remote"})


@bp.get("/api/rooms/<code>/remotes")
@jwt_required()
def list_remotes(code: str):
    ident = _identity()
    room = room_by_code(code)
    if ident.room_code is not None and ident.room_code != room.code:
        raise forbidden("This remote is paired with another room")
    if role_of(room, ident.user.id) is None:
        raise forbidden("You are not a member of this room")
    return jsonify({"ok": True, "remotes": svc.remotes_of(room, ident.user.id)})


@bp.delete("/api/remotes/<int:pairing_id>")
@jwt_required()
def revoke_remote(pairing_id: int):
    ident = _identity()
    pairing = svc.revoke(pairing_id, ident.user, acting_pairing_id=ident.pairing_id)
    dropped = svc.drop_remote_sockets(pairing)
    return jsonify({"ok": True, "revoked": {"id": pairing.id, "revoked_ms": pairing.revoked_ms},
                    "dropped": dropped})

