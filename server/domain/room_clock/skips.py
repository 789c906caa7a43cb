"""The room clock skips segments for everyone (room setting `skip_segments`).

The segments of the current entry arrive as `LoadSegments` (fetched off the handler) and live
in the Playback, so every process's clock sees them. When the room's clock reaches one, the
server's `Tick` moves the whole room past it with a scheduled start: everyone holds at the
segment's end and plays on at the same instant, and a system line says what was skipped.
"""

from __future__ import annotations

import math
from dataclasses import replace

from server.domain.room_clock.commands import Effect, LoadSegments, System, fmt_time
from server.domain.room_clock.holds import scheduled_start
from server.domain.room_clock.members import is_current, unchanged
from server.domain.room_clock.model import Playback, RoomContext
from server.domain.segments import next_segment_start, segment_at

Outcome = tuple[Playback, list[Effect]]


def on_load_segments(pb: Playback, cmd: LoadSegments, ctx: RoomContext, now_ms: int) -> Outcome:
    if not is_current(pb, cmd.entry_id) or cmd.segments == pb.segments:
        return unchanged(pb)
    return replace(pb, segments=tuple(cmd.segments)), []


def skip_due(pb: Playback, ctx: RoomContext, now_ms: int) -> Outcome | None:
    """The skip the room's clock is due for at `now_ms` (None: it is in no segment)."""
    if pb.state != "playing" or not pb.segments or now_ms < pb.anchor_ms:
        return None
    segment = segment_at(pb.segments, pb.position_at(now_ms))
    if segment is None:
        return None
    span = f"{fmt_time(segment.start_ms)}–{fmt_time(segment.end_ms)}"
    line = System("segment_skipped", (), {"category": segment.category, "span": span,
                                          "start_ms": segment.start_ms, "end_ms": segment.end_ms})
    return scheduled_start(pb, ctx, now_ms, segment.end_ms), [line]


def segment_due_ms(pb: Playback) -> int | None:
    """The server-clock instant a playing room reaches its next segment (None: no segment left)."""
    if pb.state != "playing" or not pb.segments:
        return None
    start = next_segment_start(pb.segments, pb.position_ms)
    if start is None:
        return None
    return pb.anchor_ms + math.ceil((start - pb.position_ms) / pb.rate)
