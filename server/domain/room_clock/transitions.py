"""The room clock's transitions: one pure function from (playback, command, context, now) to the next playback.

`apply` returns the same Playback object and no effects when nothing changes; otherwise a new
Playback with `version + 1` and `actor_id` set to whoever caused it (None for the server).
Impossible commands raise `Refused(code, message)`. Handlers load, apply, persist and emit;
nothing here reads a clock, a database or a socket.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from server.domain.constants import (
    END_GRACE_MS,
    MAX_RATE,
    MIN_RATE,
    PAUSE_TRUST_MS,
    VOTE_RECOUNT_MS,
)
from server.domain.room_clock.buffering import on_stall, stop_waiting
from server.domain.room_clock.commands import (
    Ad,
    Advanced,
    Command,
    Duration,
    Effect,
    Ended,
    HoldChanged,
    LoadSegments,
    MemberJoined,
    MemberLeft,
    Pause,
    Play,
    PlayEntry,
    Ready,
    Restart,
    Seek,
    SetRate,
    Skip,
    Stall,
    StartNow,
    System,
    Tick,
    VoteClear,
    VoteRecount,
    VoteSkip,
)
from server.domain.room_clock.holds import (
    clamp_position,
    end_due_ms,
    end_hold,
    idle,
    paused_at,
    resume,
    scheduled_start,
    start_entry,
)
from server.domain.room_clock.members import (
    is_current,
    on_ad,
    on_member_joined,
    on_member_left,
    on_ready,
    unchanged,
)
from server.domain.room_clock.model import (
    Playback,
    Refused,
    RoomContext,
)
from server.domain.room_clock.skips import on_load_segments, segment_due_ms, skip_due
from server.domain.room_clock.votes import tally

Outcome = tuple[Playback, list[Effect]]
Handler = Callable[[Playback, Any, RoomContext, int], Outcome]

NOTHING_PLAYING = "Nothing is playing"

# Each command's transition, registered next to its function with @transition(CommandClass).
_TRANSITIONS: dict[type[Command], Handler] = {}


def transition(command_type: type[Command]) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        if command_type in _TRANSITIONS:
            raise ValueError(f"two transitions for {command_type.__name__}")
        _TRANSITIONS[command_type] = fn
        return fn
    return register


def handled_commands() -> frozenset[type[Command]]:
    """Every command `apply` knows (for tests: each Command subclass must be one)."""
    return frozenset(_TRANSITIONS)


# --- user controls ------------------------------------------------------------------


@transition(Play)
def _play(pb: Playback, cmd: Play, ctx: RoomContext, now_ms: int) -> Outcome:
    if pb.state == "idle":
        if ctx.next_entry is None:
            raise Refused("conflict", "The queue is empty")
        started = start_entry(pb, ctx, now_ms, ctx.next_entry)
        return started, [Advanced(None, None, ctx.next_entry.id)]
    if pb.state == "paused":
        return resume(pb, ctx, now_ms, pb.position_ms)
    if pb.state in ("starting", "midroll"):
        return replace(pb, then="playing"), []
    return unchanged(pb)


@transition(Pause)
def _pause(pb: Playback, cmd: Pause, ctx: RoomContext, now_ms: int) -> Outcome:
    if pb.state == "playing":
        position = pb.position_at(now_ms)
        seen = cmd.position_ms
        if seen is not None and (isinstance(seen, bool) or not isinstance(seen, int)):
            raise Refused(
                "invalid", "position_ms must be a whole number of milliseconds"
            )
        if seen is not None and abs(seen - position) <= PAUSE_TRUST_MS:
            position = seen
        return paused_at(pb, now_ms, position), []
    if pb.state in ("starting", "midroll"):
        return paused_at(pb, now_ms, pb.position_ms), []
    return unchanged(pb)


@transition(Seek)
def _seek(pb: Playback, cmd: Seek, ctx: RoomContext, now_ms: int) -> Outcome:
    if pb.state == "idle":
        raise Refused("conflict", NOTHING_PLAYING)
    if isinstance(cmd.position_ms, bool) or not isinstance(cmd.position_ms, int):
        raise Refused("invalid", "position_ms must be a whole number of milliseconds")
    target = clamp_position(pb, cmd.position_ms)
    if pb.state == "playing":
        if cmd.play is False:
            return paused_at(pb, now_ms, target), []
        return scheduled_start(pb, ctx, now_ms, target), []
    if pb.state == "paused":
        if cmd.play:
            return resume(pb, ctx, now_ms, target)
        return paused_at(pb, now_ms, target), []
    then = pb.then if cmd.play is None else ("playing" if cmd.play else "paused")
    return replace(pb, position_ms=target, then=then), []


@transition(Restart)
def _restart(pb: Playback, cmd: Restart, ctx: RoomContext, now_ms: int) -> Outcome:
    return _seek(pb, Seek(cmd.actor, 0), ctx, now_ms)


@transition(Skip)
def _skip(pb: Playback, cmd: Command, ctx: RoomContext, now_ms: int) -> Outcome:
    if pb.state == "idle":
        raise Refused("conflict", NOTHING_PLAYING)
    current = pb.entry_id
    if ctx.next_entry is None:
        return idle(pb, now_ms), [Advanced(current, "skipped", None)]
    started = start_entry(pb, ctx, now_ms, ctx.next_entry)
    return started, [Advanced(current, "skipped", ctx.next_entry.id)]


@transition(VoteSkip)
def _vote_skip(pb: Playback, cmd: VoteSkip, ctx: RoomContext, now_ms: int) -> Outcome:
    if pb.state == "idle" or pb.entry_id is None:
        raise Refused("conflict", NOTHING_PLAYING)
    if cmd.actor is None:
        raise Refused("invalid", "A vote needs the member who votes")
    if cmd.entry_id is not None and cmd.entry_id != pb.entry_id:
        raise Refused("conflict", "That video is no longer playing")
    if cmd.actor in pb.skip_votes:
        return unchanged(pb)  # one vote per member and entry
    votes = tuple(sorted({*pb.skip_votes, cmd.actor}))
    if tally(votes, ctx.members, ctx.vote_skip_ratio, now_ms).passed:
        return _skip(pb, cmd, ctx, now_ms)
    return replace(pb, skip_votes=votes), []


@transition(VoteRecount)
def _vote_recount(pb: Playback, cmd: VoteRecount, ctx: RoomContext, now_ms: int) -> Outcome:
    if pb.state == "idle" or not pb.skip_votes:
        return unchanged(pb)
    if tally(pb.skip_votes, ctx.members, ctx.vote_skip_ratio, now_ms).passed:
        return _skip(pb, cmd, ctx, now_ms)
    return unchanged(pb)


@transition(VoteClear)
def _vote_clear(pb: Playback, cmd: VoteClear, ctx: RoomContext, now_ms: int) -> Outcome:
    if not pb.skip_votes:
        return unchanged(pb)
    return replace(pb, skip_votes=()), []


@transition(PlayEntry)
def _play_entry(pb: Playback, cmd: PlayEntry, ctx: RoomContext, now_ms: int) -> Outcome:
    if pb.state != "idle" and cmd.entry.id == pb.entry_id:
        raise Refused("conflict", "That entry is already playing")
    current = pb.entry_id
    status = "skipped" if current is not None else None
    advanced = Advanced(current, status, cmd.entry.id)
    return start_entry(pb, ctx, now_ms, cmd.entry), [advanced]


@transition(SetRate)
def _set_rate(pb: Playback, cmd: SetRate, ctx: RoomContext, now_ms: int) -> Outcome:
    rate = cmd.rate
    valid = (
        isinstance(rate, (int, float))
        and not isinstance(rate, bool)
        and math.isfinite(rate)
    )
    if not valid or not MIN_RATE <= rate <= MAX_RATE:
        raise Refused("invalid", f"rate must be between {MIN_RATE:g} and {MAX_RATE:g}")
    if float(rate) == pb.rate:
        return unchanged(pb)
    # rebase a running clock; a pending scheduled start keeps its anchor
    if pb.state == "playing" and pb.anchor_ms <= now_ms:
        pb = replace(pb, position_ms=pb.position_at(now_ms), anchor_ms=now_ms)
    return replace(pb, rate=float(rate)), []


@transition(StartNow)
def _start_now(pb: Playback, cmd: StartNow, ctx: RoomContext, now_ms: int) -> Outcome:
    if pb.state not in ("starting", "midroll"):
        raise Refused("conflict", "Nothing is waiting")
    skipped = System("start_now", pb.waiting_for, {"by": cmd.actor, "hold": pb.hold})
    return end_hold(stop_waiting(pb, pb.waiting_for, forget_ads=False), ctx, now_ms), [skipped]


# --- the end of an entry ------------------------------------------------------------


def _finish_entry(pb: Playback, ctx: RoomContext, now_ms: int) -> Outcome:
    """The current entry is over: advance exactly once, replay it (repeat), pause at its end,
    or go idle.

    repeat "one" plays it again from its start (autoadvance or not: nothing advances); repeat
    "all" advances and puts the played entry back at the end of the queue — or, when it is the
    only one, plays it again. A skipped entry is never repeated (only an end gets here).
    """
    current = pb.entry_id
    alone = ctx.next_entry is None
    if ctx.repeat == "one" or (ctx.repeat == "all" and ctx.autoadvance and alone):
        return _replay(pb, ctx, now_ms)
    if not ctx.autoadvance:
        end = pb.duration_ms if pb.duration_ms is not None else pb.position_at(now_ms)
        note = System("autoadvance_off", (), {"entry_id": current})
        return paused_at(pb, now_ms, end), [note]
    if ctx.next_entry is not None:
        started = start_entry(pb, ctx, now_ms, ctx.next_entry)
        return started, [Advanced(current, "played", ctx.next_entry.id, requeue=ctx.repeat == "all")]
    finished = System("queue_finished", (), {"entry_id": current})
    return idle(pb, now_ms), [Advanced(current, "played", None), finished]


def _replay(pb: Playback, ctx: RoomContext, now_ms: int) -> Outcome:
    """The same entry again from its start, at one scheduled instant for everyone."""
    current = ctx.current_entry
    start_ms = current.start_ms if current is not None and current.id == pb.entry_id else 0
    fresh = replace(pb, stalled=(), unwaited=())
    return scheduled_start(fresh, ctx, now_ms, start_ms), [System("repeat_one", (), {"entry_id": pb.entry_id})]


@transition(Ended)
def _ended(pb: Playback, cmd: Ended, ctx: RoomContext, now_ms: int) -> Outcome:
    if pb.state != "playing" or not is_current(pb, cmd.entry_id):
        # another end already advanced the room, or a stale report
        return unchanged(pb)
    if pb.duration_ms is None:
        # no known end to check against: only someone who could skip anyway ends the entry
        return _finish_entry(pb, ctx, now_ms) if cmd.trusted else unchanged(pb)
    if pb.position_at(now_ms) < pb.duration_ms - ctx.end_grace_ms:
        return unchanged(pb)  # the room clock says the entry is not at its end
    return _finish_entry(pb, ctx, now_ms)


@transition(Duration)
def _duration(pb: Playback, cmd: Duration, ctx: RoomContext, now_ms: int) -> Outcome:
    duration = cmd.duration_ms
    if isinstance(duration, bool) or not isinstance(duration, int) or duration <= 0:
        raise Refused("invalid", "duration_ms must be a positive whole number")
    if not is_current(pb, cmd.entry_id):
        return unchanged(pb)
    return replace(pb, duration_ms=duration), []


# --- the server's own clock ---------------------------------------------------------


@transition(Tick)
def _tick(pb: Playback, cmd: Tick, ctx: RoomContext, now_ms: int) -> Outcome:
    if pb.state in ("starting", "midroll"):
        if pb.deadline_ms is None or now_ms < pb.deadline_ms:
            return unchanged(pb)
        kind = {"start": "start_timeout", "buffer": "buffer_timeout"}.get(pb.hold or "", "ad_timeout")
        if pb.state == "starting":
            return end_hold(pb, ctx, now_ms), [System(kind, pb.waiting_for)]
        # The room stopped waiting for these ads and stalls: they no longer hold it (a new ad
        # report would; a new stall of the same member on this entry would not).
        return end_hold(stop_waiting(pb, pb.waiting_for), ctx, now_ms), [System(kind, pb.waiting_for)]
    skip = skip_due(pb, ctx, now_ms)
    if skip is not None:
        return skip
    due = end_due_ms(pb, ctx.end_grace_ms)
    if due is not None and now_ms >= due:
        return _finish_entry(pb, ctx, now_ms)
    return unchanged(pb)


transition(Ready)(on_ready)
transition(Ad)(on_ad)
transition(MemberJoined)(on_member_joined)
transition(MemberLeft)(on_member_left)
transition(Stall)(on_stall)
transition(LoadSegments)(on_load_segments)


def apply(
    pb: Playback, cmd: Command, ctx: RoomContext, now_ms: int
) -> tuple[Playback, list[Effect]]:
    """Apply one command to one room's playback at server time `now_ms`."""
    handler = _TRANSITIONS.get(type(cmd))
    if handler is None:
        raise Refused("invalid", f"Unknown command {type(cmd).__name__}")
    candidate, effects = handler(pb, cmd, ctx, now_ms)
    if candidate.entry_id != pb.entry_id and candidate.skip_votes:
        candidate = replace(candidate, skip_votes=())  # votes are for one entry only
    if candidate == pb and not effects:
        return pb, []
    actor = None if cmd.SERVER_CAUSED else cmd.actor
    changed = replace(candidate, version=pb.version + 1, actor_id=actor)
    if (changed.hold, changed.waiting_for) != (pb.hold, pb.waiting_for):
        effects.append(HoldChanged(changed.hold, changed.waiting_for))
    return changed, effects


def next_due_ms(pb: Playback, end_grace_ms: int = END_GRACE_MS, now_ms: int | None = None) -> int | None:
    """When the server must look at this room again without being asked (None: never).

    During a hold: its deadline. While playing: the instant the next segment to skip is
    reached, or the known duration's end plus `end_grace_ms`, whichever comes first. A `Tick`
    at or after this instant acts. While a vote to skip is open (and `now_ms` is given): no
    later than VOTE_RECOUNT_MS from now, to count it again.
    """
    recount = now_ms + VOTE_RECOUNT_MS if pb.skip_votes and pb.state != "idle" and now_ms is not None else None
    if pb.state in ("starting", "midroll"):
        due = [t for t in (pb.deadline_ms, recount) if t is not None]
    else:
        due = [t for t in (segment_due_ms(pb), end_due_ms(pb, end_grace_ms), recount) if t is not None]
    return min(due) if due else None


def describe_transition(before: Playback, after: Playback, cmd: Command) -> str:
    """The log line for one applied command; the handler prefixes `room=<code>`."""
    actor = f"u{cmd.actor}" if cmd.actor is not None else "server"
    event = getattr(cmd, "EVENT", type(cmd).__name__)
    return f"event={event} from={before.state} to={after.state} v={after.version} by={actor}"
