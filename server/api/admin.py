"""The dashboard's session: trade a one-time admin link code or an admin's Google token for an
HttpOnly, SameSite=Strict cookie (flask-jwt-extended cookie mode), read it, end it.

Every state-changing request made with the cookie needs the X-CSRF-TOKEN header (double
submit, checked by flask-jwt-extended); POST here opens a session and so has no cookie yet.
"""
from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify, request
from flask_jwt_extended import get_csrf_token, get_jwt, set_access_cookies, unset_jwt_cookies, verify_jwt_in_request
from flask_jwt_extended.exceptions import CSRFError

from server.errors import ApiError, invalid
from server.extensions import db
from server.models import User
from server.models.admin_login import AdminLogin
from server.services.admin.auth import (
    admin_from_cookie,
    open_session_from_bearer,
    redeem_link_code,
    revoke_login,
    session_token,
)
from server.services.admin.sessions import admin_sids, drop_admin_sockets
from server.services.audit import audit

bp = Blueprint("admin", __name__)
log = logging.getLogger("sharetube.admin")


@bp.errorhandler(CSRFError)
def csrf_refused(exc: CSRFError):
    return jsonify({"ok": False, "error": "forbidden",
                    "message": "This request needs the X-CSRF-TOKEN header of your dashboard session"}), 403


def _google_enabled() -> bool:
    return bool(current_app.config["ST"].GOOGLE_CLIENT_ID)


@bp.errorhandler(ApiError)
def refused(exc: ApiError):
    """Refusals say whether Google sign-in is offered, so the page can show the right way in."""
    resp, status = exc.response()
    body = resp.get_json()
    body["google_enabled"] = _google_enabled()
    return jsonify(body), status


@bp.get("/api/admin/session")
def session_read():
    """Who is signed in to the dashboard (and the CSRF token the page sends back)."""
    ident = admin_from_cookie(request.cookies)
    token = request.cookies[current_app.config["JWT_ACCESS_COOKIE_NAME"]]
    return jsonify({"ok": True, "user": ident.user.to_admin(), "csrf_token": get_csrf_token(token),
                    "expires_ms": ident.login.expires_ms, "google_enabled": _google_enabled()})


@bp.post("/api/admin/session")
def session_open():
    """`{code}` from an admin link, or `Authorization: Bearer <token>` after Google sign-in."""
    body = request.get_json(silent=True)
    code = body.get("code") if isinstance(body, dict) else None
    auth = request.headers.get("Authorization", "")
    if isinstance(code, str) and code:
        login = redeem_link_code(code)
    elif auth.startswith("Bearer ") and len(auth) > 7:
        login = open_session_from_bearer(auth[7:].strip())
    else:
        raise invalid("Send the sign-in code ('code') or a bearer token")
    user = db.session.get(User, login.user_id)
    if user is None:
        raise invalid("This sign-in belongs to no user")
    db.session.flush()
    audit(None, user.id, "admin.sign_in", after={"method": login.method, "login_id": login.id})
    db.session.commit()
    token = session_token(user, login)
    log.info("event=admin_sign_in user=u%s method=%s login=%s", user.id, login.method, login.id)
    resp = jsonify({"ok": True, "user": user.to_admin(), "csrf_token": get_csrf_token(token),
                    "expires_ms": login.expires_ms})
    set_access_cookies(resp, token)
    return resp


@bp.delete("/api/admin/session")
def session_close():
    """Sign out: this session's cookie goes stale at once (the admin's other devices stay signed in)."""
    verify_jwt_in_request(locations=["cookies"])  # checks the X-CSRF-TOKEN header too
    claims = get_jwt()
    login_id = claims.get("adm")
    login = db.session.get(AdminLogin, login_id) if isinstance(login_id, int) else None
    if login is not None and str(login.user_id) == str(claims.get("sub")) and login.revoked_ms is None:
        revoke_login(login)
        audit(None, login.user_id, "admin.sign_out", after={"login_id": login.id})
        db.session.commit()
        drop_admin_sockets(admin_sids(login_id=login.id), "signed_out")
        log.info("event=admin_sign_out user=u%s login=%s", login.user_id, login.id)
    resp = jsonify({"ok": True})
    unset_jwt_cookies(resp)
    return resp
