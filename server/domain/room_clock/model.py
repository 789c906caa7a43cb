"""The room clock's data: the Playback value and the narrow context a transition may read.

Pure values (frozen dataclasses, tuples not lists); no I/O, no wall clock. See DESIGN.md
"The room clock" and PROTOCOL.md "Playback".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

from server.domain.constants import (
    AD_HOLD_TIMEOUT_MS,
    END_GRACE_MS,
    HOLD_KINDS,
    HOLD_THEN_STATES,
    PLAYBACK_START_BUFFER_MS,
    PLAYBACK_STATES,
    ROLES,
    START_TIMEOUT_MS,
)
from server.domain.room_settings import BY_KEY, CLOCK_KEYS, DEFAULTS
from server.domain.segments import Segment

STATES = PLAYBACK_STATES
REFUSAL_CODES = ("invalid", "conflict", "not_found")


class Refused(Exception):
    """A command that cannot apply to the room as it is; `code` is a PROTOCOL error code."""

    def __init__(self, code: str, message: str) -> None:
        if code not in REFUSAL_CODES:
            raise ValueError(f"unknown refusal code {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message

    def __repr__(self) -> str:
        return f"Refused({self.code!r}, {self.message!r})"


@dataclass(frozen=True)
class Playback:
    """One room's authoritative playback state.

    While `playing`, the room position at server time t is
    `position_ms + (t - anchor_ms) * rate`, never below `position_ms` (an anchor in the future
    is a scheduled start). `hold` says why a `starting`/`midroll` room waits, `waiting_for`
    whom it waits for, `deadline_ms` when it stops waiting, and `then` where it goes next.
    """

    state: str = "idle"
    entry_id: int | None = None
    video_id: str | None = None
    position_ms: int = 0
    anchor_ms: int = 0
    rate: float = 1.0
    version: int = 0
    actor_id: int | None = None
    deadline_ms: int | None = None
    waiting_for: tuple[int, ...] = ()
    duration_ms: int | None = None
    ready: tuple[int, ...] = ()
    in_ad: tuple[int, ...] = ()
    hold: str | None = None
    then: str | None = None
    # buffer_policy "wait": members whose reported stall holds (or would hold) the room, and
    # those the room stopped waiting for on this entry (hold timeout, "Start now"): their
    # stalls hold it no more until the next entry.
    stalled: tuple[int, ...] = ()
    unwaited: tuple[int, ...] = ()
    # skip_segments: the current entry's segments the room skips for everyone (sorted, disjoint)
    segments: tuple[Segment, ...] = ()
    # vote.skip: the distinct members who voted to skip the current entry (cleared by a new one)
    skip_votes: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if self.state not in STATES:
            raise ValueError(f"unknown playback state {self.state!r}")
        if self.hold is not None and self.hold not in HOLD_KINDS:
            raise ValueError(f"unknown hold {self.hold!r}")
        if self.then is not None and self.then not in HOLD_THEN_STATES:
            raise ValueError(f"unknown hold outcome {self.then!r}")

    def raw_position_at(self, now_ms: int) -> int:
        """Where the clock is at `now_ms`, not clamped to the duration (playing only moves)."""
        if self.state != "playing":
            return self.position_ms
        elapsed = round((now_ms - self.anchor_ms) * self.rate)
        return self.position_ms + max(0, elapsed)

    def position_at(self, now_ms: int) -> int:
        """The room position at server time `now_ms`, clamped to the duration when known."""
        position = self.raw_position_at(now_ms)
        if self.duration_ms is not None and position > self.duration_ms:
            position = max(self.duration_ms, self.position_ms)
        return position

    def to_wire(self) -> dict[str, Any]:
        """The PROTOCOL `Playback` shape sent to clients."""
        return {
            "state": self.state,
            "entry_id": self.entry_id,
            "video_id": self.video_id,
            "position_ms": self.position_ms,
            "anchor_ms": self.anchor_ms,
            "rate": self.rate,
            "version": self.version,
            "actor_id": self.actor_id,
            "deadline_ms": self.deadline_ms,
            "waiting_for": list(self.waiting_for),
            "duration_ms": self.duration_ms,
            "in_ad": list(self.in_ad),
            "hold": self.hold,
            "stalled": list(self.stalled),
            "segments": [segment.to_wire() for segment in self.segments],
            "skip_votes": list(self.skip_votes),
        }

    def to_record(self) -> dict[str, Any]:
        """Every field, JSON-friendly, for persistence."""
        record: dict[str, Any] = {}
        for spec in fields(self):
            value = getattr(self, spec.name)
            if spec.name == "segments":
                value = [segment.to_wire() for segment in value]
            record[spec.name] = list(value) if isinstance(value, tuple) else value
        return record

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Playback:
        """The inverse of `to_record`; missing keys take their defaults, unknown keys are ignored."""
        known = {spec.name for spec in fields(cls)}
        values: dict[str, Any] = {}
        for name, value in record.items():
            if name not in known:
                continue
            if name in ("waiting_for", "ready", "in_ad", "stalled", "unwaited", "skip_votes"):
                value = tuple(int(user_id) for user_id in value or ())
            elif name == "segments":
                value = tuple(Segment.from_record(item) for item in value or ())
            elif name == "rate":
                value = float(value)
            values[name] = value
        return cls(**values)


@dataclass(frozen=True)
class EntryRef:
    """The little a transition needs to know about a queue entry."""

    id: int
    video_id: str
    duration_ms: int | None = None
    start_ms: int = 0


@dataclass(frozen=True)
class MemberView:
    """A connected member as the room clock sees them."""

    user_id: int
    role: str = "participant"
    rtt_ms: int = 0
    # the server time of this member's player's last report (player.status); None: never
    reported_ms: int | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}")


@dataclass(frozen=True)
class RoomContext:
    """What a transition may read about the room besides its Playback."""

    # connected members only; any Sequence (the runner's is read on first use: a pause reads none)
    members: Sequence[MemberView] = ()
    # the room settings the clock reads (room_settings.py, clock=True), defaults from there
    ad_sync_mode: str = str(DEFAULTS["ad_sync_mode"])
    autoadvance: bool = bool(DEFAULTS["autoadvance"])
    buffer_policy: str = str(DEFAULTS["buffer_policy"])
    repeat: str = str(DEFAULTS["repeat"])
    vote_skip_ratio: float = float(DEFAULTS["vote_skip_ratio"])  # type: ignore[arg-type]
    next_entry: EntryRef | None = None  # the next queued entry
    current_entry: EntryRef | None = None  # the entry the playback is on (repeat replays it)
    start_buffer_ms: int = PLAYBACK_START_BUFFER_MS
    start_timeout_ms: int = START_TIMEOUT_MS
    ad_hold_timeout_ms: int = AD_HOLD_TIMEOUT_MS
    # server clock past the known end before Tick advances by itself
    end_grace_ms: int = END_GRACE_MS

    def __post_init__(self) -> None:
        for key in CLOCK_KEYS:
            if not BY_KEY[key].accepts(getattr(self, key)):
                raise ValueError(f"unknown {key} {getattr(self, key)!r}")

    def member(self, user_id: int | None) -> MemberView | None:
        for member in self.members:
            if member.user_id == user_id:
                return member
        return None

    def member_ids(self) -> tuple[int, ...]:
        return tuple(sorted({member.user_id for member in self.members}))
