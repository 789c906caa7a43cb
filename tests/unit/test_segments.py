"""Segments a room skips (issue 13, item 5): categories, the hash-prefix lookup, answers from an
untrusted API, and the fetcher's bounds (timeout, size, count, cache) against a local stub."""

from __future__ import annotations

import hashlib
import time

import pytest

from server.domain.constants import (
    SEGMENT_CATEGORIES,
    SEGMENT_END_MARGIN_MS,
    SEGMENTS_MAX_PER_VIDEO,
    SEGMENTS_MAX_RESPONSE_BYTES,
)
from server.domain.segments import (
    Segment,
    hash_prefix,
    next_segment_start,
    segment_at,
    segments_from_answer,
    validate_categories,
)
from server.services.segments import SegmentFetcher
from tests.support.sponsorblock_stub import SegmentApiStub

VIDEO = "dQw4w9WgXcQ"


def test_categories_are_sponsorblocks_names_deduplicated_in_canonical_order() -> None:
    assert SEGMENT_CATEGORIES == ("sponsor", "selfpromo", "interaction", "intro", "outro",
                                  "preview", "music_offtopic", "filler")
    assert validate_categories(["outro", "sponsor", "sponsor"]) == ("sponsor", "outro")
    assert validate_categories([]) == ()


@pytest.mark.parametrize("bad", ["sponsor", None, 3, ["sponsor", "ads"], [1], ["SPONSOR"],
                                 [{"category": "sponsor"}], ["sponsor"] * 9])
def test_unknown_categories_and_other_shapes_are_refused_with_a_message(bad: object) -> None:
    with pytest.raises(ValueError, match="skip_segments"):
        validate_categories(bad)


def test_the_api_is_asked_with_a_4_hex_sha256_prefix_never_the_video_id() -> None:
    assert hash_prefix(VIDEO) == hashlib.sha256(VIDEO.encode()).hexdigest()[:4]
    assert len(hash_prefix(VIDEO)) == 4


def answer(*segments: object, video: str = VIDEO) -> list[dict]:
    return [{"videoID": "other", "segments": [{"category": "sponsor", "segment": [1, 50]}]},
            {"videoID": video, "segments": list(segments)}]


def seg(category: str, start: float, end: float, action: str = "skip") -> dict:
    return {"category": category, "actionType": action, "segment": [start, end]}


def test_answers_keep_this_videos_asked_skip_segments_sorted_and_merged() -> None:
    got = segments_from_answer(answer(seg("intro", 0, 5.5), seg("sponsor", 30, 42.25),
                                      seg("selfpromo", 40, 45), seg("outro", 100, 110),
                                      seg("sponsor", 60, 70, action="mute")),
                               VIDEO, ("sponsor", "intro", "selfpromo"))
    assert got == (Segment(0, 5_500, "intro"), Segment(30_000, 45_000, "sponsor"))


@pytest.mark.parametrize("garbage", [
    None, {}, "[]", [1], [{"videoID": VIDEO, "segments": "x"}],
    answer({"category": "sponsor"}), answer(seg("sponsor", "1", "9")), answer(seg("sponsor", 9, 1)),
    answer(seg("sponsor", -5, 9)), answer(seg("sponsor", 1, float("inf"))),
    answer(seg("sponsor", 1, 1.5)),  # shorter than SEGMENT_MIN_MS
    answer(seg("sponsor", 1, 10**9)), answer({"category": "sponsor", "segment": [1, 5, 9]}),
    answer(seg("sponsor", True, 9)),
])
def test_malformed_answers_give_no_segments(garbage: object) -> None:
    assert segments_from_answer(garbage, VIDEO, ("sponsor",)) == ()


def test_at_most_segments_max_per_video_are_kept() -> None:
    many = [seg("sponsor", 10 * i, 10 * i + 5) for i in range(200)]
    got = segments_from_answer(answer(*many), VIDEO, ("sponsor",))
    assert len(got) == SEGMENTS_MAX_PER_VIDEO and got[0].start_ms == 0


def test_segment_at_and_next_segment_start() -> None:
    segments = (Segment(10_000, 20_000, "sponsor"), Segment(50_000, 60_000, "outro"))
    assert segment_at(segments, 9_999) is None
    assert segment_at(segments, 10_000) == segments[0]
    assert segment_at(segments, 20_000 - SEGMENT_END_MARGIN_MS - 1) == segments[0]
    assert segment_at(segments, 20_000 - SEGMENT_END_MARGIN_MS) is None
    assert next_segment_start(segments, 0) == 10_000
    assert next_segment_start(segments, 12_000) == 12_000
    assert next_segment_start(segments, 30_000) == 50_000
    assert next_segment_start(segments, 59_600) is None


@pytest.fixture
def api():
    with SegmentApiStub() as stub:
        yield stub


def test_fetch_asks_the_prefix_with_the_categories_and_caches(api: SegmentApiStub) -> None:
    api.set_segments(VIDEO, [("sponsor", 30, 42), ("intro", 0, 4)])
    fetcher = SegmentFetcher(api.url)
    assert fetcher.fetch(VIDEO, ("sponsor",)) == (Segment(30_000, 42_000, "sponsor"),)
    assert fetcher.fetch(VIDEO, ("sponsor",)) == (Segment(30_000, 42_000, "sponsor"),)
    assert len(api.requests) == 1, "the second answer came from the cache"
    path = api.requests[0]
    assert path.startswith(f"/api/skipSegments/{hash_prefix(VIDEO)}?categories=")
    assert VIDEO not in path, "the video id never leaves the server"
    both = (Segment(0, 4_000, "intro"), Segment(30_000, 42_000, "sponsor"))
    assert fetcher.fetch(VIDEO, ("sponsor", "intro")) == both
    assert len(api.requests) == 2


def test_no_segments_is_an_empty_answer_and_cached(api: SegmentApiStub) -> None:
    fetcher = SegmentFetcher(api.url)
    assert fetcher.fetch(VIDEO, ("sponsor",)) == ()
    assert fetcher.fetch(VIDEO, ("sponsor",)) == ()
    assert len(api.requests) == 1


def test_a_slow_api_is_cut_at_the_timeout(api: SegmentApiStub) -> None:
    api.set_segments(VIDEO, [("sponsor", 30, 42)])
    api.delay_s = 2.0
    fetcher = SegmentFetcher(api.url, timeout_s=0.3)
    started = time.monotonic()
    assert fetcher.fetch(VIDEO, ("sponsor",)) is None
    assert time.monotonic() - started < 1.5


def test_a_huge_answer_is_refused(api: SegmentApiStub) -> None:
    api.set_segments(VIDEO, [("sponsor", 30, 42)])
    api.padding_bytes = SEGMENTS_MAX_RESPONSE_BYTES + 1
    assert SegmentFetcher(api.url).fetch(VIDEO, ("sponsor",)) is None


def test_errors_give_none_and_are_retried_after_the_error_ttl(api: SegmentApiStub) -> None:
    now = [0.0]
    fetcher = SegmentFetcher(api.url, error_ttl_s=30, clock=lambda: now[0])
    api.status = 500
    assert fetcher.fetch(VIDEO, ("sponsor",)) is None
    assert fetcher.fetch(VIDEO, ("sponsor",)) is None
    assert len(api.requests) == 1
    api.status = None
    api.set_segments(VIDEO, [("sponsor", 30, 42)])
    now[0] = 31
    assert fetcher.fetch(VIDEO, ("sponsor",)) == (Segment(30_000, 42_000, "sponsor"),)


def test_nothing_is_asked_for_no_categories_or_a_bad_id(api: SegmentApiStub) -> None:
    fetcher = SegmentFetcher(api.url)
    assert fetcher.fetch(VIDEO, ()) == ()
    assert fetcher.fetch("../../etc", ("sponsor",)) == ()
    assert api.requests == []
