"""Access tokens: JWTs carrying the user's token version, so logout revokes every one.

A remote's token is scoped: it carries `room` (the room code) and `pairing` (the pairing id);
revoking the pairing revokes the token.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_jwt_extended import create_access_token, decode_token
from jwt.exceptions import PyJWTError

from server.errors import ApiError
from server.extensions import db
from server.models import RemotePairing, User


@dataclass(frozen=True)
class Identity:
    user: User
    device: str  # extension | remote | web
    room_code: str | None = None  # set for scoped (remote) tokens
    pairing_id: int | None = None


def issue_token(user: User, *, room_code: str | None = None, pairing_id: int | None = None) -> str:
    claims: dict = {"tv": user.token_version}
    if room_code:
        claims.update({"room": room_code, "pairing": pairing_id, "device": "remote"})
    return create_access_token(identity=str(user.id), additional_claims=claims)


def unauthorized(message: str = "Sign in again") -> ApiError:
    return ApiError("unauthorized", message)


def identity_from_claims(claims: dict) -> Identity:
    try:
        user_id = int(claims["sub"])
    except (KeyError, TypeError, ValueError):
        raise unauthorized("Malformed token") from None
    user = db.session.get(User, user_id)
    if user is None:
        raise unauthorized("Unknown user")
    if user.banned:
        raise ApiError("forbidden", "This account is banned")
    if claims.get("tv") != user.token_version:
        raise unauthorized("This token was revoked")
    pairing_id = claims.get("pairing")
    if claims.get("room"):
        pairing = db.session.get(RemotePairing, pairing_id) if isinstance(pairing_id, int) else None
        if pairing is None or pairing.revoked_ms is not None or pairing.user_id != user.id:
            raise unauthorized("This remote was revoked")
        return Identity(user, "remote", claims["room"], pairing.id)
    return Identity(user, "extension")


def identity_from_token(token: object) -> Identity:
    if not isinstance(token, str) or not token or len(token) > 4096:
        raise unauthorized("A token is required")
    try:
        claims = decode_token(token)
    except PyJWTError:
        raise unauthorized("Invalid or expired token") from None
    except Exception:  # flask-jwt-extended raises its own errors for wrong token types
        raise unauthorized("Invalid or expired token") from None
    return identity_from_claims(claims)
