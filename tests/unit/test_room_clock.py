"""The room clock: scheduled starts, starting an entry, and the playback controls.

Ads and presence: test_room_clock_ads; entry ends: test_room_clock_ends; every state x command
and the random walk: test_room_clock_table.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

import pytest

from server.domain.constants import (
    MAX_START_LEAD_MS,
    PLAYBACK_START_BUFFER_MS,
    START_TIMEOUT_MS,
)
from server.domain.room_clock import (
    Advanced,
    EntryRef,
    HoldChanged,
    Pause,
    Play,
    Playback,
    PlayEntry,
    Ready,
    Refused,
    Restart,
    RoomContext,
    Seek,
    SetRate,
    Skip,
    StartNow,
    System,
    Tick,
    apply,
    lead_ms,
    next_due_ms,
)
from tests.unit.clock_fixtures import BOB, CAROL, CURRENT, NEXT, NOW, OWNER, paused, playing, room


def starting(ctx: RoomContext | None = None) -> Playback:
    pb, _ = apply(paused(), PlayEntry(OWNER, NEXT), ctx or room(), NOW - 1_000)
    return pb


# --- lead time and scheduled starts --------------------------------------------------------


@pytest.mark.parametrize(
    ("rtts", "lead"),
    [
        ((), PLAYBACK_START_BUFFER_MS),
        ((40, 60), PLAYBACK_START_BUFFER_MS),
        ((40, 150), 300),
        ((900,), 1800),
        ((40, 120_000), MAX_START_LEAD_MS),  # one huge round trip must not freeze the room
        ((2_000,), MAX_START_LEAD_MS),
    ],
)
def test_lead_is_the_buffer_or_twice_the_worst_round_trip(
    rtts: tuple[int, ...], lead: int
) -> None:
    assert lead_ms(room(rtts)) == lead


def test_resume_is_a_scheduled_start_at_the_held_position() -> None:
    pb, effects = apply(paused(20_000), Play(BOB), room((40, 150)), NOW)
    assert (pb.state, pb.position_ms, pb.anchor_ms) == ("playing", 20_000, NOW + 300)
    assert (pb.version, pb.actor_id, effects) == (8, BOB, [])


def test_position_never_runs_before_a_future_anchor() -> None:
    pb = playing(position=20_000, since=-300)  # anchor 300 ms ahead
    assert pb.position_at(NOW) == 20_000
    assert pb.position_at(NOW + 300) == 20_000
    assert pb.position_at(NOW + 1_300) == 21_000


def test_position_follows_rate_and_stops_at_the_known_end() -> None:
    pb = playing(position=10_000, since=4_000, rate=1.5)
    assert pb.position_at(NOW) == 16_000
    assert pb.position_at(NOW + 100_000) == CURRENT.duration_ms
    assert paused(20_000).position_at(NOW + 50_000) == 20_000


# --- starting an entry ---------------------------------------------------------------------


def test_play_from_idle_starts_the_next_entry_and_waits_for_everyone() -> None:
    ctx = room((40, 150, 10))
    pb, effects = apply(Playback(rate=1.25), Play(OWNER), ctx, NOW)
    assert (pb.state, pb.entry_id, pb.video_id, pb.duration_ms) == (
        "starting",
        11,
        NEXT.video_id,
        120_000,
    )
    assert (pb.position_ms, pb.rate, pb.hold, pb.then, pb.ready) == (
        5_000,
        1.25,
        "start",
        "playing",
        (),
    )
    assert pb.waiting_for == (OWNER, BOB, CAROL)
    assert pb.deadline_ms == NOW + START_TIMEOUT_MS
    assert effects == [
        Advanced(None, None, 11),
        HoldChanged("start", (OWNER, BOB, CAROL)),
    ]


def test_play_from_idle_with_an_empty_queue_is_a_conflict() -> None:
    with pytest.raises(Refused) as refused:
        apply(Playback(), Play(OWNER), room(next_entry=None), NOW)
    assert (refused.value.code, refused.value.message) == (
        "conflict",
        "The queue is empty",
    )


def test_a_start_with_nobody_connected_plays_at_once() -> None:
    pb, _ = apply(Playback(), Play(None), RoomContext(next_entry=NEXT), NOW)
    assert (pb.state, pb.position_ms, pb.anchor_ms) == (
        "playing",
        5_000,
        NOW + PLAYBACK_START_BUFFER_MS,
    )
    assert pb.waiting_for == () and pb.hold is None


def test_everyone_ready_starts_with_the_lead_time() -> None:
    ctx = room((40, 150))
    pb, _ = apply(starting(ctx), Ready(OWNER, 11), ctx, NOW)
    assert (pb.state, pb.ready, pb.waiting_for) == ("starting", (OWNER,), (BOB,))
    pb, effects = apply(pb, Ready(BOB, 11), ctx, NOW + 50)
    assert (pb.state, pb.position_ms, pb.anchor_ms) == (
        "playing",
        5_000,
        NOW + 50 + 300,
    )
    assert (pb.ready, pb.deadline_ms, pb.hold, pb.then) == ((), None, None, None)
    assert effects == [HoldChanged(None, ())]


def test_everyone_ready_after_a_seek_with_pause_ends_paused() -> None:
    ctx = room()
    pb, _ = apply(starting(ctx), Seek(OWNER, 9_000, play=False), ctx, NOW)
    pb, _ = apply(pb, Ready(OWNER, 11), ctx, NOW)
    pb, _ = apply(pb, Ready(BOB, 11), ctx, NOW)
    assert (pb.state, pb.position_ms) == ("paused", 9_000)


def test_not_ready_again_puts_the_member_back_on_the_waiting_list() -> None:
    ctx = room((0, 0, 0))
    pb, _ = apply(starting(ctx), Ready(OWNER, 11), ctx, NOW)
    pb, _ = apply(pb, Ready(OWNER, 11, ready=False), ctx, NOW)
    assert (pb.ready, pb.waiting_for) == ((), (OWNER, BOB, CAROL))


@pytest.mark.parametrize("pb", [playing(), paused(), Playback()])
def test_ready_outside_a_start_changes_nothing(pb: Playback) -> None:
    assert apply(pb, Ready(OWNER, CURRENT.id), room(), NOW) == (pb, [])


def test_ready_for_another_entry_changes_nothing() -> None:
    pb = starting()
    assert apply(pb, Ready(OWNER, CURRENT.id), room(), NOW)[0] is pb


def test_a_report_without_its_member_is_invalid() -> None:
    with pytest.raises(Refused) as refused:
        apply(starting(), Ready(None, 11), room(), NOW)
    assert refused.value.code == "invalid"


def test_start_timeout_starts_without_the_laggards_and_names_them() -> None:
    ctx = room((40, 150, 20))
    pb, _ = apply(starting(ctx), Ready(OWNER, 11), ctx, NOW)
    assert apply(pb, Tick(), ctx, pb.deadline_ms - 1)[0] is pb  # type: ignore[operator]
    due = pb.deadline_ms
    assert due is not None and next_due_ms(pb) == due
    after, effects = apply(pb, Tick(), ctx, due)
    assert (after.state, after.position_ms, after.anchor_ms, after.actor_id) == (
        "playing",
        5_000,
        due + 300,
        None,
    )
    assert System("start_timeout", (BOB, CAROL)) in effects


def test_skip_starts_the_next_entry_and_marks_the_current_skipped() -> None:
    pb, effects = apply(playing(), Skip(OWNER), room(), NOW)
    assert (pb.state, pb.entry_id, pb.position_ms) == ("starting", 11, 5_000)
    assert effects[0] == Advanced(CURRENT.id, "skipped", 11)


def test_skip_past_the_last_entry_goes_idle() -> None:
    pb, effects = apply(playing(), Skip(OWNER), room(next_entry=None), NOW)
    assert (pb.state, pb.entry_id, pb.video_id, pb.duration_ms) == (
        "idle",
        None,
        None,
        None,
    )
    assert effects == [Advanced(CURRENT.id, "skipped", None)]


def test_play_entry_from_idle_and_over_the_current_entry() -> None:
    chosen = EntryRef(30, "vid30aaaaaa")
    assert apply(Playback(), PlayEntry(BOB, chosen), room(), NOW)[1][0] == Advanced(
        None, None, 30
    )
    assert apply(playing(), PlayEntry(BOB, chosen), room(), NOW)[1][0] == Advanced(
        10, "skipped", 30
    )
    with pytest.raises(Refused) as refused:
        apply(playing(), PlayEntry(BOB, CURRENT), room(), NOW)
    assert refused.value.code == "conflict"


# --- controls ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "then"),
    [(starting, "playing"), (lambda: replace(starting(), then="paused"), "playing")],
)
def test_play_while_starting_only_makes_sure_it_will_play(
    make: Callable[[], Playback], then: str
) -> None:
    pb = make()
    after, _ = apply(pb, Play(OWNER), room(), NOW)
    assert after.then == then and after.state == "starting"
    assert (after is pb) == (pb.then == "playing")


def test_play_while_playing_changes_nothing() -> None:
    pb = playing()
    assert apply(pb, Play(OWNER), room(), NOW) == (pb, [])


@pytest.mark.parametrize(
    ("seen", "kept"),
    [
        (15_000 + 1_999, 16_999),
        (15_000 - 2_000, 13_000),
        (15_000 + 2_001, 15_000),
        (None, 15_000),
    ],
)
def test_pause_keeps_what_the_user_saw_when_it_is_close(
    seen: int | None, kept: int
) -> None:
    pb, _ = apply(playing(position=10_000, since=5_000), Pause(BOB, seen), room(), NOW)
    assert (pb.state, pb.position_ms, pb.actor_id) == ("paused", kept, BOB)


def test_pause_while_starting_pauses_at_the_start_position() -> None:
    pb, effects = apply(starting(), Pause(OWNER), room(), NOW)
    assert (pb.state, pb.position_ms, pb.hold, pb.waiting_for, pb.deadline_ms) == (
        "paused",
        5_000,
        None,
        (),
        None,
    )
    assert effects == [HoldChanged(None, ())]


@pytest.mark.parametrize("pb", [paused(), Playback()])
def test_pause_when_nothing_plays_changes_nothing(pb: Playback) -> None:
    assert apply(pb, Pause(OWNER, 1_000), room(), NOW) == (pb, [])


@pytest.mark.parametrize(
    "command", [Seek(OWNER, 5_000), Restart(OWNER), Skip(OWNER), StartNow(OWNER)]
)
def test_moving_around_in_an_idle_room_is_a_conflict(command: object) -> None:
    with pytest.raises(Refused) as refused:
        apply(Playback(), command, room(), NOW)  # type: ignore[arg-type]
    assert refused.value.code == "conflict"
    assert refused.value.message in ("Nothing is playing", "Nothing is waiting")


@pytest.mark.parametrize(
    ("target", "landed"), [(-500, 0), (30_000, 30_000), (90_000, 60_000)]
)
def test_seek_clamps_to_the_entry(target: int, landed: int) -> None:
    pb, _ = apply(playing(), Seek(OWNER, target), room(), NOW)
    assert (pb.state, pb.position_ms, pb.anchor_ms) == ("playing", landed, NOW + 300)


def test_seek_without_a_known_duration_has_no_upper_bound() -> None:
    pb, _ = apply(paused(duration_ms=None), Seek(OWNER, 5_000_000), room(), NOW)
    assert (pb.state, pb.position_ms) == ("paused", 5_000_000)


@pytest.mark.parametrize(
    ("before", "play", "state"),
    [
        (playing(), None, "playing"),
        (playing(), False, "paused"),
        (paused(), None, "paused"),
        (paused(), True, "playing"),
    ],
)
def test_seek_keeps_or_sets_playing(
    before: Playback, play: bool | None, state: str
) -> None:
    pb, _ = apply(before, Seek(OWNER, 42_000, play), room(), NOW)
    assert (pb.state, pb.position_ms) == (state, 42_000)


def test_seek_while_starting_moves_the_start_position() -> None:
    pb, _ = apply(starting(), Seek(OWNER, 7_000), room(), NOW)
    assert (pb.state, pb.position_ms, pb.hold, pb.waiting_for) == (
        "starting",
        7_000,
        "start",
        (OWNER, BOB),
    )


@pytest.mark.parametrize(
    ("before", "state"), [(playing(), "playing"), (paused(), "paused")]
)
def test_restart_goes_to_zero_keeping_play_or_pause(
    before: Playback, state: str
) -> None:
    pb, _ = apply(before, Restart(BOB), room(), NOW)
    assert (pb.state, pb.position_ms) == (state, 0)


@pytest.mark.parametrize("rate", [0.2, 2.01, 0, -1, math.nan, math.inf, True])
def test_rate_outside_a_quarter_to_double_is_invalid(rate: float) -> None:
    with pytest.raises(Refused) as refused:
        apply(playing(), SetRate(OWNER, rate), room(), NOW)
    assert refused.value.code == "invalid"


@pytest.mark.parametrize("rate", [0.25, 2, 2.0, 1.5])
def test_rate_bounds_are_inclusive(rate: float) -> None:
    assert apply(paused(), SetRate(OWNER, rate), room(), NOW)[0].rate == float(rate)


def test_rate_change_rebases_a_running_clock() -> None:
    pb, _ = apply(
        playing(position=10_000, since=5_000), SetRate(OWNER, 2.0), room(), NOW
    )
    assert (pb.position_ms, pb.anchor_ms, pb.rate) == (15_000, NOW, 2.0)
    assert pb.position_at(NOW + 1_000) == 17_000


def test_rate_change_keeps_a_pending_scheduled_start() -> None:
    before = playing(position=10_000, since=-250)
    pb, _ = apply(before, SetRate(OWNER, 0.5), room(), NOW)
    assert (pb.position_ms, pb.anchor_ms, pb.rate) == (10_000, before.anchor_ms, 0.5)


def test_same_rate_changes_nothing() -> None:
    pb = playing()
    assert apply(pb, SetRate(OWNER, 1), room(), NOW)[0] is pb


def test_start_now_starts_without_the_members_still_loading() -> None:
    pb, effects = apply(starting(), StartNow(OWNER), room(), NOW)
    assert (pb.state, pb.anchor_ms, pb.actor_id) == ("playing", NOW + 300, OWNER)
    assert effects[0] == System(
        "start_now", (OWNER, BOB), {"by": OWNER, "hold": "start"}
    )


@pytest.mark.parametrize("pb", [playing(), paused()])
def test_start_now_with_nothing_waiting_is_a_conflict(pb: Playback) -> None:
    with pytest.raises(Refused, match="Nothing is waiting"):
        apply(pb, StartNow(OWNER), room(), NOW)


def test_a_pause_with_a_position_that_is_not_a_number_is_invalid() -> None:
    with pytest.raises(Refused) as refused:
        apply(playing(), Pause(BOB, "12s"), room(), NOW)  # type: ignore[arg-type]
    assert refused.value.code == "invalid"
