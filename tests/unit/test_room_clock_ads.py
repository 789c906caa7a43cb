"""The room clock's ad holds (each ad_sync_mode) and members joining or leaving mid-wait."""

from __future__ import annotations

import pytest

from server.domain.constants import AD_HOLD_TIMEOUT_MS
from server.domain.room_clock import (
    Ad,
    EntryRef,
    HoldChanged,
    MemberJoined,
    MemberLeft,
    MemberView,
    Pause,
    Play,
    Playback,
    PlayEntry,
    Ready,
    RoomContext,
    Seek,
    StartNow,
    System,
    Tick,
    apply,
)

NOW = 2_000_000
OWNER, OPERATOR, BOB, CAROL = 1, 2, 3, 4
ENTRY = EntryRef(10, "vid10aaaaaa", 600_000)
MEMBERS = (
    MemberView(OWNER, "owner", 40),
    MemberView(OPERATOR, "operator", 60),
    MemberView(BOB, "participant", 150),
    MemberView(CAROL, "participant", 20),
)


def room(
    mode: str = "pause_all", members: tuple[MemberView, ...] = MEMBERS
) -> RoomContext:
    return RoomContext(members=members, ad_sync_mode=mode, next_entry=ENTRY)


def playing(**fields: object) -> Playback:
    values: dict[str, object] = {
        "state": "playing",
        "entry_id": ENTRY.id,
        "video_id": ENTRY.video_id,
        "duration_ms": ENTRY.duration_ms,
        "position_ms": 100_000,
        "anchor_ms": NOW - 10_000,
        "version": 3,
    }
    values.update(fields)
    return Playback(**values)  # type: ignore[arg-type]


def starting(ctx: RoomContext) -> Playback:
    pb, _ = apply(Playback(), PlayEntry(OWNER, ENTRY), ctx, NOW - 1_000)
    return pb


def midroll(ctx: RoomContext, *users: int) -> Playback:
    pb = playing()
    for user in users:
        pb, _ = apply(pb, Ad(user, ENTRY.id, True), ctx, NOW)
    assert pb.state == "midroll"
    return pb


# --- which ads hold the room ---------------------------------------------------------------


def test_pause_all_holds_the_room_for_anyones_ad() -> None:
    pb, effects = apply(playing(), Ad(BOB, ENTRY.id, True), room(), NOW)
    assert (pb.state, pb.position_ms, pb.hold, pb.then) == (
        "midroll",
        110_000,
        "ad",
        "playing",
    )
    assert (pb.waiting_for, pb.in_ad, pb.deadline_ms) == (
        (BOB,),
        (BOB,),
        NOW + AD_HOLD_TIMEOUT_MS,
    )
    assert effects == [System("ad_hold", (BOB,)), HoldChanged("ad", (BOB,))]


@pytest.mark.parametrize(
    ("user", "holds"), [(OWNER, True), (OPERATOR, True), (BOB, False)]
)
def test_operators_only_holds_for_owner_and_operator_ads(
    user: int, holds: bool
) -> None:
    pb, _ = apply(playing(), Ad(user, ENTRY.id, True), room("operators_only"), NOW)
    assert pb.state == ("midroll" if holds else "playing")
    assert pb.in_ad == (
        user,
    )  # recorded either way: that member's position does not count


@pytest.mark.parametrize("mode", ["off", "starting_only"])
def test_ads_while_playing_never_hold_under_off_and_starting_only(mode: str) -> None:
    pb, effects = apply(playing(), Ad(OWNER, ENTRY.id, True), room(mode), NOW)
    assert (pb.state, pb.in_ad, pb.version, effects) == ("playing", (OWNER,), 4, [])


@pytest.mark.parametrize("mode", ["pause_all", "starting_only"])
def test_an_ad_during_a_start_keeps_that_member_waiting(mode: str) -> None:
    ctx = room(mode)
    pb, _ = apply(starting(ctx), Ready(BOB, ENTRY.id), ctx, NOW)
    assert BOB not in pb.waiting_for
    pb, _ = apply(pb, Ad(BOB, ENTRY.id, True), ctx, NOW)
    assert (pb.state, pb.ready, pb.in_ad) == ("starting", (), (BOB,))
    assert pb.waiting_for == (OWNER, OPERATOR, BOB, CAROL)
    assert pb.deadline_ms == NOW + AD_HOLD_TIMEOUT_MS
    for user in (OWNER, OPERATOR, CAROL):
        pb, _ = apply(pb, Ready(user, ENTRY.id), ctx, NOW)
    assert (pb.state, pb.waiting_for) == ("starting", (BOB,))
    pb, _ = apply(pb, Ready(BOB, ENTRY.id), ctx, NOW)  # ready while still in the ad
    assert (pb.state, pb.waiting_for) == ("starting", (BOB,))
    pb, _ = apply(pb, Ad(BOB, ENTRY.id, False), ctx, NOW + 20_000)
    assert (pb.state, pb.anchor_ms) == ("playing", NOW + 20_000 + 300)


def test_an_ad_during_a_start_under_off_does_not_hold() -> None:
    ctx = room("off")
    pb, _ = apply(starting(ctx), Ready(BOB, ENTRY.id), ctx, NOW)
    deadline = pb.deadline_ms
    pb, _ = apply(pb, Ad(BOB, ENTRY.id, True), ctx, NOW)
    assert (pb.ready, pb.in_ad, pb.deadline_ms) == ((BOB,), (BOB,), deadline)


def test_a_start_hold_deadline_is_never_shortened_by_an_ad() -> None:
    ctx = RoomContext(
        members=MEMBERS, next_entry=ENTRY, start_timeout_ms=10 * AD_HOLD_TIMEOUT_MS
    )
    pb = starting(ctx)
    after, _ = apply(pb, Ad(BOB, ENTRY.id, True), ctx, NOW)
    assert after.deadline_ms == pb.deadline_ms


def test_an_ad_for_another_entry_changes_nothing() -> None:
    pb = playing()
    assert apply(pb, Ad(BOB, 99, True), room(), NOW) == (pb, [])


def test_an_ad_from_someone_not_connected_does_not_hold() -> None:
    pb, _ = apply(playing(), Ad(77, ENTRY.id, True), room(), NOW)
    assert (pb.state, pb.in_ad) == ("playing", (77,))


# --- ending a hold -------------------------------------------------------------------------


def test_the_room_resumes_when_the_last_holding_ad_ends() -> None:
    ctx = room()
    pb = midroll(ctx, BOB, CAROL)
    assert (pb.waiting_for, pb.position_ms) == ((BOB, CAROL), 110_000)
    pb, effects = apply(pb, Ad(BOB, ENTRY.id, False), ctx, NOW + 15_000)
    assert (pb.state, pb.waiting_for, pb.in_ad) == ("midroll", (CAROL,), (CAROL,))
    assert effects == [HoldChanged("ad", (CAROL,))]
    pb, effects = apply(pb, Ad(CAROL, ENTRY.id, False), ctx, NOW + 30_000)
    assert (pb.state, pb.position_ms, pb.anchor_ms) == (
        "playing",
        110_000,
        NOW + 30_000 + 300,
    )
    assert effects == [System("ad_release", (CAROL,)), HoldChanged(None, ())]


def test_a_hold_ends_paused_when_someone_paused_meanwhile() -> None:
    ctx = room()
    pb, _ = apply(midroll(ctx, BOB), Seek(OWNER, 90_000, play=False), ctx, NOW)
    assert (pb.state, pb.position_ms, pb.then) == ("midroll", 90_000, "paused")
    pb, _ = apply(pb, Ad(BOB, ENTRY.id, False), ctx, NOW + 1_000)
    assert (pb.state, pb.position_ms) == ("paused", 90_000)


def test_play_during_a_hold_only_sets_where_it_goes() -> None:
    ctx = room()
    pb = midroll(ctx, BOB)
    assert apply(pb, Play(OWNER), ctx, NOW)[0] is pb
    held = apply(pb, Seek(OWNER, 90_000, play=False), ctx, NOW)[0]
    after, _ = apply(held, Play(OWNER), ctx, NOW)
    assert (after.state, after.then, after.version) == (
        "midroll",
        "playing",
        held.version + 1,
    )


def test_pause_during_a_hold_pauses_at_the_held_position() -> None:
    ctx = room()
    pb, _ = apply(midroll(ctx, BOB), Pause(OWNER, 1), ctx, NOW + 9_000)
    assert (pb.state, pb.position_ms, pb.hold, pb.waiting_for, pb.in_ad) == (
        "paused",
        110_000,
        None,
        (),
        (BOB,),
    )


@pytest.mark.parametrize(
    ("mode", "state"),
    [
        ("pause_all", "midroll"),
        ("operators_only", "midroll"),
        ("starting_only", "playing"),
    ],
)
def test_play_while_a_holding_ad_runs_goes_to_midroll(mode: str, state: str) -> None:
    ctx = room(mode)
    pb = Playback(
        state="paused",
        entry_id=ENTRY.id,
        video_id=ENTRY.video_id,
        position_ms=5_000,
        in_ad=(OPERATOR,),
    )
    after, effects = apply(pb, Play(OWNER), ctx, NOW)
    assert after.state == state
    if state == "midroll":
        assert (after.waiting_for, after.position_ms) == ((OPERATOR,), 5_000)
        assert System("ad_hold", (OPERATOR,)) in effects


def test_an_ad_hold_times_out_and_names_who_it_waited_for() -> None:
    ctx = room()
    pb = midroll(ctx, BOB, CAROL)
    assert apply(pb, Tick(), ctx, NOW + AD_HOLD_TIMEOUT_MS - 1)[0] is pb
    after, effects = apply(pb, Tick(), ctx, NOW + AD_HOLD_TIMEOUT_MS)
    assert (after.state, after.position_ms, after.actor_id) == (
        "playing",
        110_000,
        None,
    )
    assert System("ad_timeout", (BOB, CAROL)) in effects


def test_start_now_ends_an_ad_hold() -> None:
    ctx = room()
    pb, effects = apply(midroll(ctx, BOB), StartNow(OPERATOR), ctx, NOW)
    assert (pb.state, pb.actor_id) == ("playing", OPERATOR)
    assert effects[0] == System("start_now", (BOB,), {"by": OPERATOR, "hold": "ad"})


def test_a_second_ad_during_a_hold_joins_the_waiting_list() -> None:
    ctx = room()
    pb = midroll(ctx, BOB)
    after, _ = apply(pb, Ad(CAROL, ENTRY.id, True), ctx, NOW + 5_000)
    assert (after.waiting_for, after.deadline_ms) == ((BOB, CAROL), pb.deadline_ms)


# --- members joining and leaving -----------------------------------------------------------


def test_a_member_joining_a_start_is_waited_for() -> None:
    small = room(members=MEMBERS[:2])
    pb = starting(small)
    pb, _ = apply(pb, MemberJoined(BOB), room(members=MEMBERS[:3]), NOW)
    assert (pb.waiting_for, pb.actor_id) == ((OWNER, OPERATOR, BOB), None)


def test_a_member_already_ready_is_not_waited_for_again() -> None:
    ctx = room()
    pb, _ = apply(starting(ctx), Ready(BOB, ENTRY.id), ctx, NOW)
    assert apply(pb, MemberJoined(BOB), ctx, NOW)[0] is pb


@pytest.mark.parametrize("state", ["playing", "paused", "idle"])
def test_a_member_joining_outside_a_start_changes_nothing(state: str) -> None:
    pb = playing(state=state) if state != "idle" else Playback()
    assert apply(pb, MemberJoined(BOB), room(), NOW)[0] is pb


def test_the_last_member_loading_leaves_and_the_start_goes_ahead() -> None:
    ctx = room()
    pb = starting(ctx)
    for user in (OWNER, OPERATOR, CAROL):
        pb, _ = apply(pb, Ready(user, ENTRY.id), ctx, NOW)
    without_bob = room(members=tuple(m for m in MEMBERS if m.user_id != BOB))
    pb, _ = apply(pb, MemberLeft(BOB), without_bob, NOW + 100)
    assert (pb.state, pb.anchor_ms, pb.actor_id) == ("playing", NOW + 100 + 200, None)


def test_the_last_holder_leaving_ends_the_ad_hold() -> None:
    ctx = room()
    pb, _ = apply(midroll(ctx, BOB), MemberLeft(BOB), ctx, NOW + 100)
    assert (pb.state, pb.in_ad, pb.waiting_for) == ("playing", (), ())


def test_a_member_leaving_is_forgotten_from_ads() -> None:
    pb = playing(state="paused", in_ad=(BOB, CAROL))
    after, _ = apply(pb, MemberLeft(BOB), room(), NOW)
    assert (after.in_ad, after.version) == ((CAROL,), pb.version + 1)
