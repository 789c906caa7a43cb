"""The room clock's building blocks: scheduled starts, pauses, start holds and ad holds.

Each function takes a Playback and returns a candidate Playback (version and actor untouched;
`room_clock.apply` stamps those). Nothing here decides whether a command is allowed.
"""

from __future__ import annotations

import math
from dataclasses import replace

from server.domain.constants import MAX_START_LEAD_MS, START_LEAD_RTT_FACTOR
from server.domain.room_clock.commands import Effect, System
from server.domain.room_clock.model import EntryRef, Playback, RoomContext

HOLDING_ROLES_OPERATORS_ONLY = ("owner", "operator")


def lead_ms(ctx: RoomContext) -> int:
    """How far ahead a scheduled start is: max(buffer, 2 x worst connected member RTT), the RTT
    part capped at MAX_START_LEAD_MS (round trips are the server's own measures, but a slow or
    hostile client can still stretch them: it must not freeze the room)."""
    worst_rtt = max((member.rtt_ms for member in ctx.members), default=0)
    return max(ctx.start_buffer_ms, min(MAX_START_LEAD_MS, START_LEAD_RTT_FACTOR * worst_rtt))


def clamp_position(pb: Playback, position_ms: int) -> int:
    """Keep a target inside [0, duration] (the upper bound only when the duration is known)."""
    position = max(0, int(position_ms))
    if pb.duration_ms is not None:
        position = min(position, pb.duration_ms)
    return position


def ad_holds(ctx: RoomContext, user_id: int, state: str) -> bool:
    """Whether `user_id`'s ad holds the room in `state` under the room's ad_sync_mode."""
    member = ctx.member(user_id)
    if member is None:
        return False
    mode = ctx.ad_sync_mode
    if mode == "pause_all":
        return True
    if mode == "operators_only":
        return member.role in HOLDING_ROLES_OPERATORS_ONLY
    if mode == "starting_only":
        return state == "starting"
    return False


def ad_holders(pb: Playback, ctx: RoomContext, state: str) -> tuple[int, ...]:
    """The members in an ad whose ad holds the room in `state`, sorted."""
    return tuple(sorted(user for user in pb.in_ad if ad_holds(ctx, user, state)))


def start_waiting_for(
    pb: Playback,
    ctx: RoomContext,
    leaving: int | None = None,
    joining: int | None = None,
) -> tuple[int, ...]:
    """Whom a start waits for: connected members not ready, or ready but held by an ad."""
    holding = set(ad_holders(pb, ctx, "starting"))
    counted_ready = set(pb.ready) - holding
    connected = set(ctx.member_ids())
    if joining is not None:
        connected.add(joining)
    if leaving is not None:
        connected.discard(leaving)
    return tuple(sorted(connected - counted_ready))


def without_hold(pb: Playback) -> Playback:
    return replace(pb, hold=None, then=None, waiting_for=(), deadline_ms=None, ready=())


def scheduled_start(
    pb: Playback, ctx: RoomContext, now_ms: int, position_ms: int
) -> Playback:
    """Play from `position_ms`; every client holds there until `anchor_ms` = now + lead."""
    return replace(
        without_hold(pb),
        state="playing",
        position_ms=clamp_position(pb, position_ms),
        anchor_ms=now_ms + lead_ms(ctx),
    )


def paused_at(pb: Playback, now_ms: int, position_ms: int) -> Playback:
    return replace(
        without_hold(pb),
        state="paused",
        position_ms=clamp_position(pb, position_ms),
        anchor_ms=now_ms,
    )


def idle(pb: Playback, now_ms: int) -> Playback:
    """No current entry (the queue finished or was skipped past its end)."""
    return replace(
        without_hold(pb),
        state="idle",
        entry_id=None,
        video_id=None,
        duration_ms=None,
        stalled=(),
        unwaited=(),
        segments=(),
        position_ms=0,
        anchor_ms=now_ms,
    )


def end_hold(pb: Playback, ctx: RoomContext, now_ms: int) -> Playback:
    """A start, ad or buffer hold is over: go where `then` says, from the held position."""
    if pb.then == "paused":
        return paused_at(pb, now_ms, pb.position_ms)
    return scheduled_start(pb, ctx, now_ms, pb.position_ms)


def start_entry(
    pb: Playback, ctx: RoomContext, now_ms: int, entry: EntryRef
) -> Playback:
    """Load `entry` everywhere and wait for every connected member's ready (or the timeout)."""
    loading = replace(
        pb,
        state="starting",
        entry_id=entry.id,
        video_id=entry.video_id,
        duration_ms=entry.duration_ms,
        position_ms=0,
        stalled=(),
        unwaited=(),
        segments=(),
        anchor_ms=now_ms,
        hold="start",
        then="playing",
        ready=(),
        deadline_ms=now_ms + ctx.start_timeout_ms,
    )
    loading = replace(loading, position_ms=clamp_position(loading, entry.start_ms))
    waiting = ctx.member_ids()
    if not waiting:
        return scheduled_start(loading, ctx, now_ms, loading.position_ms)
    return replace(loading, waiting_for=waiting)


def after_start_change(
    pb: Playback, ctx: RoomContext, now_ms: int, waiting_for: tuple[int, ...]
) -> Playback:
    """A starting room with a new waiting list: start when nobody is left to wait for."""
    if not waiting_for:
        return end_hold(pb, ctx, now_ms)
    return replace(pb, waiting_for=waiting_for)


def ad_hold(
    pb: Playback,
    ctx: RoomContext,
    now_ms: int,
    position_ms: int,
    holders: tuple[int, ...],
) -> tuple[Playback, list[Effect]]:
    """Hold the room in `midroll` at `position_ms` until the ads of `holders` are over."""
    held = replace(
        without_hold(pb),
        state="midroll",
        position_ms=clamp_position(pb, position_ms),
        anchor_ms=now_ms,
        hold="ad",
        then="playing",
        waiting_for=tuple(sorted(holders)),
        deadline_ms=now_ms + ctx.ad_hold_timeout_ms,
    )
    return held, [System("ad_hold", held.waiting_for)]


def resume(
    pb: Playback, ctx: RoomContext, now_ms: int, position_ms: int
) -> tuple[Playback, list[Effect]]:
    """Play from `position_ms`, or hold in `midroll` while a holding ad is still running."""
    holders = ad_holders(pb, ctx, "playing")
    if holders:
        return ad_hold(pb, ctx, now_ms, position_ms, holders)
    return scheduled_start(pb, ctx, now_ms, position_ms), []


def end_due_ms(pb: Playback, end_grace_ms: int) -> int | None:
    """The server-clock instant a playing entry's known end plus grace is reached."""
    if pb.state != "playing" or pb.duration_ms is None:
        return None
    remaining = max(0, pb.duration_ms - pb.position_ms)
    return pb.anchor_ms + math.ceil(remaining / pb.rate) + end_grace_ms
