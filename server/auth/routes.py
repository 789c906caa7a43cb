"""Sign-in: guests by name, Google by OpenID Connect (authlib), me, logout."""
from __future__ import annotations

import logging
import secrets
from urllib.parse import urlencode, urlparse

from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import Blueprint, current_app, jsonify, redirect, request, session
from flask_jwt_extended import get_jwt, jwt_required
from joserfc.errors import JoseError
from requests import RequestException

from server.domain.chat_text import InvalidText, clean_display_name
from server.domain.constants import GUEST_SIGNIN_IP_LIMIT
from server.errors import ApiError, invalid
from server.extensions import db
from server.models import User
from server.services.audit import audit
from server.services.presence.connections import drop_user_sockets
from server.services.request_limits import http_limit
from server.services.tokens import identity_from_claims, issue_token
from server.timeutil import now_ms
from server.validation import Str, validate

bp = Blueprint("auth", __name__)
log = logging.getLogger("sharetube.auth")
REDIRECT_SESSION_KEY = "st_redirect_uri"
OAUTH_EXTENSION_KEY = "sharetube_oauth"


def settings():
    return current_app.config["ST"]


def register_oauth(app) -> None:
    """One OAuth registry per app: authlib caches clients per registry, and a registry never bound
    with init_app cannot create one, so each app gets its own, configured from its own settings."""
    cfg = app.config["ST"]
    registry = OAuth(app)
    registry.register(
        "google",
        client_id=cfg.GOOGLE_CLIENT_ID or "unconfigured",
        client_secret=cfg.GOOGLE_CLIENT_SECRET or None,
        server_metadata_url=cfg.OIDC_DISCOVERY_URL,
        client_kwargs={"scope": "openid email profile"},
    )
    app.extensions[OAUTH_EXTENSION_KEY] = registry


def google_client():
    return current_app.extensions[OAUTH_EXTENSION_KEY].create_client("google")


@bp.post("/auth/guest")
@http_limit(GUEST_SIGNIN_IP_LIMIT)
def guest_sign_in():
    if not settings().ALLOW_GUESTS:
        raise ApiError("forbidden", "Guest sign-in is disabled on this server")
    body = validate({"name": Str(256)}, request.get_json(silent=True))
    try:
        name = clean_display_name(body["name"])
    except InvalidText as exc:
        raise invalid(str(exc)) from None
    user = User(name=name, is_guest=True)
    db.session.add(user)
    db.session.commit()
    log.info("event=guest_signin user=u%s", user.id)
    return jsonify({"ok": True, "access_token": issue_token(user), "user": user.to_wire()})


@bp.get("/auth/me")
@jwt_required()
def me():
    ident = identity_from_claims(get_jwt())
    return jsonify({"ok": True, "user": ident.user.to_wire(), "device": ident.device,
                    "room_code": ident.room_code})


@bp.post("/auth/logout")
@jwt_required()
def logout():
    ident = identity_from_claims(get_jwt())
    ident.user.token_version += 1
    db.session.commit()
    log.info("event=logout user=u%s tv=%s", ident.user.id, ident.user.token_version)
    drop_user_sockets(ident.user.id, reason="signed_out")
    return jsonify({"ok": True})


def allowed_redirect(uri: str) -> bool:
    """Only the extension's chromiumapp.org page, or this service's own pages."""
    if not uri or len(uri) > 512:
        return False
    parsed = urlparse(uri)
    if parsed.query or parsed.fragment or parsed.username or parsed.password:
        return False
    for ext_id in settings().EXTENSION_IDS:
        if parsed.scheme == "https" and parsed.netloc == f"{ext_id}.chromiumapp.org" and parsed.path.startswith("/"):
            return True
    own = urlparse(settings().BACKEND_BASE_URL)
    return (parsed.scheme, parsed.netloc) == (own.scheme, own.netloc) and parsed.path.startswith("/")


@bp.route("/auth/google", methods=["GET", "POST"])
@http_limit(GUEST_SIGNIN_IP_LIMIT)
def google_start():
    redirect_uri = request.values.get("redirect_uri") or f"{settings().BACKEND_BASE_URL}/auth/done"
    if not allowed_redirect(redirect_uri):
        raise invalid("redirect_uri is not allowed")
    if not settings().GOOGLE_CLIENT_ID:
        raise ApiError("unavailable", "Google sign-in is not configured on this server")
    session[REDIRECT_SESSION_KEY] = redirect_uri
    callback = f"{settings().BACKEND_BASE_URL}/auth/google/callback"
    try:
        return google_client().authorize_redirect(callback, nonce=secrets.token_urlsafe(24))
    except Exception as exc:  # discovery document unreachable
        log.warning("event=google_start_failed error=%s", type(exc).__name__)
        raise ApiError("unavailable", "The sign-in provider cannot be reached") from None


@bp.get("/auth/google/callback")
def google_callback():
    redirect_uri = session.pop(REDIRECT_SESSION_KEY, None)
    if not redirect_uri or not allowed_redirect(redirect_uri):
        raise invalid("The sign-in session expired; start again")
    try:
        # authlib checks the state, then the id_token's signature, issuer, audience, expiry and the
        # nonce stored with the state; without a verified id_token there is no "userinfo".
        token = google_client().authorize_access_token()
        info = token.get("userinfo")
    except (AuthlibBaseError, JoseError, ValueError, KeyError, TypeError) as exc:  # joserfc: bad id_token
        log.info("event=google_signin_refused reason=%s", type(exc).__name__)
        raise ApiError("unauthorized", "Sign-in failed: the answer from the provider did not check out") from None
    except RequestException as exc:  # the token endpoint or the keys cannot be reached
        log.warning("event=google_callback_failed error=%s", type(exc).__name__)
        raise ApiError("unavailable", "The sign-in provider cannot be reached") from None
    if not info or not info.get("sub"):
        raise ApiError("unauthorized", "Sign-in failed: no identity in the answer")
    user = upsert_google_user(info)
    if user.banned:
        raise ApiError("forbidden", "This account is banned")
    fragment = urlencode({"access_token": issue_token(user), "token_type": "Bearer",
                          "expires_in": settings().ACCESS_TOKEN_EXPIRES_SECONDS})
    return redirect(f"{redirect_uri}#{fragment}")


def upsert_google_user(info: dict) -> User:
    user = db.session.execute(db.select(User).filter_by(google_sub=str(info["sub"]))).scalar_one_or_none()
    email = (info.get("email") or "").lower() or None
    verified_email = email if info.get("email_verified", True) in (True, "true") else None
    if user is None and verified_email:
        # An account made for this address before (e.g. by `sharetube admin-link`) becomes this one.
        user = db.session.execute(db.select(User).where(
            User.email == verified_email, User.google_sub.is_(None), User.is_guest.is_(False))).scalars().first()
        if user is not None:
            user.google_sub = str(info["sub"])
    if user is None:
        user = User(google_sub=str(info["sub"]), name="")
        db.session.add(user)
    name = info.get("name") or (email.split("@")[0] if email else "Google user")
    try:
        user.name = clean_display_name(name[:64])
    except InvalidText:
        user.name = "Google user"
    user.email = email
    user.picture = info.get("picture") if isinstance(info.get("picture"), str) else None
    user.last_seen_ms = now_ms()
    verified = info.get("email_verified", True) in (True, "true")
    if email and verified and email in settings().ADMIN_EMAILS and user.role != "admin":
        user.role = "admin"
        db.session.flush()
        audit(None, None, "admin.granted_by_config", before={"role": "user"},
              after={"role": "admin", "user_id": user.id})
    db.session.commit()
    log.info("event=google_signin user=u%s admin=%s", user.id, user.role == "admin")
    return user


@bp.get("/auth/done")
def auth_done():
    """Landing page for sign-ins started from the service's own pages; the token is in the fragment."""
    return ("<!doctype html><meta charset=utf-8><title>Signed in — ShareTube</title>"
            "<p>Signed in. You can close this tab.</p>"), 200, {"Content-Type": "text/html; charset=utf-8"}
