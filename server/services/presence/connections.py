"""Joining and leaving a room's socket group, roster broadcasts, dropping sockets."""
from __future__ import annotations

import logging

from server.domain.room_clock import MemberJoined, MemberLeft
from server.errors import ApiError
from server.extensions import db, socketio
from server.models import Room, RoomMembership
from server.services.clock_runner import run_command
from server.services.presence.roster import PLAYER_DEVICE, broadcast_presence
from server.services.presence.status_reports import mark_dirty
from server.services.presence.store import Conn
from server.services.request_limits import current_limits
from server.services.rooms import load_playback
from server.services.runtime import rt
from server.services.system_messages import announce
from server.timeutil import now_ms

log = logging.getLogger("sharetube.presence")
IMMEDIATE_ROSTER_MAX = 20  # sockets in a room up to which joins and leaves are broadcast at once


def is_small(room: Room) -> bool:
    """Up to IMMEDIATE_ROSTER_MAX sockets, joins and leaves are told at once (roster and chat line);
    in bigger rooms they fold into the periodic roster, or a crowd filling in would flood everyone."""
    return rt().presence.room_sizes([room.code])[room.code] <= IMMEDIATE_ROSTER_MAX


def roster_changed(room: Room, small: bool | None = None) -> None:
    """A member came or went: small rooms see it at once; in a big room every join re-sending the
    whole roster to everyone would cost O(N²), so it folds into the periodic roster update.
    `small`: is_small(room) as the caller already read it (with Redis, a round trip less)."""
    if small is None:
        small = is_small(room)
    if small:
        broadcast_presence(room)
    else:
        mark_dirty(room.code, now_ms())


def presence_line_allowed(code: str, user_id: int) -> bool:
    """Join/leave chat lines are throttled per user and per room: someone cycling join/leave
    (or a crowd churning) must not flood the chat. The roster still shows every change."""
    limits = current_limits()
    return limits.allow("line.presence_user", code, user_id) and limits.allow("line.presence_room", code)


def enter_room(conn: Conn, room: Room) -> bool:
    """Put the socket in the room; return True when the user was not present before."""
    was_present = rt().presence.user_present(room.code, conn.user_id)
    if conn.room_code and conn.room_code != room.code:
        exit_room(conn, announce=True)
    rt().presence.enter(conn.sid, room.code)
    socketio.server.enter_room(conn.sid, room.code, namespace="/")
    return not was_present


def after_enter(conn: Conn, room: Room, first_device: bool) -> bool:
    """Tell the room clock and the room that `conn` came in. `room`: read AFTER the socket
    entered the room's presence — a start decided after that read counts this member itself, one
    before it shows in it. Returns whether the room clock changed (the caller's `room` is stale).

    A join into a room that is not starting cannot change the clock (MemberJoined.may_change):
    then the clock's runner (its room lock, load and transaction) is not run at all — 15 % of
    each join's work while a room of 1,000 fills."""
    changed = False
    if first_device and conn.device == PLAYER_DEVICE:
        joined = MemberJoined(actor=conn.user_id)
        if joined.may_change(load_playback(room)):
            changed = clock_member(room.code, MemberJoined, conn.user_id)
    small = is_small(room)
    if first_device and small and presence_line_allowed(room.code, conn.user_id):
        announce(room, f"{conn.name} joined")
    roster_changed(room, small)
    return changed


def exit_room(conn: Conn, *, announce: bool = True, reason: str = "left") -> str | None:
    code = rt().presence.exit(conn.sid)
    if code is None:
        return None
    try:
        socketio.server.leave_room(conn.sid, code, namespace="/")
    except Exception:  # the socket may already be gone
        pass
    if announce:
        announce_exit(code, conn, reason)
    return code


def announce_exit(code: str, conn: Conn, reason: str) -> None:
    still_here = conn.user_id in rt().presence.users_in_room(code)
    room = db.session.execute(db.select(Room).filter_by(code=code)).scalar_one_or_none()
    if room is None:
        return
    small: bool | None = None
    if not still_here:
        clock_member(code, MemberLeft, conn.user_id)
        # when each member was last present: an away owner's room is handed over after OWNER_AWAY_MS
        db.session.execute(db.update(RoomMembership).where(RoomMembership.room_id == room.id,
                                                           RoomMembership.user_id == conn.user_id)
                           .values(last_seen_ms=now_ms()))
        db.session.commit()
        text = {"left": f"{conn.name} left", "disconnected": f"{conn.name} disconnected",
                "kicked": f"{conn.name} was removed from the room"}.get(reason, f"{conn.name} left")
        small = is_small(room)
        if small and presence_line_allowed(code, conn.user_id):
            announce(room, text)
        else:
            db.session.commit()
    elif conn.device == PLAYER_DEVICE:
        # Another device remains; if no player remains the clock should stop waiting for this user.
        players = [r for r in rt().presence.users_in_room(code).get(conn.user_id, []) if r["device"] == PLAYER_DEVICE]
        if not players:
            clock_member(code, MemberLeft, conn.user_id)
    roster_changed(room, small)


def clock_member(code: str, command_type, user_id: int) -> bool:
    """Run a member's arrival or departure through the room clock; True when it changed the room."""
    try:
        return run_command(code, lambda _r, _p: command_type(actor=user_id), actor_id=None).changed
    except ApiError as exc:
        log.info("room=%s event=%s skipped reason=%s", code, command_type.__name__, exc.code)
        return False


def disconnect_sids(sids: list[str], event: str | None = None, payload: dict | None = None) -> None:
    for sid in sids:
        if event:
            socketio.emit(event, payload or {}, to=sid)
        socketio.server.disconnect(sid, namespace="/")


def drop_user_sockets(user_id: int, reason: str) -> None:
    """Disconnect every socket of a user, on every process (the message queue carries it)."""
    disconnect_sids(rt().presence.store.user_sids(user_id), "session.ended", {"reason": reason})


def room_sids_of_user(code: str, user_id: int) -> list[str]:
    """The user's sockets in the room, on every process."""
    return [r["sid"] for r in rt().presence.room_records(code) if int(r["user_id"]) == user_id]


def tell_removed(code: str, sids: list[str], reason: str) -> None:
    for sid in sids:
        socketio.emit("room.kicked", {"reason": reason, "code": code}, to=sid)
