"""What may be asked of the room clock (commands) and what it asks back (effects).

Each command carries `actor`: the user who asked or whom it concerns (None when the server
itself asks, e.g. `Tick`). Effects are for the handler: it updates the queue for `Advanced`,
posts a system chat line for `System`, and may announce `HoldChanged`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from server.domain.room_clock_model import EntryRef

# --- commands -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Play:
    actor: int | None


@dataclass(frozen=True)
class Pause:
    actor: int | None
    position_ms: int | None = None  # what the pausing user saw


@dataclass(frozen=True)
class Seek:
    actor: int | None
    position_ms: int
    play: bool | None = None  # None keeps playing/paused as it is


@dataclass(frozen=True)
class Skip:
    actor: int | None


@dataclass(frozen=True)
class Restart:
    actor: int | None


@dataclass(frozen=True)
class SetRate:
    actor: int | None
    rate: float


@dataclass(frozen=True)
class StartNow:
    actor: int | None


@dataclass(frozen=True)
class PlayEntry:
    actor: int | None
    entry: EntryRef


@dataclass(frozen=True)
class Ready:
    actor: int | None
    entry_id: int | None
    ready: bool = True


@dataclass(frozen=True)
class Ad:
    actor: int | None
    entry_id: int | None
    active: bool


@dataclass(frozen=True)
class Ended:
    actor: int | None
    entry_id: int | None
    # the reporter may control the room (so could skip anyway): believed even when the duration
    # is unknown; anyone else's end counts only when the room clock agrees
    trusted: bool = False


@dataclass(frozen=True)
class Duration:
    actor: int | None
    entry_id: int | None
    duration_ms: int


@dataclass(frozen=True)
class MemberJoined:
    actor: int | None  # the member who connected


@dataclass(frozen=True)
class MemberLeft:
    actor: int | None  # the member who disconnected


@dataclass(frozen=True)
class Tick:
    actor: int | None = None  # always the server


Command = (
    Play
    | Pause
    | Seek
    | Skip
    | Restart
    | SetRate
    | StartNow
    | PlayEntry
    | Ready
    | Ad
    | Ended
    | Duration
    | MemberJoined
    | MemberLeft
    | Tick
)

# The wire event each command comes from, for transition logs.
EVENT_NAMES: dict[type, str] = {
    Play: "play",
    Pause: "pause",
    Seek: "seek",
    Skip: "skip",
    Restart: "restart",
    SetRate: "rate",
    StartNow: "start_now",
    PlayEntry: "queue.play",
    Ready: "player.ready",
    Ad: "player.ad",
    Ended: "player.ended",
    Duration: "player.duration",
    MemberJoined: "join",
    MemberLeft: "leave",
    Tick: "tick",
}

# Commands whose resulting change nobody in particular asked for: actor_id becomes None.
SERVER_CAUSED = (Tick, MemberJoined, MemberLeft)

# --- effects --------------------------------------------------------------------------------

ADVANCE_STATUSES = ("played", "skipped")
SYSTEM_KINDS = (
    "start_timeout",  # started without the members in user_ids
    "start_now",  # someone started without waiting for user_ids (detail: by)
    "ad_hold",  # the room holds for the ads of user_ids
    "ad_release",  # the last ad is over (user_ids: whose ad ended last)
    "ad_timeout",  # resumed without waiting longer for the ads of user_ids
    "autoadvance_off",  # the entry ended and the room paused at its end
    "queue_finished",  # the last entry ended; the room is idle
)


@dataclass(frozen=True)
class Advanced:
    """The current entry changed: mark `from` with `from_status`, `to` as playing.

    `to_entry_id` None means the queue finished.
    """

    from_entry_id: int | None
    from_status: str | None
    to_entry_id: int | None


@dataclass(frozen=True)
class System:
    """A system chat line to post; names are looked up by the handler from `user_ids`."""

    kind: str
    user_ids: tuple[int, ...] = ()
    detail: dict[str, Any] = field(default_factory=dict, compare=True, hash=False)


@dataclass(frozen=True)
class HoldChanged:
    """Why the room waits, or whom it waits for, changed."""

    hold: str | None
    waiting_for: tuple[int, ...]


Effect = Advanced | System | HoldChanged
