"""Vote-skip: the votes are the room clock's (`Playback.skip_votes`, see domain/room_clock/votes.py);
here the vote and veto requests run through `run_command`, and `vote.state {entry_id, votes,
needed, watching, voters}` tells the room the count after every change — a new entry included.

Why the room clock holds the votes: a vote that reaches the threshold must skip exactly the
entry it was cast on, once, even when two processes take the last two votes at the same
instant. The clock's compare-and-set on the room's version already gives that (the loser
reloads and sees the next entry, or its vote is the deciding one), and the votes persist with
the room in the database every process reads; a separate record would need its own lock.
"""
from __future__ import annotations

import logging

from server.domain.permissions import is_operator_or_owner, may_control
from server.domain.room_clock import Advanced, MemberView, Playback, VoteClear, VoteRecount, VoteSkip
from server.domain.room_clock.votes import tally
from server.errors import ApiError, forbidden
from server.extensions import socketio
from server.models import Room
from server.services.clock_runner import ENTRY_CHANGED_HOOKS, run_command
from server.services.presence.roster import connected_views
from server.services.rooms import role_of
from server.services.runtime import rt
from server.timeutil import now_ms

log = logging.getLogger("sharetube.votes")


def vote_state(room: Room, pb: Playback, players: list[MemberView] | None = None) -> dict:
    """The current entry's votes, and how many a skip needs now (`players`: the room's members
    with a player, when the caller has them already; else read from presence)."""
    members = players if players is not None else connected_views(room)
    count = tally(pb.skip_votes, members, float(room.vote_skip_ratio), now_ms())
    return count.to_wire(pb.entry_id, pb.skip_votes)


def emit_vote_state(room: Room, pb: Playback) -> dict:
    state = vote_state(room, pb)
    socketio.emit("vote.state", state, to=room.code)
    _remember(room.code, state)
    return state


def _last_sent() -> dict[str, dict]:
    """The vote.state this process last sent per room (so a recount that changes nothing is silent)."""
    return rt().limiters.setdefault("vote_state_sent", {})


def _remember(code: str, state: dict) -> None:
    if state["voters"]:
        _last_sent()[code] = state
    else:
        _last_sent().pop(code, None)  # no open vote: nothing to keep


def vote_skip(code: str, user_id: int, entry_id: int | None) -> dict:
    """Count one member's vote; the room skips when enough members voted."""
    def check(room: Room, _pb: Playback) -> None:
        role = role_of(room, user_id)
        if role is None:
            raise forbidden("You are not a member of this room")
        if may_control(role, room.control_mode):
            raise ApiError("conflict", "You control playback here: skip the video instead of voting")

    out = run_command(code, lambda _r, _p: VoteSkip(actor=user_id, entry_id=entry_id), actor_id=user_id,
                      check=check)
    skipped = any(isinstance(effect, Advanced) for effect in out.effects)
    if skipped:
        log.info("room=%s event=vote_skip_passed v=%s by=u%s", out.room.code, out.playback.version, user_id)
        state = vote_state(out.room, out.playback)  # the new entry's (its push went out on the change)
    elif out.changed:
        state = emit_vote_state(out.room, out.playback)
    else:
        state = vote_state(out.room, out.playback)  # already voted: nothing new to tell the room
    return {"vote": state, "skipped": skipped, "playback": out.playback.to_wire()}


def vote_clear(code: str, user_id: int) -> dict:
    """An owner's or operator's veto: the current entry's votes are gone."""
    def check(room: Room, _pb: Playback) -> None:
        role = role_of(room, user_id)
        if role is None or not is_operator_or_owner(role):
            raise forbidden("Only the owner and operators clear skip votes")

    out = run_command(code, lambda _r, _p: VoteClear(actor=user_id), actor_id=user_id, check=check)
    state = emit_vote_state(out.room, out.playback) if out.changed else vote_state(out.room, out.playback)
    return {"vote": state}


def recount(room: Room, *, tell_unchanged: bool = True) -> bool:
    """Count the open vote again and skip when the votes now suffice; returns whether the room
    skipped. After a ratio change (`tell_unchanged`) the room is always told the count; the
    server's clock recounts every VOTE_RECOUNT_MS while a vote is open (members who went idle or
    left no longer count) and tells the room only when the count differs from what this process
    last sent."""
    out = run_command(room.code, lambda _r, _p: VoteRecount(actor=None), actor_id=None)
    if any(isinstance(effect, Advanced) for effect in out.effects):
        log.info("room=%s event=vote_skip_passed_on_recount v=%s by=server", room.code, out.playback.version)
        return True
    state = vote_state(out.room, out.playback)
    if tell_unchanged or _last_sent().get(room.code) != state:
        socketio.emit("vote.state", state, to=room.code)
        _remember(room.code, state)
    return False


def _on_entry_changed(room: Room, playback: Playback) -> None:
    """A new entry (skip, vote, end, play now) starts with no votes: tell the room."""
    emit_vote_state(room, playback)


if _on_entry_changed not in ENTRY_CHANGED_HOOKS:
    ENTRY_CHANGED_HOOKS.append(_on_entry_changed)
