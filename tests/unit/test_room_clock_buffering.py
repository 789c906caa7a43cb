"""The room clock under each buffer_policy (issue 13, item 6): a stall report is a claim that
holds the room only under "wait", like an ad hold (same timeout, "Start now", who is waited for)."""

from __future__ import annotations

import pytest

from server.domain.constants import AD_HOLD_TIMEOUT_MS
from server.domain.room_clock import (
    Ad,
    MemberLeft,
    Pause,
    Skip,
    Stall,
    StartNow,
    System,
    Tick,
    apply,
)
from tests.unit.clock_fixtures import BOB, CAROL, CURRENT, NOW, OWNER, paused, playing, room


def wait_room(**settings: object):
    return room(rtts=(40, 150, 60), buffer_policy="wait", **settings)


def stalled(user: int = BOB):
    held, effects = apply(playing(), Stall(user, CURRENT.id, True), wait_room(), NOW)
    return held, effects


def test_under_wait_a_stall_holds_the_room_where_its_clock_stands_and_says_for_whom() -> None:
    held, effects = stalled()
    assert (held.state, held.hold, held.waiting_for, held.stalled) == ("midroll", "buffer", (BOB,), (BOB,))
    assert held.position_ms == playing().position_at(NOW)
    assert held.deadline_ms == NOW + AD_HOLD_TIMEOUT_MS, "the ad hold's timeout"
    assert held.then == "playing" and held.actor_id == BOB
    assert System("buffer_hold", (BOB,)) in effects


@pytest.mark.parametrize("policy", ["catch_up", "ignore"])
def test_under_catch_up_and_ignore_a_stall_changes_nothing(policy: str) -> None:
    pb = playing()
    after, effects = apply(pb, Stall(BOB, CURRENT.id, True), room(rtts=(40, 150), buffer_policy=policy), NOW)
    assert after is pb and effects == []


@pytest.mark.parametrize("why,pb,command", [
    ("another entry", playing(), Stall(BOB, CURRENT.id + 1, True)),
    ("not a connected member", playing(), Stall(99, CURRENT.id, True)),
    ("a paused room", paused(), Stall(BOB, CURRENT.id, True)),
    ("an end that was never a stall", playing(), Stall(BOB, CURRENT.id, False)),
])
def test_stall_reports_that_hold_nothing(why: str, pb, command) -> None:
    after, _ = apply(pb, command, wait_room(), NOW)
    assert after.state == pb.state and after.hold is None, why


def test_the_stall_ending_resumes_with_a_scheduled_start_from_where_it_held() -> None:
    held, _ = stalled()
    resumed, effects = apply(held, Stall(BOB, CURRENT.id, False), wait_room(), NOW + 3_000)
    assert resumed.state == "playing" and resumed.position_ms == held.position_ms
    assert resumed.anchor_ms > NOW + 3_000, "a scheduled start: everyone starts together"
    assert resumed.stalled == () and resumed.hold is None
    assert System("buffer_release", (BOB,)) in effects


def test_two_stalls_the_room_waits_for_both() -> None:
    held, _ = stalled(BOB)
    both, _ = apply(held, Stall(CAROL, CURRENT.id, True), wait_room(), NOW + 100)
    assert both.waiting_for == (BOB, CAROL) and both.hold == "buffer"
    one_left, _ = apply(both, Stall(BOB, CURRENT.id, False), wait_room(), NOW + 200)
    assert one_left.state == "midroll" and one_left.waiting_for == (CAROL,)
    done, _ = apply(one_left, Stall(CAROL, CURRENT.id, False), wait_room(), NOW + 300)
    assert done.state == "playing"


def test_an_ad_and_a_stall_of_the_same_member_each_hold_until_both_are_over() -> None:
    held, _ = stalled(BOB)
    in_ad, _ = apply(held, Ad(BOB, CURRENT.id, True), wait_room(), NOW + 100)
    ad_over, _ = apply(in_ad, Ad(BOB, CURRENT.id, False), wait_room(), NOW + 200)
    assert ad_over.state == "midroll" and ad_over.waiting_for == (BOB,), "still loading"
    done, _ = apply(ad_over, Stall(BOB, CURRENT.id, False), wait_room(), NOW + 300)
    assert done.state == "playing"


def test_the_hold_times_out_and_that_member_holds_the_room_no_more_on_this_entry() -> None:
    held, _ = stalled()
    resumed, effects = apply(held, Tick(), wait_room(), held.deadline_ms)
    assert resumed.state == "playing" and System("buffer_timeout", (BOB,)) in effects
    assert resumed.unwaited == (BOB,) and resumed.stalled == ()
    again, _ = apply(resumed, Stall(BOB, CURRENT.id, True), wait_room(), held.deadline_ms + 5_000)
    assert again.state == "playing", "one member cannot hold the room past the timeout twice"
    # Another member still can.
    other, _ = apply(again, Stall(CAROL, CURRENT.id, True), wait_room(), held.deadline_ms + 6_000)
    assert other.state == "midroll" and other.waiting_for == (CAROL,)


def test_start_now_ends_a_buffer_hold_and_stops_waiting_for_that_member() -> None:
    held, _ = stalled()
    resumed, effects = apply(held, StartNow(OWNER), wait_room(), NOW + 1_000)
    assert resumed.state == "playing" and resumed.unwaited == (BOB,)
    assert any(isinstance(e, System) and e.kind == "start_now" and e.user_ids == (BOB,) for e in effects)
    again, _ = apply(resumed, Stall(BOB, CURRENT.id, True), wait_room(), NOW + 2_000)
    assert again.state == "playing"


def test_a_member_who_leaves_is_not_waited_for() -> None:
    held, _ = stalled()
    after, _ = apply(held, MemberLeft(BOB), room(rtts=(40,), buffer_policy="wait"), NOW + 500)
    assert after.state == "playing" and after.stalled == ()


def test_pause_during_a_buffer_hold_pauses_and_a_stall_report_then_holds_nothing() -> None:
    held, _ = stalled()
    stopped, _ = apply(held, Pause(OWNER), wait_room(), NOW + 500)
    assert stopped.state == "paused" and stopped.hold is None


def test_a_new_entry_forgets_stalls_and_who_was_not_waited_for() -> None:
    held, _ = stalled()
    timed_out, _ = apply(held, Tick(), wait_room(), held.deadline_ms)
    nxt, _ = apply(timed_out, Skip(OWNER), wait_room(), held.deadline_ms + 10)
    assert nxt.entry_id != CURRENT.id and nxt.unwaited == () and nxt.stalled == ()
