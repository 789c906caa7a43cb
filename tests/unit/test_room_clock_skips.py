"""The room clock skips segments for everyone (issue 13, item 5, room setting skip_segments)."""

from __future__ import annotations

from dataclasses import replace

from server.domain.constants import SEGMENT_END_MARGIN_MS
from server.domain.room_clock import LoadSegments, Playback, Seek, Skip, System, Tick, apply, lead_ms, next_due_ms
from server.domain.segments import Segment
from tests.unit.clock_fixtures import CURRENT, NOW, OWNER, playing, room

SPONSOR = Segment(30_000, 42_000, "sponsor")
OUTRO = Segment(55_000, 60_000, "outro")


def with_segments(pb: Playback, *segments: Segment) -> Playback:
    loaded, _ = apply(pb, LoadSegments(None, CURRENT.id, tuple(segments)), room(), NOW)
    return loaded


def test_segments_load_onto_the_current_entry_only_and_reach_the_wire() -> None:
    pb = playing()
    loaded = with_segments(pb, SPONSOR)
    assert loaded.segments == (SPONSOR,) and loaded.version == pb.version + 1 and loaded.actor_id is None
    assert loaded.to_wire()["segments"] == [{"start_ms": 30_000, "end_ms": 42_000, "category": "sponsor"}]
    stale, _ = apply(pb, LoadSegments(None, CURRENT.id + 1, (SPONSOR,)), room(), NOW)
    assert stale is pb
    assert Playback.from_record(loaded.to_record()) == loaded


def test_the_clock_is_due_when_the_room_reaches_the_next_segment() -> None:
    pb = with_segments(playing(position=10_000, since=0), SPONSOR, OUTRO)  # anchor = NOW
    assert next_due_ms(pb) == NOW + 20_000
    at_double_speed = replace(pb, rate=2.0)
    assert next_due_ms(at_double_speed) == NOW + 10_000
    past_both = replace(pb, position_ms=60_000 - SEGMENT_END_MARGIN_MS)
    assert next_due_ms(past_both) == past_both.anchor_ms + SEGMENT_END_MARGIN_MS + 1_500, "only the end is left"
    assert next_due_ms(with_segments(playing(position=10_000, since=0))) == NOW + 50_000 + 1_500, "the end"


def test_a_tick_in_a_segment_moves_everyone_past_it_at_one_scheduled_instant() -> None:
    pb = with_segments(playing(position=10_000, since=0), SPONSOR)
    reached = NOW + 20_050
    skipped, effects = apply(pb, Tick(), room(), reached)
    assert skipped.state == "playing" and skipped.position_ms == SPONSOR.end_ms
    assert skipped.anchor_ms == reached + lead_ms(room()), "a scheduled start: every client starts together"
    assert skipped.actor_id is None and skipped.segments == (SPONSOR,)
    line = next(e for e in effects if isinstance(e, System))
    assert line.kind == "segment_skipped" and line.detail["category"] == "sponsor"
    assert line.detail["span"] == "0:30–0:42"
    # After the skip the clock is due at the end of the entry, not at the same segment again.
    assert next_due_ms(skipped) == skipped.anchor_ms + (60_000 - 42_000) + 1_500


def test_a_tick_before_a_segment_or_in_its_last_half_second_skips_nothing() -> None:
    pb = with_segments(playing(position=10_000, since=0), SPONSOR)
    assert apply(pb, Tick(), room(), NOW + 19_000)[0] is pb
    late = NOW + 20_000 + 12_000 - SEGMENT_END_MARGIN_MS
    assert apply(pb, Tick(), room(), late)[0] is pb


def test_a_seek_into_a_segment_is_skipped_once_the_room_plays() -> None:
    pb = with_segments(playing(), SPONSOR)
    seeked, _ = apply(pb, Seek(OWNER, 35_000), room(), NOW)
    assert seeked.position_ms == 35_000 and next_due_ms(seeked) == seeked.anchor_ms
    skipped, effects = apply(seeked, Tick(), room(), seeked.anchor_ms)
    assert skipped.position_ms == SPONSOR.end_ms and effects


def test_a_new_entry_forgets_the_segments_of_the_last() -> None:
    pb = with_segments(playing(), SPONSOR)
    nxt, _ = apply(pb, Skip(OWNER), room(), NOW)
    assert nxt.entry_id != CURRENT.id and nxt.segments == ()


def test_no_segments_no_skip() -> None:
    pb = playing(position=35_000, since=0)
    assert apply(pb, Tick(), room(), NOW + 100)[0] is pb
