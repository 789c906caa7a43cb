"""Dashboard sign-in: one-time admin links (CLI), Google tokens traded for a cookie session,
and the checks every dashboard request and `/admin` socket goes through.

The cookie holds an access JWT with the user's token version (`tv`) and the id of its
AdminLogin row (`adm`). It is valid while the user exists, is an admin, is not banned, has
the same token version, and the row is neither revoked (logout) nor expired.
"""
from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_jwt_extended import create_access_token, decode_token

from server.domain.chat_text import InvalidText, clean_display_name
from server.errors import ApiError, forbidden, invalid
from server.extensions import db
from server.models import User
from server.models.admin_login import AdminLogin
from server.services.audit import audit
from server.services.tokens import identity_from_claims, identity_from_token
from server.timeutil import now_ms

log = logging.getLogger("sharetube.admin")
LINK_TTL_MS = 30 * 60 * 1000
SESSION_TTL_MS = 12 * 3600 * 1000
CODE_BYTES = 32  # 256 bits
NOT_ADMIN = "This account is not an admin of this ShareTube service"
SESSION_ENDED = "This dashboard session ended; sign in again"


@dataclass(frozen=True)
class AdminIdentity:
    user: User
    login: AdminLogin


def hash_code(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def settings():
    return current_app.config["ST"]


# -- admin links (the CLI) -------------------------------------------------------------
def find_or_create_admin(email: str, *, unban: bool = False) -> User:
    """The user with this email, made an admin (created when there is none). Caller commits."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 320 or any(c.isspace() for c in email):
        raise invalid(f"{email!r} is not an email address")
    user = db.session.execute(
        db.select(User).where(User.email == email, User.is_guest.is_(False)).order_by(User.id)
    ).scalars().first()
    if user is None:
        try:
            name = clean_display_name(email.split("@")[0][:64])
        except InvalidText:
            name = "Admin"
        user = User(name=name, email=email, role="admin", is_guest=False)
        db.session.add(user)
        db.session.flush()
        audit(None, None, "admin.created_by_cli", after={"user_id": user.id, "email": email, "role": "admin"})
    elif user.role != "admin":
        audit(None, None, "admin.granted_by_cli", before={"user_id": user.id, "role": user.role},
              after={"user_id": user.id, "role": "admin"})
        user.role = "admin"
    if user.banned:
        if not unban:
            raise ApiError("forbidden", f"{email} is banned; pass --unban to lift the ban")
        user.banned = False
        audit(None, None, "admin.unban", before={"user_id": user.id, "banned": True},
              after={"user_id": user.id, "banned": False, "by": "cli"})
    return user


def create_admin_link(email: str, *, unban: bool = False, now: int | None = None) -> tuple[str, User]:
    """A one-time sign-in URL for that email's (new or promoted) admin account."""
    now = now or now_ms()
    user = find_or_create_admin(email, unban=unban)
    code = secrets.token_urlsafe(CODE_BYTES)
    db.session.add(AdminLogin(code_hash=hash_code(code), user_id=user.id, method="link",
                              created_ms=now, expires_ms=now + LINK_TTL_MS))
    db.session.commit()
    log.info("event=admin_link_created user=u%s", user.id)
    return f"{settings().BACKEND_BASE_URL}/dashboard/login#token={code}", user


# -- opening a session ---------------------------------------------------------------------
def redeem_link_code(code: str, now: int | None = None) -> AdminLogin:
    now = now or now_ms()
    refused = ApiError("unauthorized", "This sign-in link is invalid, used or expired; ask for a new one")
    if not code or len(code) > 256:
        raise refused
    login = db.session.execute(
        db.select(AdminLogin).filter_by(code_hash=hash_code(code)).with_for_update()).scalar_one_or_none()
    if login is None or login.used_ms is not None or login.revoked_ms is not None or login.expires_ms < now:
        raise refused
    user = db.session.get(User, login.user_id)
    _require_admin_user(user)
    login.used_ms = now
    login.expires_ms = now + SESSION_TTL_MS
    return login


def open_session_from_bearer(token: str, now: int | None = None) -> AdminLogin:
    """A Google (or any non-remote) access token of an admin opens a dashboard session."""
    now = now or now_ms()
    ident = identity_from_token(token)
    if ident.device == "remote":
        raise forbidden("A phone remote cannot open the dashboard")
    _require_admin_user(ident.user)
    login = AdminLogin(code_hash=None, user_id=ident.user.id, method="google", created_ms=now,
                       used_ms=now, expires_ms=now + SESSION_TTL_MS)
    db.session.add(login)
    db.session.flush()
    return login


def session_token(user: User, login: AdminLogin) -> str:
    ttl_ms = max(1000, login.expires_ms - now_ms())
    return create_access_token(identity=str(user.id), additional_claims={"tv": user.token_version, "adm": login.id},
                               expires_delta=timedelta(milliseconds=ttl_ms))


def _require_admin_user(user: User | None) -> None:
    if user is None:
        raise ApiError("unauthorized", "Unknown user")
    if user.banned:
        raise forbidden("This account is banned")
    if user.role != "admin":
        raise ApiError("forbidden", NOT_ADMIN, user={"id": user.id, "name": user.name})


# -- checking a session ----------------------------------------------------------------------
def admin_from_claims(claims: dict, now: int | None = None) -> AdminIdentity:
    now = now or now_ms()
    login_id = claims.get("adm")
    if not isinstance(login_id, int) or claims.get("room"):
        raise ApiError("unauthorized", "Sign in to the dashboard first")
    ident = identity_from_claims(claims)  # user exists, not banned, same token version
    _require_admin_user(ident.user)
    login = db.session.get(AdminLogin, login_id)
    if login is None or login.user_id != ident.user.id or login.revoked_ms is not None or login.expires_ms < now:
        raise ApiError("unauthorized", SESSION_ENDED)
    return AdminIdentity(ident.user, login)


def admin_from_cookie(cookies: dict) -> AdminIdentity:
    token = cookies.get(current_app.config["JWT_ACCESS_COOKIE_NAME"])
    if not token or len(token) > 4096:
        raise ApiError("unauthorized", "Sign in to the dashboard first")
    try:
        claims = decode_token(token)
    except Exception:  # expired, bad signature, wrong type: all the same to the caller
        raise ApiError("unauthorized", SESSION_ENDED) from None
    return admin_from_claims(claims)


def still_valid(user_id: int, token_version: int, login_id: int, now: int | None = None) -> bool:
    """Cheap re-check for a connected admin socket (role, ban, token version, logout, expiry)."""
    now = now or now_ms()
    user = db.session.get(User, user_id)
    login = db.session.get(AdminLogin, login_id)
    return (user is not None and user.role == "admin" and not user.banned and user.token_version == token_version
            and login is not None and login.revoked_ms is None and login.expires_ms >= now)


def same_origin(origin: str | None) -> bool:
    """The `/admin` socket rides a cookie: only the service's own pages may open it."""
    own = settings().BACKEND_BASE_URL.rstrip("/").lower()
    return origin is not None and origin.rstrip("/").lower() == own


def revoke_login(login: AdminLogin, now: int | None = None) -> None:
    login.revoked_ms = now or now_ms()
