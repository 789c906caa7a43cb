"""The room clock under buffer_policy "wait": a member's reported stall holds the room.

Like an ad hold (same `midroll` state, same timeout, "Start now" ends it), with hold "buffer".
A stall report is a claim: it holds only a room whose clock runs (or already holds), only for
a connected member, only on the current entry, and a member the room stopped waiting for on this
entry (`unwaited`: the hold timed out, or an operator started without them) holds it no more
until the next entry. How often a member may report is the socket layer's rate limit.
"""

from __future__ import annotations

from dataclasses import replace

from server.domain.room_clock.commands import Effect, Stall, System
from server.domain.room_clock.holds import ad_holds, clamp_position, end_hold, without_hold
from server.domain.room_clock.members import is_current, require_member, unchanged, with_user, without_user
from server.domain.room_clock.model import Playback, RoomContext

Outcome = tuple[Playback, list[Effect]]


def buffer_hold(pb: Playback, ctx: RoomContext, now_ms: int, holders: tuple[int, ...]) -> Outcome:
    """Hold the room in `midroll` where its clock stands until the stalls of `holders` are over."""
    held = replace(
        without_hold(pb),
        state="midroll",
        position_ms=clamp_position(pb, pb.position_at(now_ms)),
        anchor_ms=now_ms,
        hold="buffer",
        then="playing",
        waiting_for=tuple(sorted(holders)),
        deadline_ms=now_ms + ctx.ad_hold_timeout_ms,
    )
    return held, [System("buffer_hold", held.waiting_for)]


def on_stall(pb: Playback, cmd: Stall, ctx: RoomContext, now_ms: int) -> Outcome:
    user = require_member(cmd.actor)
    if not cmd.active:
        return stall_ended(pb, user, ctx, now_ms)
    counts = (
        ctx.buffer_policy == "wait"
        and is_current(pb, cmd.entry_id)
        and ctx.member(user) is not None
        and user not in pb.unwaited
    )
    if not counts:
        return unchanged(pb)
    updated = replace(pb, stalled=with_user(pb.stalled, user))
    if pb.state == "playing":
        return buffer_hold(updated, ctx, now_ms, (user,))
    if pb.state == "midroll":
        return replace(updated, waiting_for=with_user(pb.waiting_for, user)), []
    return unchanged(pb)  # a paused, starting or idle room does not run: nothing to hold


def stall_ended(pb: Playback, user: int, ctx: RoomContext, now_ms: int) -> Outcome:
    updated = replace(pb, stalled=without_user(pb.stalled, user))
    still_in_ad = user in pb.in_ad and ad_holds(ctx, user, "playing")
    if pb.state == "midroll" and user in pb.waiting_for and not still_in_ad:
        updated = replace(updated, waiting_for=without_user(pb.waiting_for, user))
        if not updated.waiting_for:
            release = "buffer_release" if pb.hold == "buffer" else "ad_release"
            return end_hold(updated, ctx, now_ms), [System(release, (user,))]
    return updated, []


def stop_waiting(pb: Playback, waited: tuple[int, ...], *, forget_ads: bool = True) -> Playback:
    """The room no longer waits for `waited` (hold timeout, "Start now"): their stalls are
    forgotten and hold it no more on this entry; their ads too after a timeout (`forget_ads`;
    after "Start now" an ad still running is remembered, so a later resume waits for it)."""
    return replace(
        pb,
        in_ad=tuple(user for user in pb.in_ad if not (forget_ads and user in waited)),
        stalled=tuple(user for user in pb.stalled if user not in waited),
        unwaited=tuple(sorted(set(pb.unwaited) | (set(waited) & set(pb.stalled)))),
    )
