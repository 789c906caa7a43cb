"""Shared values for the room-clock unit tests: a two-member room and a playing entry."""

from __future__ import annotations

from dataclasses import replace

from server.domain.room_clock import EntryRef, MemberView, Playback, RoomContext

NOW = 1_000_000
OWNER, BOB, CAROL = 1, 2, 3
CURRENT = EntryRef(10, "vid10aaaaaa", 60_000)
NEXT = EntryRef(11, "vid11aaaaaa", 120_000, start_ms=5_000)


def room(rtts: tuple[int, ...] = (40, 150), **settings: object) -> RoomContext:
    roles = ("owner", "participant", "participant")
    members = tuple(
        MemberView(user_id, roles[index], rtt)
        for index, (user_id, rtt) in enumerate(zip((OWNER, BOB, CAROL), rtts, strict=False))
    )
    settings.setdefault("next_entry", NEXT)
    return RoomContext(members=members, **settings)  # type: ignore[arg-type]


def playing(position: int = 10_000, since: int = 5_000, **fields: object) -> Playback:
    values: dict[str, object] = {
        "state": "playing",
        "entry_id": CURRENT.id,
        "video_id": CURRENT.video_id,
        "duration_ms": CURRENT.duration_ms,
        "position_ms": position,
        "anchor_ms": NOW - since,
        "version": 7,
    }
    values.update(fields)
    return Playback(**values)  # type: ignore[arg-type]


def paused(position: int = 20_000, **fields: object) -> Playback:
    return replace(playing(position), state="paused", anchor_ms=NOW - 1, **fields)  # type: ignore[arg-type]
