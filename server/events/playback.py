"""Playback commands and player reports: thin handlers over the room clock.

Each command is declared in server/domain/room_clock/commands.py; here only its payload schema."""
from __future__ import annotations

from collections.abc import Callable

from server.domain.constants import MAX_RATE, MIN_RATE
from server.domain.permissions import is_operator_or_owner, may_control
from server.domain.room_clock import commands as cmd
from server.errors import forbidden
from server.events.base import on_event
from server.events.rooms import current_room, require_role
from server.services.clock_runner import run_command
from server.services.presence import Conn
from server.services.presence.membership import verified_member
from server.services.presence.status_reports import record_status
from server.services.queue_service import set_duration
from server.services.request_limits import current_limits
from server.validation import Bool, Int, Num, Schema, Str

POSITION = Int(0, 48 * 3600 * 1000)
ENTRY_ID = Int(1, 2**53)


def _control_check(conn: Conn, *, start_now: bool = False) -> Callable:
    """The sender's role (kept on its connection, see presence/membership.py) against the room's
    control mode as the room clock loads it."""
    def check(room, _pb) -> None:
        role = require_role(conn, room)
        verdict = may_control(role, room.control_mode)
        if not verdict and not (start_now and is_operator_or_owner(role)):
            raise forbidden(verdict.reason)
    return check


def _member_check(conn: Conn, *, player_only: bool = True) -> Callable:
    def check(room, _pb) -> None:
        require_role(conn, room)
        if player_only and conn.device != "extension":
            raise forbidden("Only a player (the extension) reports player events")
    return check


def count_command(conn: Conn) -> None:
    """A room command from a member counts against ROOM_COMMAND_LIMIT before any work (even one
    the room would refuse: a refused command costs a locked read of the room too)."""
    current_limits().check("room.command", conn.user_id, message="Too many playback commands; wait a moment")


def _control(conn: Conn, command: cmd.Command, *, start_now: bool = False) -> dict:
    code = verified_member(conn).code
    count_command(conn)
    out = run_command(code, lambda _r, _p: command, actor_id=conn.user_id, actor_name=conn.name,
                      check=_control_check(conn, start_now=start_now))
    return {"playback": out.playback.to_wire()}


def _report(conn: Conn, command: cmd.Command) -> dict:
    code = verified_member(conn).code
    if not command.withdraws:  # (an ad's or a stall's end is never refused)
        count_command(conn)
    run_command(code, lambda _r, _p: command, actor_id=conn.user_id, actor_name=conn.name,
                check=_member_check(conn))
    return {}


def control_event(command_type: type[cmd.Command], schema: Schema, *, start_now: bool = False) -> Callable:
    """A playback control: the event is the command's own EVENT and the validated payload its
    fields; the sender must have control of the room (`start_now`: operators always may)."""
    def handle(conn: Conn, data: dict) -> dict:
        return _control(conn, command_type(actor=conn.user_id, **data), start_now=start_now)
    handle.__name__ = command_type.EVENT.replace(".", "_")
    return on_event(command_type.EVENT, schema)(handle)


def report_event(command_type: type[cmd.Command], schema: Schema, *,
                 build: Callable[[Conn, dict], cmd.Command] | None = None) -> Callable:
    """A player's report: from a member's player (the extension) only."""
    def handle(conn: Conn, data: dict) -> dict:
        return _report(conn, build(conn, data) if build else command_type(actor=conn.user_id, **data))
    handle.__name__ = command_type.EVENT.replace(".", "_")
    return on_event(command_type.EVENT, schema)(handle)


play = control_event(cmd.Play, {})
pause = control_event(cmd.Pause, {"position_ms": Int(0, 48 * 3600 * 1000, required=False, nullable=True)})
seek = control_event(cmd.Seek, {"position_ms": POSITION, "play": Bool(required=False, nullable=True)})
skip = control_event(cmd.Skip, {})
restart = control_event(cmd.Restart, {})
rate = control_event(cmd.SetRate, {"rate": Num(MIN_RATE, MAX_RATE)})
start_now = control_event(cmd.StartNow, {}, start_now=True)
player_ready = report_event(
    cmd.Ready, {"entry_id": ENTRY_ID, "ready": Bool(), "reason": Str(64, required=False, nullable=True)},
    build=lambda conn, data: cmd.Ready(actor=conn.user_id, entry_id=data["entry_id"], ready=data["ready"]))
player_ad = report_event(
    cmd.Ad, {"entry_id": Int(0, 2**53, nullable=True), "active": Bool()},
    build=lambda conn, data: cmd.Ad(actor=conn.user_id, entry_id=data.get("entry_id") or 0, active=data["active"]))


@on_event(cmd.Ended.EVENT, {"entry_id": ENTRY_ID})
def player_ended(conn: Conn, data: dict) -> dict:
    code = verified_member(conn).code
    count_command(conn)

    def ended(room, _pb) -> cmd.Command:
        # someone who may control the room could skip anyway: their end is believed even when the
        # duration is unknown; anyone else's only when the room clock agrees
        trusted = bool(may_control(require_role(conn, room), room.control_mode))
        return cmd.Ended(actor=conn.user_id, entry_id=data["entry_id"], trusted=trusted)

    run_command(code, ended, actor_id=conn.user_id, actor_name=conn.name, check=_member_check(conn))
    return {}



def _stall(conn: Conn, data: dict) -> cmd.Command:
    """A stall that would hold the room is a claim: a member may make few (withdrawals are free)."""
    stall = cmd.Stall(actor=conn.user_id, entry_id=data["entry_id"], active=data["active"])
    if not stall.withdraws:
        current_limits().check(cmd.Stall.EVENT, conn.user_id, message="Too many stall reports: the room plays on")
    return stall


player_buffering = report_event(cmd.Stall, {"entry_id": ENTRY_ID, "active": Bool()}, build=_stall)


@on_event(cmd.Duration.EVENT, {"entry_id": ENTRY_ID, "duration_ms": Int(1, 48 * 3600 * 1000)})
def player_duration(conn: Conn, data: dict) -> dict:
    room = current_room(conn)
    count_command(conn)
    role = require_role(conn, room)
    if conn.device != "extension":  # a phone remote has no player to measure (issue 14 matrix)
        raise forbidden("Only a player (the extension) reports player events")
    verdict = set_duration(room, data["entry_id"], data["duration_ms"], conn.user_id,
                           operator=is_operator_or_owner(role), is_player=True)
    return {"accepted": verdict.accept, "reason": verdict.reason}


@on_event("player.status", {"entry_id": Int(0, 2**53, required=False, nullable=True),
                            "position_ms": Int(0, 48 * 3600 * 1000, required=False, nullable=True),
                            "offset_ms": Int(-(2**40), 2**40, required=False),
                            "rtt_ms": Int(0, 120_000, required=False),
                            "buffering": Bool(required=False), "in_ad": Bool(required=False),
                            "skipping": Bool(required=False)}, inline=True)
def player_status(conn: Conn, data: dict) -> dict:
    verified_member(conn)  # in memory: the database only when a membership change made it unknown
    record_status(conn, data)
    return {}

