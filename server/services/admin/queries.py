"""What the dashboard reads: rooms, one room in detail, users, the audit trail. Read-only."""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from sqlalchemy import func, or_

from server.domain import queue_order
from server.errors import not_found
from server.extensions import db
from server.models import QueueEntry, Room, RoomAudit, RoomMembership, User
from server.services.presence.roster import roster
from server.services.room_codes import normalize_code
from server.services.rooms import chat_tail, load_playback, queue_entries
from server.services.runtime import rt
from server.timeutil import now_ms

ROOMS_LIMIT = 100
USERS_LIMIT = 100
AUDIT_PAGE = 50
ROOM_AUDIT_ROWS = 100
TIMELINE_ROWS = 60
USER_ROOMS = 5


def _contains(column, q: str):
    return func.lower(column).contains(q.lower(), autoescape=True)


def _names(user_ids: Iterable[int | None]) -> dict[int | None, str]:
    ids = [i for i in user_ids if i is not None]
    if not ids:
        return {}
    return dict(db.session.execute(db.select(User.id, User.name).where(User.id.in_(ids))).all())


def _entry_titles(entry_ids: Iterable[int | None]) -> dict[int | None, str]:
    ids = [i for i in entry_ids if i is not None]
    if not ids:
        return {}
    rows = db.session.execute(db.select(QueueEntry.id, QueueEntry.title, QueueEntry.video_id)
                              .where(QueueEntry.id.in_(ids))).all()
    return {i: (title or video_id) for i, title, video_id in rows}


def _worst(members: list[dict], key: str) -> int | None:
    """Worst |value| among members that reported a player status (unmeasured ones read 0)."""
    values = [abs(int(m[key])) for m in members if m.get(key) is not None and m.get("status_ms") is not None]
    return max(values) if values else None


# -- rooms ------------------------------------------------------------------------------------
def room_row(room: Room, owner_names: Mapping[int | None, str], titles: Mapping[int | None, str]) -> dict:
    pb = load_playback(room)
    members = roster(room, pb) if room.closed_ms is None else []
    return {"code": room.code, "name": room.name, "owner_id": room.owner_id,
            "owner_name": owner_names.get(room.owner_id), "members": len(members), "state": pb.state,
            "video_id": pb.video_id, "title": titles.get(pb.entry_id) if pb.entry_id else None,
            "worst_offset_ms": _worst(members, "offset_ms"), "worst_drift_ms": _worst(members, "drift_ms"),
            "is_private": room.is_private, "has_password": bool(room.password_hash),
            "created_ms": room.created_ms, "last_active_ms": room.last_active_ms, "closed_ms": room.closed_ms}


def list_rooms(q: str | None) -> list[dict]:
    """Open rooms: every room with someone in it, then the most recently active (or a search)."""
    stmt = db.select(Room).where(Room.closed_ms.is_(None))
    if q:
        stmt = stmt.where(or_(_contains(Room.code, q), _contains(Room.name, q)))
    rooms = list(db.session.execute(stmt.order_by(Room.last_active_ms.desc()).limit(ROOMS_LIMIT)).scalars())
    if not q:
        seen = {r.code for r in rooms}
        live = [c for c in rt().presence.store.room_codes() if c not in seen and rt().presence.room_records(c)]
        if live:
            rooms += list(db.session.execute(
                db.select(Room).where(Room.code.in_(live), Room.closed_ms.is_(None))).scalars())
    owner_names = _names({r.owner_id for r in rooms})
    titles = _entry_titles({load_playback(r).entry_id for r in rooms})
    rows = [room_row(r, owner_names, titles) for r in rooms]
    rows.sort(key=lambda r: (-r["members"], -r["last_active_ms"]))
    return rows


def room_detail(code: str) -> dict:
    norm = normalize_code(code)
    room = db.session.execute(db.select(Room).filter_by(code=norm)).scalar_one_or_none() if norm else None
    if room is None:
        raise not_found("No room has that code")
    pb = load_playback(room)
    entries = queue_entries(room, include_history=True)
    titles: dict[int | None, str] = {e.id: (e.title or e.video_id) for e in entries}
    owner_names = _names({room.owner_id})
    audit_rows = list(db.session.execute(
        db.select(RoomAudit).where(RoomAudit.room_id == room.id)
        .order_by(RoomAudit.id.desc()).limit(ROOM_AUDIT_ROWS)).scalars())
    timeline_rows = list(db.session.execute(
        db.select(RoomAudit).where(RoomAudit.room_id == room.id, RoomAudit.action.like("playback.%"))
        .order_by(RoomAudit.id.desc()).limit(TIMELINE_ROWS)).scalars())
    names = _audit_names(audit_rows + timeline_rows)
    return {
        "room": {**room_row(room, owner_names, titles), "settings": room.settings_wire(),
                 "playback": pb.to_wire(), "version": room.version},
        "members": roster(room, pb) if room.closed_ms is None else [],
        "queue": [e.to_wire() for e in entries if e.status in queue_order.LIVE_STATUSES],
        "played": [e.to_wire() for e in entries if e.status in queue_order.HISTORY_STATUSES][-10:],
        "chat": chat_tail(room, 50),
        "audit": [audit_wire(r, names, {room.id: room.code}) for r in audit_rows],
        "timeline": [timeline_item(r, names, titles) for r in timeline_rows],
        "server_ms": now_ms(),
    }


def timeline_item(row: RoomAudit, names: Mapping[int | None, str], titles: Mapping[int | None, str]) -> dict:
    before, after = _parse(row.before) or {}, _parse(row.after) or {}
    entry_id = after.get("entry_id") if isinstance(after, dict) else None
    return {"id": row.id, "created_ms": row.created_ms, "action": row.action, "actor_id": row.actor_id,
            "actor_name": names.get(row.actor_id), "from": before.get("state") if isinstance(before, dict) else None,
            "to": after.get("state") if isinstance(after, dict) else None,
            "position_ms": after.get("position_ms") if isinstance(after, dict) else None,
            "title": titles.get(entry_id) if entry_id else None, "version": row.version}


# -- users -----------------------------------------------------------------------------------
def list_users(q: str | None) -> list[dict]:
    stmt = db.select(User)
    if q:
        stmt = stmt.where(or_(_contains(User.name, q), _contains(User.email, q)))
    users = list(db.session.execute(stmt.order_by(User.last_seen_ms.desc(), User.id.desc())
                                    .limit(USERS_LIMIT)).scalars())
    rooms_by_user: dict[int, list[dict]] = {u.id: [] for u in users}
    if users:
        rows = db.session.execute(
            db.select(RoomMembership.user_id, RoomMembership.role, Room.code, Room.name)
            .join(Room, Room.id == RoomMembership.room_id)
            .where(RoomMembership.user_id.in_(list(rooms_by_user)), RoomMembership.active.is_(True),
                   Room.closed_ms.is_(None))
            .order_by(RoomMembership.last_seen_ms.desc())).all()
        for user_id, role, code, name in rows:
            if len(rooms_by_user[user_id]) < USER_ROOMS:
                rooms_by_user[user_id].append({"code": code, "name": name, "role": role})
    return [user_wire(u, rooms_by_user.get(u.id, [])) for u in users]


def user_wire(user: User, rooms: list[dict] | None = None) -> dict:
    online = bool(rt().presence.store.user_sids(user.id))
    return {**user.to_admin(), "online": online, "rooms": rooms or []}


# -- audit ------------------------------------------------------------------------------------
def _parse(raw: str | None) -> object:
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _target_id(*values: object) -> int | None:
    """The user an audit row is about, when its before/after name one (kick, ban, role)."""
    for value in values:
        if isinstance(value, dict) and isinstance(value.get("user_id"), int):
            return value["user_id"]
    return None


def audit_wire(row: RoomAudit, names: Mapping[int | None, str], codes: dict[int, str]) -> dict:
    before, after = _parse(row.before), _parse(row.after)
    target = _target_id(after, before)
    return {"id": row.id, "created_ms": row.created_ms, "action": row.action, "room_id": row.room_id,
            "room_code": codes.get(row.room_id) if row.room_id else None, "actor_id": row.actor_id,
            "actor_name": names.get(row.actor_id), "target_id": target, "target_name": names.get(target),
            "before": before, "after": after, "version": row.version}


def _audit_names(rows: list[RoomAudit]) -> dict[int | None, str]:
    ids = {r.actor_id for r in rows}
    ids.update(_target_id(_parse(r.after), _parse(r.before)) for r in rows)
    return _names({i for i in ids if i is not None})


def audit_page(before_id: int | None) -> dict:
    stmt = db.select(RoomAudit)
    if before_id:
        stmt = stmt.where(RoomAudit.id < before_id)
    rows = list(db.session.execute(stmt.order_by(RoomAudit.id.desc()).limit(AUDIT_PAGE)).scalars())
    names = _audit_names(rows)
    room_ids = [r.room_id for r in rows if r.room_id]
    codes: dict[int, str] = {}
    if room_ids:
        codes = dict(db.session.execute(db.select(Room.id, Room.code).where(Room.id.in_(room_ids))).all())
    return {"rows": [audit_wire(r, names, codes) for r in rows],
            "next_before_id": rows[-1].id if len(rows) == AUDIT_PAGE else None}
