"""Who takes a room over when its owner has been away: pure rules, times passed in.

The owner is away when none of their sockets (browser or phone) is in the room; after
`away_ms` of that, ownership goes to the operator present longest, else to the member present
longest (a tie goes to the lower user id, so every process picks the same one). The old owner
becomes an operator, as with a hand-over by hand.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Candidate:
    """A member with a socket in the room: role, and since when they have been present."""

    user_id: int
    role: str
    present_since_ms: int


def owner_away_long_enough(owner_present: bool, last_seen_ms: int | None, now_ms: int, away_ms: int) -> bool:
    """True when the owner has had no socket in the room for `away_ms`; `away_ms` <= 0 turns it off."""
    if owner_present or away_ms <= 0:
        return False
    return now_ms - (last_seen_ms or 0) >= away_ms


def successor(candidates: Iterable[Candidate], owner_id: int) -> int | None:
    """The user who becomes owner: the longest-present operator, else the longest-present member."""
    pool = [c for c in candidates if c.user_id != owner_id and c.role in ("operator", "participant")]
    operators = [c for c in pool if c.role == "operator"]
    chosen = min(operators or pool, key=lambda c: (c.present_since_ms, c.user_id), default=None)
    return chosen.user_id if chosen is not None else None
