"""The room clock's member reports: player.ready, player.ad, joins and leaves.

Handlers here take (playback, command, context, now_ms) and return a candidate Playback plus
effects, exactly like those in `room_clock`; `room_clock.apply` stamps version and actor.
"""

from __future__ import annotations

from dataclasses import replace

from server.domain.room_clock.commands import (
    Ad,
    Effect,
    MemberJoined,
    MemberLeft,
    Ready,
    System,
)
from server.domain.room_clock.holds import (
    ad_hold,
    ad_holders,
    ad_holds,
    after_start_change,
    end_hold,
    start_waiting_for,
)
from server.domain.room_clock.model import Playback, Refused, RoomContext

Outcome = tuple[Playback, list[Effect]]


def unchanged(pb: Playback) -> Outcome:
    return pb, []


def require_member(actor: int | None) -> int:
    if actor is None:
        raise Refused("invalid", "This report needs the member it is about")
    return actor


def with_user(ids: tuple[int, ...], user_id: int) -> tuple[int, ...]:
    return tuple(sorted(set(ids) | {user_id}))


def without_user(ids: tuple[int, ...], user_id: int) -> tuple[int, ...]:
    return tuple(user for user in ids if user != user_id)


def is_current(pb: Playback, entry_id: int | None) -> bool:
    return pb.entry_id is not None and entry_id == pb.entry_id


def on_ready(pb: Playback, cmd: Ready, ctx: RoomContext, now_ms: int) -> Outcome:
    user = require_member(cmd.actor)
    if pb.state != "starting" or not is_current(pb, cmd.entry_id):
        return unchanged(pb)
    ready = with_user(pb.ready, user) if cmd.ready else without_user(pb.ready, user)
    updated = replace(pb, ready=ready)
    return after_start_change(updated, ctx, now_ms, start_waiting_for(updated, ctx)), []


def on_ad(pb: Playback, cmd: Ad, ctx: RoomContext, now_ms: int) -> Outcome:
    user = require_member(cmd.actor)
    if cmd.active:
        return ad_started(pb, user, cmd.entry_id, ctx, now_ms)
    return ad_ended(pb, user, ctx, now_ms)


def ad_started(
    pb: Playback, user: int, entry_id: int | None, ctx: RoomContext, now_ms: int
) -> Outcome:
    if not is_current(pb, entry_id):
        return unchanged(pb)
    updated = replace(pb, in_ad=with_user(pb.in_ad, user))
    if not ad_holds(ctx, user, pb.state):
        return updated, []
    if pb.state == "playing":
        holders = ad_holders(updated, ctx, "playing")
        return ad_hold(updated, ctx, now_ms, pb.position_at(now_ms), holders)
    if pb.state == "starting":
        updated = replace(updated, ready=without_user(pb.ready, user))
        deadline = max(pb.deadline_ms or now_ms, now_ms + ctx.ad_hold_timeout_ms)
        waiting = start_waiting_for(updated, ctx)
        return replace(updated, waiting_for=waiting, deadline_ms=deadline), []
    if pb.state == "midroll":
        return replace(updated, waiting_for=with_user(pb.waiting_for, user)), []
    return updated, []


def ad_ended(pb: Playback, user: int, ctx: RoomContext, now_ms: int) -> Outcome:
    updated = replace(pb, in_ad=without_user(pb.in_ad, user))
    if pb.state == "midroll" and user in pb.waiting_for and user not in pb.stalled:
        updated = replace(updated, waiting_for=without_user(pb.waiting_for, user))
        if not updated.waiting_for:
            return end_hold(updated, ctx, now_ms), [System("ad_release", (user,))]
        return updated, []
    if pb.state == "starting":
        waiting = start_waiting_for(updated, ctx)
        return after_start_change(updated, ctx, now_ms, waiting), []
    return updated, []


def on_member_joined(
    pb: Playback, cmd: MemberJoined, ctx: RoomContext, now_ms: int
) -> Outcome:
    user = require_member(cmd.actor)
    if pb.state != "starting":
        return unchanged(pb)
    waiting = start_waiting_for(pb, ctx, joining=user)
    return after_start_change(pb, ctx, now_ms, waiting), []


def on_member_left(
    pb: Playback, cmd: MemberLeft, ctx: RoomContext, now_ms: int
) -> Outcome:
    user = require_member(cmd.actor)
    updated = replace(
        pb,
        ready=without_user(pb.ready, user),
        in_ad=without_user(pb.in_ad, user),
        stalled=without_user(pb.stalled, user),
        waiting_for=without_user(pb.waiting_for, user),
    )
    if pb.state == "starting":
        waiting = start_waiting_for(updated, ctx, leaving=user)
        return after_start_change(updated, ctx, now_ms, waiting), []
    if pb.state == "midroll" and not updated.waiting_for:
        return end_hold(updated, ctx, now_ms), []
    return updated, []
