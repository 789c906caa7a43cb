"""Who gets into a room: passwords asked again after they change, private rooms (invite secret
or an operator's approval), and the knocks of newcomers waiting for that approval.

Issue 14 findings 8 and 10. A private room admits a newcomer only with the invite link's secret
or after an owner/operator admitted their knock; a member stays admitted until they leave, are
kicked or banned. A room password set after a member was admitted is asked of that member at
their next join (owner and operators excepted: they can change it anyway).
"""
from __future__ import annotations

import hmac
import logging
import secrets

from server.domain.permissions import is_operator_or_owner
from server.errors import ApiError
from server.extensions import db, socketio
from server.models import Room, RoomKnock, RoomMembership
from server.services.runtime import rt
from server.timeutil import now_ms

log = logging.getLogger("sharetube.rooms")
INVITE_SECRET_BYTES = 24  # 192 bits
MAX_PENDING_KNOCKS = 20  # per room: more waiting newcomers are told to try later
KNOCK_RETRY_MS = 60_000  # after a refusal, the same user may knock on that room again after this
KNOCK_TTL_MS = 10 * 60_000  # an unanswered knock lapses


def new_invite_secret() -> str:
    return secrets.token_urlsafe(INVITE_SECRET_BYTES)


def ensure_invite_secret(room: Room) -> None:
    if room.is_private and not room.invite_secret:
        room.invite_secret = new_invite_secret()


def invite_matches(room: Room, invite: str | None) -> bool:
    secret = room.invite_secret
    return bool(secret and invite) and hmac.compare_digest(str(secret).encode(), str(invite).encode())


def password_asked(room: Room, m: RoomMembership | None, user_id: int) -> bool:
    """Whether this join must carry the room's password."""
    if not room.password_hash or room.owner_id == user_id:
        return False
    if m is None or not m.active:
        return True
    if is_operator_or_owner(m.role):
        return False
    return m.joined_ms < (room.password_set_ms or 0)


def private_refusal(room: Room, m: RoomMembership | None, user_id: int, invite: str | None) -> ApiError | None:
    """None when the joiner may enter a (possibly private) room, else the refusal to send."""
    if not room.is_private or room.owner_id == user_id or (m is not None and m.active):
        return None
    if invite_matches(room, invite):
        return None
    if invite:
        return ApiError("forbidden", "This invite link is no longer valid; ask for a new one", needs_approval=True)
    return ApiError("forbidden", "This room is private: ask to join, and an owner or operator lets you in",
                    needs_approval=True)


# -- knocks ------------------------------------------------------------------------------------
def pending_knocks(room: Room, now: int | None = None) -> list[RoomKnock]:
    since = (now or now_ms()) - KNOCK_TTL_MS
    return list(db.session.execute(
        db.select(RoomKnock).where(RoomKnock.room_id == room.id, RoomKnock.decided_ms.is_(None),
                                   RoomKnock.created_ms >= since).order_by(RoomKnock.id)).scalars())


def open_knock(room: Room, user_id: int, name: str, sid: str, now: int) -> RoomKnock:
    """Record a knock (or refresh this user's pending one to the new socket). Caller commits."""
    if not room.is_private:
        raise ApiError("conflict", "This room is not private: join it directly")
    recent = db.session.execute(
        db.select(RoomKnock).where(RoomKnock.room_id == room.id, RoomKnock.user_id == user_id)
        .order_by(RoomKnock.id.desc()).limit(1)).scalar_one_or_none()
    if recent is not None and recent.decided_ms is None and recent.created_ms >= now - KNOCK_TTL_MS:
        recent.sid = sid
        return recent
    declined_ms = recent.decided_ms if recent is not None and recent.admitted is False else None
    if declined_ms is not None and declined_ms > now - KNOCK_RETRY_MS:
        raise ApiError("rate_limited", "Your request was declined; wait a minute before asking again",
                       retry_after_ms=declined_ms + KNOCK_RETRY_MS - now)
    if len(pending_knocks(room, now)) >= MAX_PENDING_KNOCKS:
        raise ApiError("rate_limited", "Too many people are waiting to join this room; try again later",
                       retry_after_ms=KNOCK_RETRY_MS)
    knock = RoomKnock(room_id=room.id, user_id=user_id, name=name[:64], sid=sid[:64], created_ms=now)
    db.session.add(knock)
    db.session.flush()
    return knock


def decide_knock(room: Room, knock_id: int, admit: bool, actor_id: int, now: int) -> RoomKnock:
    """An owner/operator answers a pending knock; admitting makes the newcomer a member. Caller commits."""
    knock = db.session.get(RoomKnock, knock_id)
    if knock is None or knock.room_id != room.id:
        raise ApiError("not_found", "No such request to join this room")
    if knock.decided_ms is not None or knock.created_ms < now - KNOCK_TTL_MS:
        raise ApiError("conflict", "That request was already answered or has lapsed")
    knock.decided_ms, knock.admitted, knock.decided_by = now, admit, actor_id
    if admit:
        m = db.session.execute(db.select(RoomMembership)
                               .filter_by(room_id=room.id, user_id=knock.user_id)).scalar_one_or_none()
        if m is not None and m.banned:
            raise ApiError("conflict", "That user is banned from this room")
        if m is None:
            m = RoomMembership(room_id=room.id, user_id=knock.user_id, role="participant")
            db.session.add(m)
        m.active = True  # a member now, present once their own `join` arrives
        m.joined_ms = now
    log.info("room=%s event=knock_%s knock=%s user=u%s by=u%s", room.code, "admitted" if admit else "declined",
             knock.id, knock.user_id, actor_id)
    return knock


def operator_view(room: Room, role: str | None) -> dict:
    """What only the owner and operators see of a room's door: the invite secret and who knocks."""
    if role is None or not is_operator_or_owner(role) or not room.is_private:
        return {}
    return {"invite_secret": room.invite_secret, "knocks": [k.to_wire() for k in pending_knocks(room)]}


def operator_sids(room: Room) -> list[str]:
    """The sockets (on any process) of the room's owner and operators who are present."""
    records = rt().presence.room_records(room.code)
    user_ids = {int(r["user_id"]) for r in records}
    if not user_ids:
        return []
    rows = db.session.execute(
        db.select(RoomMembership.user_id, RoomMembership.role).where(
            RoomMembership.room_id == room.id, RoomMembership.user_id.in_(user_ids),
            RoomMembership.active.is_(True), RoomMembership.banned.is_(False))).all()
    roles: dict[int, str] = {user_id: role for user_id, role in rows}
    return [r["sid"] for r in records if is_operator_or_owner(roles.get(int(r["user_id"]), ""))]


def tell_operators(room: Room, event: str, payload: dict) -> None:
    """Knocks are for the people who may answer them, not for every member."""
    for sid in operator_sids(room):
        socketio.emit(event, payload, to=sid)
