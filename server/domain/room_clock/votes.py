"""Vote-skip (pure): who counts, how many votes a skip needs, and the two vote commands' rules.

A member who may not skip votes with `vote.skip`; the room skips its current entry when the
distinct voters reach `ceil(vote_skip_ratio x watching members)`. Watching: a connected member
whose player reported within VOTE_SKIP_ACTIVE_MS (an idle tab does not block a vote; with Redis,
reports reach other processes with the presence heartbeat, 20 s by default, well inside it), and every
voter (a vote from a phone remote counts even though a remote plays nothing). The votes live
in the room clock's Playback (`skip_votes`), so they are persisted with the room's version
(compare-and-set, shared by every process) and cleared whenever the entry changes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from server.domain.constants import VOTE_SKIP_ACTIVE_MS
from server.domain.room_clock.model import MemberView


@dataclass(frozen=True)
class Tally:
    votes: int
    needed: int
    watching: int

    @property
    def passed(self) -> bool:
        return self.votes >= self.needed

    def to_wire(self, entry_id: int | None, voters: Iterable[int]) -> dict:
        """The `vote.state` payload (and the Room's `vote`)."""
        return {"entry_id": entry_id, "votes": self.votes, "needed": self.needed,
                "watching": self.watching, "voters": sorted(voters)}


def watching(members: Iterable[MemberView], voters: Iterable[int], now_ms: int,
             active_ms: int = VOTE_SKIP_ACTIVE_MS) -> frozenset[int]:
    """Members whose player reported within `active_ms` of `now_ms`, and every voter."""
    recent = {m.user_id for m in members
              if m.reported_ms is not None and now_ms - m.reported_ms <= active_ms}
    return frozenset(recent | set(voters))


def votes_needed(ratio: float, watching_count: int) -> int:
    """ceil(ratio x watching), at least one. Rounded first, so 0.7 x 10 needs 7, not 8."""
    return max(1, math.ceil(round(ratio * watching_count, 6)))


def tally(voters: Iterable[int], members: Iterable[MemberView], ratio: float, now_ms: int) -> Tally:
    votes = frozenset(voters)
    count = len(watching(members, votes, now_ms))
    return Tally(len(votes), votes_needed(ratio, count), count)
