"""The room clock at the end of an entry: exactly-once advance, stale ends, the server's clock."""

from __future__ import annotations

import math

import pytest

from server.domain.constants import END_GRACE_MS
from server.domain.room_clock import (
    Advanced,
    Duration,
    Ended,
    Playback,
    Refused,
    System,
    Tick,
    apply,
    next_due_ms,
)
from tests.unit.clock_fixtures import BOB, CAROL, CURRENT, NOW, playing, room


def paused(position: int = 20_000) -> Playback:
    return Playback(
        state="paused", entry_id=CURRENT.id, position_ms=position, version=7
    )


def near_end() -> Playback:
    return playing(position=58_000, since=1_000)  # at 59 s of 60 s


def test_the_same_end_reported_twice_advances_once() -> None:
    first, effects = apply(near_end(), Ended(BOB, CURRENT.id), room(), NOW)
    assert (first.state, first.entry_id) == ("starting", 11)
    assert effects[0] == Advanced(CURRENT.id, "played", 11)
    assert apply(first, Ended(CAROL, CURRENT.id), room(), NOW + 5) == (first, [])


def test_an_end_only_counts_when_the_room_clock_is_within_the_grace_of_the_end() -> None:
    pb = playing(position=50_000, since=1_000)  # 51 s of 60 s
    assert apply(pb, Ended(BOB, CURRENT.id), room(), NOW)[0] is pb
    # even from someone who may control the room: a skip is a skip, an end is an end
    assert apply(pb, Ended(BOB, CURRENT.id, trusted=True), room(), NOW)[0] is pb
    pb = playing(position=57_000, since=1_000)  # 58 s: 2 s before the end, outside END_GRACE
    assert apply(pb, Ended(BOB, CURRENT.id), room(), NOW)[0] is pb
    pb = playing(position=58_000 - END_GRACE_MS + 1_000, since=1_000)  # exactly END_GRACE before
    assert apply(pb, Ended(BOB, CURRENT.id), room(), NOW)[0].entry_id == 11


def test_a_one_ms_duration_then_ended_cannot_skip_without_the_clock() -> None:
    # the attack of issue 14: a participant's duration of 1 ms (refused before it reaches the
    # clock, see test_duration_trust) — even had it landed, the clock is 10 s in: no skip by "end"
    pb = playing(position=10_000, since=0)
    assert apply(pb, Ended(BOB, CURRENT.id), room(), NOW)[0] is pb


def test_an_end_of_an_unknown_duration_is_believed_only_from_someone_who_may_control() -> None:
    pb = playing(duration_ms=None)
    assert apply(pb, Ended(BOB, CURRENT.id), room(), NOW)[0] is pb
    advanced, _ = apply(pb, Ended(BOB, CURRENT.id, trusted=True), room(), NOW)
    assert advanced.entry_id == 11


def test_without_autoadvance_the_room_pauses_at_the_end() -> None:
    pb, effects = apply(
        near_end(), Ended(BOB, CURRENT.id), room(autoadvance=False), NOW
    )
    assert (pb.state, pb.entry_id, pb.position_ms) == ("paused", CURRENT.id, 60_000)
    assert effects == [System("autoadvance_off", (), {"entry_id": CURRENT.id})]
    assert apply(pb, Ended(CAROL, CURRENT.id), room(autoadvance=False), NOW)[0] is pb


def test_the_last_entry_ending_finishes_the_queue() -> None:
    pb, effects = apply(near_end(), Ended(BOB, CURRENT.id), room(next_entry=None), NOW)
    assert (pb.state, pb.entry_id, pb.position_ms) == ("idle", None, 0)
    assert effects == [
        Advanced(CURRENT.id, "played", None),
        System("queue_finished", (), {"entry_id": 10}),
    ]


@pytest.mark.parametrize("rate", [0.5, 1.0, 2.0])
def test_the_server_clock_advances_after_the_end_plus_grace(rate: float) -> None:
    pb = playing(position=50_000, since=0, rate=rate)
    due = next_due_ms(pb)
    assert due == NOW + math.ceil(10_000 / rate) + END_GRACE_MS
    assert apply(pb, Tick(), room(), due - 1)[0] is pb  # type: ignore[operator]
    after, effects = apply(pb, Tick(), room(), due)  # type: ignore[arg-type]
    assert (after.state, after.entry_id, after.actor_id, after.version) == (
        "starting",
        11,
        None,
        8,
    )
    assert effects[0] == Advanced(CURRENT.id, "played", 11)


def test_next_due_is_none_without_a_running_known_end() -> None:
    assert next_due_ms(paused()) is None
    assert next_due_ms(Playback()) is None
    assert next_due_ms(playing(duration_ms=None)) is None


def test_duration_is_learned_for_the_current_entry_only() -> None:
    pb, _ = apply(
        playing(duration_ms=None), Duration(BOB, CURRENT.id, 61_000), room(), NOW
    )
    assert (pb.duration_ms, pb.version) == (61_000, 8)
    assert apply(pb, Duration(BOB, 99, 5_000), room(), NOW)[0] is pb
    assert apply(pb, Duration(BOB, CURRENT.id, 61_000), room(), NOW)[0] is pb
    with pytest.raises(Refused) as refused:
        apply(pb, Duration(BOB, CURRENT.id, 0), room(), NOW)
    assert refused.value.code == "invalid"


def test_an_open_vote_brings_the_server_clock_back_every_recount_period() -> None:
    from dataclasses import replace

    from server.domain.constants import VOTE_RECOUNT_MS
    voted = replace(paused(), skip_votes=(BOB,))
    assert next_due_ms(paused(), now_ms=NOW) is None
    assert next_due_ms(voted, now_ms=NOW) == NOW + VOTE_RECOUNT_MS
    assert next_due_ms(voted) is None, "without the time now, no recount time"
    ending_soon = replace(playing(position=59_000, since=0), skip_votes=(BOB,))
    assert next_due_ms(ending_soon, now_ms=NOW) == NOW + 1_000 + END_GRACE_MS, "the earlier of the two"
    assert next_due_ms(replace(Playback(), skip_votes=(BOB,)), now_ms=NOW) is None, "idle: nothing to count"
