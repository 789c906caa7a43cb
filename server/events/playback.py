"""Playback commands and player reports: thin handlers over the room clock."""
from __future__ import annotations

from collections.abc import Callable

from server.domain import room_clock as clock
from server.domain.constants import MAX_RATE, MIN_RATE
from server.domain.permissions import is_operator_or_owner, may_control
from server.errors import ApiError, forbidden
from server.events.base import on_event
from server.events.rooms import current_room, recheck_membership
from server.services.clock_runner import run_command
from server.services.presence import Conn
from server.services.rooms import role_of
from server.services.status_reports import record_status
from server.validation import Bool, Int, Num, Str

POSITION = Int(0, 48 * 3600 * 1000)
ENTRY_ID = Int(1, 2**53)


def _control_check(conn: Conn, *, start_now: bool = False) -> Callable:
    def check(room, _pb) -> None:
        role = role_of(room, conn.user_id)
        if role is None:
            raise forbidden("You are not a member of this room")
        verdict = may_control(role, room.control_mode)
        if not verdict and not (start_now and is_operator_or_owner(role)):
            raise forbidden(verdict.reason)
    return check


def _member_check(conn: Conn, *, player_only: bool = True) -> Callable:
    def check(room, _pb) -> None:
        if role_of(room, conn.user_id) is None:
            raise forbidden("You are not a member of this room")
        if player_only and conn.device != "extension":
            raise forbidden("Only a player (the extension) reports player events")
    return check


def _control(conn: Conn, command: object, *, start_now: bool = False) -> dict:
    code = current_room(conn).code
    out = run_command(code, lambda _r, _p: command, actor_id=conn.user_id,
                      check=_control_check(conn, start_now=start_now))
    return {"playback": out.playback.to_wire()}


def _report(conn: Conn, command: object) -> dict:
    code = current_room(conn).code
    run_command(code, lambda _r, _p: command, actor_id=conn.user_id, check=_member_check(conn))
    return {}


@on_event("play", {})
def play(conn: Conn, data: dict) -> dict:
    return _control(conn, clock.Play(actor=conn.user_id))


@on_event("pause", {"position_ms": Int(0, 48 * 3600 * 1000, required=False, nullable=True)})
def pause(conn: Conn, data: dict) -> dict:
    return _control(conn, clock.Pause(actor=conn.user_id, position_ms=data.get("position_ms")))


@on_event("seek", {"position_ms": POSITION, "play": Bool(required=False, nullable=True)})
def seek(conn: Conn, data: dict) -> dict:
    return _control(conn, clock.Seek(actor=conn.user_id, position_ms=data["position_ms"], play=data.get("play")))


@on_event("skip", {})
def skip(conn: Conn, data: dict) -> dict:
    return _control(conn, clock.Skip(actor=conn.user_id))


@on_event("restart", {})
def restart(conn: Conn, data: dict) -> dict:
    return _control(conn, clock.Restart(actor=conn.user_id))


@on_event("rate", {"rate": Num(MIN_RATE, MAX_RATE)})
def rate(conn: Conn, data: dict) -> dict:
    return _control(conn, clock.SetRate(actor=conn.user_id, rate=data["rate"]))


@on_event("start_now", {})
def start_now(conn: Conn, data: dict) -> dict:
    return _control(conn, clock.StartNow(actor=conn.user_id), start_now=True)


@on_event("player.ready", {"entry_id": ENTRY_ID, "ready": Bool(), "reason": Str(64, required=False, nullable=True)})
def player_ready(conn: Conn, data: dict) -> dict:
    return _report(conn, clock.Ready(actor=conn.user_id, entry_id=data["entry_id"], ready=data["ready"]))


@on_event("player.ad", {"entry_id": Int(0, 2**53, nullable=True), "active": Bool()})
def player_ad(conn: Conn, data: dict) -> dict:
    return _report(conn, clock.Ad(actor=conn.user_id, entry_id=data.get("entry_id") or 0, active=data["active"]))


@on_event("player.ended", {"entry_id": ENTRY_ID})
def player_ended(conn: Conn, data: dict) -> dict:
    code = current_room(conn).code

    def ended(room, _pb) -> object:
        # someone who may control the room could skip anyway: their end is believed even when the
        # duration is unknown; anyone else's only when the room clock agrees
        trusted = bool(may_control(role_of(room, conn.user_id) or "", room.control_mode))
        return clock.Ended(actor=conn.user_id, entry_id=data["entry_id"], trusted=trusted)

    run_command(code, ended, actor_id=conn.user_id, check=_member_check(conn))
    return {}


@on_event("player.duration", {"entry_id": ENTRY_ID, "duration_ms": Int(1, 48 * 3600 * 1000)})
def player_duration(conn: Conn, data: dict) -> dict:
    from server.services.queue_service import set_duration
    room = current_room(conn)
    role = role_of(room, conn.user_id)
    if role is None:
        raise forbidden("You are not a member of this room")
    verdict = set_duration(room, data["entry_id"], data["duration_ms"], conn.user_id,
                           operator=is_operator_or_owner(role), is_player=conn.device == "extension")
    return {"accepted": verdict.accept, "reason": verdict.reason}


@on_event("player.status", {"entry_id": Int(0, 2**53, required=False, nullable=True),
                            "position_ms": Int(0, 48 * 3600 * 1000, required=False, nullable=True),
                            "offset_ms": Int(-(2**40), 2**40, required=False),
                            "rtt_ms": Int(0, 120_000, required=False),
                            "buffering": Bool(required=False), "in_ad": Bool(required=False)})
def player_status(conn: Conn, data: dict) -> dict:
    if not conn.room_code:
        raise ApiError("conflict", "Join a room first")
    recheck_membership(conn)
    record_status(conn, data)
    return {}

