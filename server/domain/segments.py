"""Segments a room skips for everyone (room setting `skip_segments`), from a SponsorBlock-compatible API.

Pure: what categories a room may pick, the privacy-preserving lookup key (the first
SEGMENT_HASH_PREFIX_CHARS hex digits of sha256(video id): the API answers for every video with
that prefix, so it never learns which one a room watches), how an untrusted answer becomes a
short, sorted, non-overlapping tuple of `Segment`, and which segment a room position falls in.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import Any

from server.domain.constants import (
    SEGMENT_CATEGORIES,
    SEGMENT_END_MARGIN_MS,
    SEGMENT_HASH_PREFIX_CHARS,
    SEGMENT_MIN_MS,
    SEGMENTS_MAX_PER_VIDEO,
)

MAX_SEGMENT_MS = 48 * 3600 * 1000  # no video is longer; a larger number is garbage


@dataclass(frozen=True)
class Segment:
    start_ms: int
    end_ms: int
    category: str

    def to_wire(self) -> dict[str, Any]:
        return {"start_ms": self.start_ms, "end_ms": self.end_ms, "category": self.category}

    @classmethod
    def from_record(cls, record: Any) -> Segment:
        return cls(int(record["start_ms"]), int(record["end_ms"]), str(record["category"]))


def validate_categories(value: object) -> tuple[str, ...]:
    """A room's `skip_segments` selection: a list of known category names (duplicates dropped,
    in the canonical order). Raises ValueError with a message for the sender otherwise."""
    if not isinstance(value, (list, tuple)):
        raise ValueError("skip_segments must be a list of categories")
    if len(value) > len(SEGMENT_CATEGORIES):
        raise ValueError("skip_segments names too many categories")
    unknown = [item for item in value if not isinstance(item, str) or item not in SEGMENT_CATEGORIES]
    if unknown:
        known = ", ".join(SEGMENT_CATEGORIES)
        raise ValueError(f"skip_segments: unknown category {str(unknown[0])[:40]!r} (known: {known})")
    chosen = set(value)
    return tuple(name for name in SEGMENT_CATEGORIES if name in chosen)


def hash_prefix(video_id: str) -> str:
    """The lookup key sent to the segment API instead of the video id."""
    return hashlib.sha256(video_id.encode("ascii")).hexdigest()[:SEGMENT_HASH_PREFIX_CHARS]


def _ms(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    ms = round(value * 1000)
    return ms if 0 <= ms <= MAX_SEGMENT_MS else None


def _one(item: object, categories: tuple[str, ...]) -> Segment | None:
    if not isinstance(item, dict):
        return None
    if item.get("actionType", "skip") != "skip" or item.get("category") not in categories:
        return None
    bounds = item.get("segment")
    if not isinstance(bounds, list) or len(bounds) != 2:
        return None
    start, end = _ms(bounds[0]), _ms(bounds[1])
    if start is None or end is None or end - start < SEGMENT_MIN_MS:
        return None
    return Segment(start, end, item["category"])


def segments_from_answer(answer: object, video_id: str, categories: tuple[str, ...]) -> tuple[Segment, ...]:
    """The skippable segments of `video_id` in an API answer (a list of {videoID, segments}).

    Anything malformed is dropped, only `categories` count, overlapping segments merge (the
    merged one keeps the first one's category), at most SEGMENTS_MAX_PER_VIDEO remain.
    """
    if not isinstance(answer, list) or not categories:
        return ()
    found: list[Segment] = []
    for video in answer[:256]:
        if not isinstance(video, dict) or video.get("videoID") != video_id:
            continue
        items = video.get("segments")
        if isinstance(items, list):
            found.extend(s for s in (_one(item, categories) for item in items[:256]) if s is not None)
    merged: list[Segment] = []
    for segment in sorted(found, key=lambda s: (s.start_ms, s.end_ms)):
        if merged and segment.start_ms <= merged[-1].end_ms:
            last = merged[-1]
            merged[-1] = Segment(last.start_ms, max(last.end_ms, segment.end_ms), last.category)
        else:
            merged.append(segment)
    return tuple(merged[:SEGMENTS_MAX_PER_VIDEO])


def segment_at(segments: tuple[Segment, ...], position_ms: int) -> Segment | None:
    """The segment the room should skip when its clock stands at `position_ms` (None: none).
    Not in a segment's last SEGMENT_END_MARGIN_MS: jumping there would gain nothing."""
    for segment in segments:
        if segment.start_ms <= position_ms < segment.end_ms - SEGMENT_END_MARGIN_MS:
            return segment
    return None


def next_segment_start(segments: tuple[Segment, ...], position_ms: int) -> int | None:
    """The room position at which the next skip is due: `position_ms` itself when it is
    inside a segment, else the start of the first segment after it; None when none is left."""
    for segment in segments:
        if segment.end_ms - SEGMENT_END_MARGIN_MS <= position_ms:
            continue
        return max(segment.start_ms, position_ms)
    return None
