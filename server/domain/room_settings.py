"""Every room setting, declared once (pure).

A `Setting` says what the setting is (type, allowed values, default), who may change it, and
who reads it: the room clock (`clock=True`: a field of the same name on RoomContext, filled in
from the room by the clock runner) or the roster (`roster=True`: a change re-sends the roster).
From this table come the Room model's columns and defaults, the `room.settings` validation, the
settings' wire shape and the clock's context. To add a setting: a line here, the code that reads
it (a RoomContext field too when the clock does), and a migration (docs/ARCHITECTURE.md).

The password is not here: it is stored hashed and sent as `has_password` (services/rooms.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from server.domain.constants import AD_SYNC_MODES, BUFFER_POLICIES, CONTROL_MODES, REPEAT_MODES, SEGMENT_CATEGORIES

OPERATORS: Final = "operators"  # the owner and operators may change it
OWNER: Final = "owner"  # only the owner may change it


@dataclass(frozen=True)
class Setting:
    key: str
    type: type  # bool | int | float | str | tuple (a selection of `choices`, in their order)
    default: object  # None: no default, the room is created with a value (the name)
    choices: tuple[str, ...] = ()  # str: the allowed values (an enum); tuple: what may be selected
    max_len: int = 0  # str without choices: the longest value (and the column's length)
    min_len: int = 0
    minimum: float | None = None  # int/float: the range
    maximum: float | None = None
    changed_by: str = OPERATORS
    clock: bool = False  # the room clock reads it (RoomContext.<key>)
    roster: bool = False  # the roster reads it: a change re-sends presence.update

    def __post_init__(self) -> None:
        if self.changed_by not in (OPERATORS, OWNER):
            raise ValueError(f"{self.key}: changed_by must be {OPERATORS!r} or {OWNER!r}")
        if self.type not in (bool, int, float, str, tuple):
            raise ValueError(f"{self.key}: unsupported type {self.type!r}")
        if self.default is not None and not self.accepts(self.default):
            raise ValueError(f"{self.key}: the default {self.default!r} is not an allowed value")

    @property
    def column_length(self) -> int:
        """The string column's length: the longest choice, rounded up to 16, or max_len; a
        selection (tuple) is stored comma-separated, so all its choices must fit."""
        if self.type is tuple:
            return len(",".join(self.choices))
        if self.choices:
            return max(16, -(-max(len(c) for c in self.choices) // 16) * 16)
        return self.max_len

    def accepts(self, value: object) -> bool:
        """Whether `value` is allowed (types exact: a bool is not an int here)."""
        if self.type is float:
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        else:
            ok = type(value) is self.type
        if not ok:
            return False
        if isinstance(value, tuple):  # a selection: distinct choices, in the declared order
            return all(isinstance(v, str) for v in value) and len(set(value)) == len(value) \
                and value == tuple(c for c in self.choices if c in value)
        if self.choices:
            return value in self.choices
        if isinstance(value, str):
            return self.min_len <= len(value) <= self.max_len
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return (self.minimum is None or value >= self.minimum) and (self.maximum is None or value <= self.maximum)
        return True


SETTINGS: Final[tuple[Setting, ...]] = (
    Setting("name", str, None, max_len=80, min_len=1),
    Setting("is_private", bool, False),
    Setting("control_mode", str, "operators", choices=CONTROL_MODES, changed_by=OWNER),
    Setting("ad_sync_mode", str, "pause_all", choices=AD_SYNC_MODES, clock=True, roster=True),
    Setting("autoadvance", bool, True, clock=True, roster=True),
    Setting("queue_locked", bool, False),
    # what the room does while a member's player stalls (catch_up, wait, ignore; constants.py)
    Setting("buffer_policy", str, "catch_up", choices=BUFFER_POLICIES, clock=True),
    # SponsorBlock categories the room skips for everyone (off: nothing selected)
    Setting("skip_segments", tuple, (), choices=SEGMENT_CATEGORIES),
    # at an entry's end: off, replay it (one), or play on and re-queue it at the end (all)
    Setting("repeat", str, "off", choices=REPEAT_MODES, clock=True),
    # share of the watching members whose votes skip the current entry (vote.skip; owner only,
    # like control_mode: it says who controls playback)
    Setting("vote_skip_ratio", float, 0.5, minimum=0.1, maximum=1.0, changed_by=OWNER, clock=True),
    # shown in the homepage's list of public rooms (never while private or with a password)
    Setting("listed", bool, False),
)
BY_KEY: Final[dict[str, Setting]] = {s.key: s for s in SETTINGS}
DEFAULTS: Final[dict[str, object]] = {s.key: s.default for s in SETTINGS if s.default is not None}
OWNER_ONLY: Final[frozenset[str]] = frozenset(s.key for s in SETTINGS if s.changed_by == OWNER)
CLOCK_KEYS: Final[tuple[str, ...]] = tuple(s.key for s in SETTINGS if s.clock)
ROSTER_KEYS: Final[frozenset[str]] = frozenset(s.key for s in SETTINGS if s.roster)


def default(key: str) -> object:
    return BY_KEY[key].default
