"""Phone remotes: one-time pairing codes, their exchange for a scoped token, listing, revoking.

A pairing code is 192 random bits (``secrets.token_urlsafe(24)``), shown once (in the QR link's
URL fragment) and stored only as its SHA-256. It works once, for the PAIRING_TTL_MS setting
(5 minutes unless configured). Redeeming it is one conditional UPDATE, so two phones racing
with the same code cannot both win.
The code never reaches a log line: logs name the pairing by its id.
"""
from __future__ import annotations

import hashlib
import io
import logging
import re
import secrets
from typing import Any

import segno
from flask import current_app
from sqlalchemy import update

from server.config import is_loopback_url
from server.errors import ApiError, forbidden
from server.extensions import db
from server.models import RemotePairing, Room, User
from server.services.audit import audit
from server.services.presence.connections import disconnect_sids
from server.services.request_limits import current_limits
from server.services.rooms import role_of
from server.services.runtime import rt
from server.timeutil import now_ms

log = logging.getLogger("sharetube.pairing")

CODE_BYTES = 24  # 192 bits, ≥ 128 as required
CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{22,64}$")
LOOPBACK_WARNING = (
    "A phone cannot reach {base}: that address means 'this computer' on the phone too. "
    "Restart ShareTube with LISTEN_HOST=0.0.0.0 and BACKEND_BASE_URL=http://<this machine's LAN address>:{port} "
    "(for example http://192.168.1.20:{port}), then make a new QR code."
)


def pairing_ttl_ms() -> int:
    """How long a new code works: the PAIRING_TTL_MS setting (config.py)."""
    return int(current_app.config["ST"].PAIRING_TTL_MS)


def lifetime_text(ttl_ms: int) -> str:
    """"5 minutes", "90 seconds", "1 minute": the code's lifetime for a refusal message."""
    if ttl_ms % 60_000 == 0:
        minutes = ttl_ms // 60_000
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    seconds = max(1, round(ttl_ms / 1000))
    return f"{seconds} second{'s' if seconds != 1 else ''}"


def hash_code(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


# -- creating a pairing (the extension's QR button) ------------------------------------------
def create_pairing(room: Room, user: User, label: str | None = None) -> tuple[RemotePairing, str]:
    """A new one-time code for `user` in `room`; returns the row and the plain code (shown once)."""
    if role_of(room, user.id) is None:
        raise forbidden("Only a member of this room can pair a remote")
    current_limits().check("pairing.create", user.id, message="Too many pairing codes; wait a moment")
    code = secrets.token_urlsafe(CODE_BYTES)
    now = now_ms()
    pairing = RemotePairing(code_hash=hash_code(code), user_id=user.id, room_id=room.id,
                            created_ms=now, expires_ms=now + pairing_ttl_ms(), label=label or None)
    db.session.add(pairing)
    db.session.commit()
    log.info("room=%s event=remote_pairing_created pairing=p%s by=u%s", room.code, pairing.id, user.id)
    return pairing, code


def pair_url(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/mobile-remote#pair={code}"


def qr_svg(data: str) -> str:
    """The QR code of `data` as an SVG document (dark modules on white, with a quiet zone)."""
    qr = segno.make(data, error="m", micro=False)
    out = io.BytesIO()
    qr.save(out, kind="svg", scale=5, border=4, dark="#000", light="#fff", xmldecl=False,
            svgns=True, title="ShareTube remote pairing code", nl=False)
    return out.getvalue().decode("utf-8")


def loopback_warning(base_url: str, listen_port: int) -> str | None:
    if not is_loopback_url(base_url):
        return None
    return LOOPBACK_WARNING.format(base=base_url, port=listen_port)


# -- redeeming a code (the phone) ---------------------------------------------------------
def redeem(code: object, label: str | None = None) -> tuple[RemotePairing, User, Room]:
    """Exchange a code for its pairing, exactly once. Refusals:

    invalid   (400) reason=malformed  the code is not a pairing code at all
    not_found (404) reason=unknown    no pairing has this code
    invalid   (400) reason=expired    the code is older than PAIRING_TTL_MS
    conflict  (409) reason=used       the code was already used (each QR code works once)
    conflict  (409) reason=revoked    the pairing was revoked before it was used
    not_found (404) reason=room_closed  the room was closed
    forbidden (403) reason=not_member   the user is no longer a member (or is banned)
    """
    if not isinstance(code, str) or not CODE_PATTERN.match(code):
        raise ApiError("invalid", "That is not a pairing code; scan the QR code again", reason="malformed")
    pairing = db.session.execute(
        db.select(RemotePairing).filter_by(code_hash=hash_code(code))).scalar_one_or_none()
    if pairing is None:
        raise ApiError("not_found", "This pairing code is not known; make a new QR code in ShareTube",
                       reason="unknown")
    now = now_ms()
    refusal = refusal_for(pairing, now)
    if refusal is not None:
        raise refusal
    room = db.session.get(Room, pairing.room_id)
    user = db.session.get(User, pairing.user_id)
    if room is None or room.closed_ms is not None:
        raise ApiError("not_found", "The room of this pairing code was closed", reason="room_closed")
    if user is None or user.banned or role_of(room, user.id) is None:
        raise ApiError("forbidden", "You are no longer a member of this room", reason="not_member")
    result: Any = db.session.execute(
        update(RemotePairing)
        .where(RemotePairing.id == pairing.id, RemotePairing.used_ms.is_(None),
               RemotePairing.revoked_ms.is_(None), RemotePairing.expires_ms > now)
        .values(used_ms=now, label=pairing.label or label)
    )
    claimed = result.rowcount
    if claimed != 1:  # another request won the race
        db.session.rollback()
        raise ApiError("conflict", "This pairing code was already used; make a new QR code", reason="used")
    audit(room.id, user.id, "remote.paired", after={"pairing_id": pairing.id, "label": pairing.label or label})
    db.session.commit()
    db.session.refresh(pairing)
    log.info("room=%s event=remote_paired pairing=p%s user=u%s", room.code, pairing.id, user.id)
    return pairing, user, room


def refusal_for(pairing: RemotePairing, now: int) -> ApiError | None:
    if pairing.revoked_ms is not None:
        return ApiError("conflict", "This pairing was cancelled; make a new QR code", reason="revoked")
    if pairing.used_ms is not None:
        return ApiError("conflict", "This pairing code was already used. Each QR code works once: "
                        "make a new one in ShareTube", reason="used")
    if pairing.expires_ms <= now:
        return ApiError("invalid", "This pairing code expired (codes last "
                        f"{lifetime_text(pairing.expires_ms - pairing.created_ms)}); "
                        "make a new QR code", reason="expired")
    return None


def device_label(user_agent: str | None) -> str:
    """A short, human name for the phone from its User-Agent ("Android phone", "iPhone", …)."""
    ua = (user_agent or "")[:512]
    for needle, name in (("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android phone"),
                         ("Windows", "Windows browser"), ("Macintosh", "Mac browser"),
                         ("CrOS", "Chromebook"), ("Linux", "Linux browser")):
        if needle in ua:
            return name
    return "Phone"


# -- the user's remotes ----------------------------------------------------------------------
def remotes_of(room: Room, user_id: int) -> list[dict]:
    """The user's own paired (used, not revoked) remotes in this room."""
    rows = db.session.execute(
        db.select(RemotePairing)
        .where(RemotePairing.room_id == room.id, RemotePairing.user_id == user_id,
               RemotePairing.used_ms.is_not(None), RemotePairing.revoked_ms.is_(None))
        .order_by(RemotePairing.id)).scalars().all()
    online = connected_pairings(room.code)
    return [{"id": p.id, "label": p.label or "Phone", "created_ms": p.created_ms, "used_ms": p.used_ms,
             "connected": p.id in online} for p in rows]


def connected_pairings(code: str) -> set[int]:
    """Pairing ids with a socket: local sockets, plus presence records that carry a pairing id."""
    ids = {c.pairing_id for c in rt().presence.local_conns() if c.pairing_id is not None}
    ids.update(int(r["pairing_id"]) for r in rt().presence.room_records(code) if r.get("pairing_id"))
    return ids


def sids_of_pairing(pairing: RemotePairing, room_code: str | None) -> list[str]:
    sids = set(rt().presence.sids_of_pairing(pairing.id))
    if room_code:
        sids.update(r["sid"] for r in rt().presence.room_records(room_code)
                    if r.get("pairing_id") == pairing.id)
    return sorted(sids)


def revoke(pairing_id: int, user: User, *, acting_pairing_id: int | None = None) -> RemotePairing:
    """Revoke one of the user's remotes (a remote token may revoke only itself)."""
    pairing = db.session.get(RemotePairing, pairing_id)
    if pairing is None or pairing.user_id != user.id:
        raise ApiError("not_found", "You have no remote with that id")
    if acting_pairing_id is not None and acting_pairing_id != pairing.id:
        raise forbidden("A remote can only unpair itself")
    if pairing.revoked_ms is None:
        pairing.revoked_ms = now_ms()
        audit(pairing.room_id, user.id, "remote.revoked",
              before={"pairing_id": pairing.id, "label": pairing.label, "used_ms": pairing.used_ms},
              after={"pairing_id": pairing.id, "revoked_ms": pairing.revoked_ms})
        db.session.commit()
        log.info("event=remote_revoked pairing=p%s by=u%s", pairing.id, user.id)
    return pairing


def drop_remote_sockets(pairing: RemotePairing) -> int:
    """Disconnect the revoked remote's sockets now; it cannot reconnect (its token is refused)."""
    room = db.session.get(Room, pairing.room_id)
    sids = sids_of_pairing(pairing, room.code if room else None)
    disconnect_sids(sids, "session.ended", {"reason": "remote_revoked",
                                            "message": "This remote was disconnected; pair again"})
    return len(sids)
