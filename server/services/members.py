"""Changing who is in a room and with which role: kicks, bans, unbans and role changes.

Shared by the members' own events (`member.kick`, `member.role`, `room.unban`), the admin
dashboard and the hand-over of an away owner (services/ownership.py), so a kick is the same
everywhere: audited, the member's sockets leave the room on every process, the room clock
stops waiting for them, and the room is told. Every role change is made here.
"""
from __future__ import annotations

import json
import logging

from server.domain.permissions import role_changes
from server.domain.room_clock import MemberLeft
from server.errors import not_found
from server.extensions import db, socketio
from server.models import Room, RoomAudit, RoomMembership, User
from server.services.audit import audit
from server.services.presence.connections import clock_member, room_sids_of_user, tell_removed
from server.services.presence.membership import invalidate
from server.services.presence.roster import broadcast_presence
from server.services.room_access import tell_operators
from server.services.runtime import rt
from server.services.system_messages import announce

log = logging.getLogger("sharetube.members")


def active_membership(room_id: int, user_id: int) -> RoomMembership:
    m = db.session.execute(db.select(RoomMembership).filter_by(room_id=room_id, user_id=user_id)).scalar_one_or_none()
    if m is None or not m.active:
        raise not_found("That user is not a member of this room")
    return m


def _name(user_id: int) -> str:
    user = db.session.get(User, user_id)
    return user.name if user else "someone"


def change_role(room: Room, target: RoomMembership, role: str, *, actor_id: int, actor_name: str) -> None:
    """Give `target` the role (checked by the caller); handing over ownership demotes the owner."""
    changes = role_changes(actor_id, target.user_id, role)
    before = {}
    for user_id, new_role in changes:
        m = active_membership(room.id, user_id)
        before[user_id] = m.role
        m.role = new_role
        if new_role == "owner":
            room.owner_id = user_id
    audit(room.id, actor_id, "member.role", before=before, after=dict(changes), version=room.version)
    line = f"{actor_name} made {_name(target.user_id)} {role}"
    db.session.commit()
    log.info("room=%s event=role target=u%s role=%s by=u%s", room.code, target.user_id, role, actor_id)
    for user_id, new_role in changes:  # the roles kept on their connections, on every process
        invalidate(room.code, user_id, new_role)
    announce(room, line)
    broadcast_presence(room)


def kick_member(room: Room, target: RoomMembership, *, actor_id: int | None, ban: bool, actor_name: str) -> None:
    """Remove a member (optionally banned) and drop their sockets from the room, everywhere."""
    before = {"role": target.role, "banned": target.banned}
    target.active = False
    target.banned = target.banned or ban
    audit(room.id, actor_id, "member.ban" if ban else "member.kick", before=before,
          after={"user_id": target.user_id, "banned": target.banned}, version=room.version)
    verb = "banned" if ban else "removed"
    line = f"{actor_name} {verb} {_name(target.user_id)}"
    db.session.commit()
    log.info("room=%s event=%s target=u%s by=u%s", room.code, verb, target.user_id, actor_id)
    # before the member is told: every process takes the user's sockets out of the room (their
    # next event is refused; no heartbeat shares their records again). The sockets are found
    # first: this process's own leave the room's records at once.
    sids = room_sids_of_user(room.code, target.user_id)
    invalidate(room.code, target.user_id, removed=True)
    tell_removed(room.code, sids, "banned" if ban else "kicked")
    for sid in sids:  # sockets on processes that have not applied the change yet
        socketio.server.leave_room(sid, room.code, namespace="/")
        rt().presence.store.drop(room.code, sid)
    clock_member(room.code, MemberLeft, target.user_id)
    announce(room, line)
    broadcast_presence(room)
    if ban:
        tell_operators(room, "room.bans", {"bans": ban_list(room)})


def banned_membership(room_id: int, user_id: int) -> RoomMembership:
    m = db.session.execute(db.select(RoomMembership).filter_by(room_id=room_id, user_id=user_id)).scalar_one_or_none()
    if m is None or not m.banned:
        raise not_found("That user is not banned from this room")
    return m


def ban_list(room: Room) -> list[dict]:
    """The room's bans, newest first: who, and who banned them when (from the audit trail)."""
    rows = db.session.execute(
        db.select(RoomMembership.user_id, RoomMembership.role, User.name).join(User, User.id == RoomMembership.user_id)
        .where(RoomMembership.room_id == room.id, RoomMembership.banned.is_(True))).all()
    if not rows:
        return []
    # newest ban rows first, stopping once every banned member is named: a room's long history
    # of bans and unbans is not read on each request
    wanted = {user_id for user_id, _role, _name in rows}
    made: dict[int, tuple[int | None, int | None]] = {}
    for actor_id, after, created_ms in db.session.execute(
            db.select(RoomAudit.actor_id, RoomAudit.after, RoomAudit.created_ms)
            .where(RoomAudit.room_id == room.id, RoomAudit.action == "member.ban").order_by(RoomAudit.id.desc())):
        try:
            banned_id = int(json.loads(after or "{}")["user_id"])
        except (ValueError, KeyError, TypeError):
            continue
        if banned_id in wanted and banned_id not in made:
            made[banned_id] = (actor_id, created_ms)
            if len(made) == len(wanted):
                break
    bans = []
    for user_id, role, name in rows:
        by_id, at_ms = made.get(user_id, (None, None))
        bans.append({"user_id": user_id, "name": name, "role": role, "by_id": by_id,
                     "by": _name(by_id) if by_id is not None else None, "at_ms": at_ms})
    bans.sort(key=lambda b: (-(b["at_ms"] or 0), b["user_id"]))
    return bans


def unban_member(room: Room, target: RoomMembership, *, actor_id: int, actor_name: str) -> None:
    """Lift a ban (checked by the caller): the user may join again, as a participant."""
    before = {"role": target.role, "banned": True}
    target.banned = False
    target.active = False  # a member again only by joining (a private room still asks for the invite)
    target.role = "participant"
    audit(room.id, actor_id, "member.unban", before=before,
          after={"user_id": target.user_id, "banned": False, "role": "participant"}, version=room.version)
    line = f"{actor_name} lifted the ban on {_name(target.user_id)}"
    db.session.commit()
    log.info("room=%s event=unban target=u%s by=u%s", room.code, target.user_id, actor_id)
    invalidate(room.code, target.user_id)  # any socket of theirs is checked again at its next event
    announce(room, line)
    tell_operators(room, "room.bans", {"bans": ban_list(room)})


def away_text(away_ms: int) -> str:
    return f"{away_ms // 60_000} min" if away_ms >= 60_000 else f"{max(1, away_ms // 1000)} s"


def hand_over_from_away_owner(room: Room, new_owner_id: int, *, away_ms: int) -> None:
    """The owner has been away for `away_ms`: `new_owner_id` (chosen by the caller, present and a
    member) becomes owner, the old owner an operator. Audited as the server's action."""
    old_id = room.owner_id
    new = active_membership(room.id, new_owner_id)
    old = db.session.execute(db.select(RoomMembership).filter_by(room_id=room.id, user_id=old_id)).scalar_one_or_none()
    before = {str(old_id): old.role if old else None, str(new_owner_id): new.role}
    if old is not None and not old.banned:
        old.role = "operator"
    new.role = "owner"
    room.owner_id = new_owner_id
    audit(room.id, None, "member.owner_away", before=before,
          after={str(old_id): "operator", str(new_owner_id): "owner", "away_ms": away_ms}, version=room.version)
    line = f"{_name(old_id)} has been away for {away_text(away_ms)}: {_name(new_owner_id)} is now the owner"
    db.session.commit()
    log.info("room=%s event=owner_away from=u%s to=u%s v=%s by=server", room.code, old_id, new_owner_id, room.version)
    if old is not None and not old.banned:  # the roles kept on their connections, on every process
        invalidate(room.code, old_id, "operator")
    invalidate(room.code, new_owner_id, "owner")
    announce(room, line)
    broadcast_presence(room)
