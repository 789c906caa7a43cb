"""Whether a reported video duration may change an entry: a participant's report is a claim.

A wrong duration is an attack on the room: 1 ms makes the server's clock "end" the video at
once (skipping it under `owner_only`), a huge one stops auto-advance. So a report changes an
entry only when it is plausible and agreed:

- implausible (shorter than MIN_PLAUSIBLE_DURATION_MS, or shorter than where the room clock
  already is) — never;
- the entry has no duration yet — the first report from a player showing that video (the
  room's current entry, reported by an extension), or an operator's;
- the entry has a duration — a single report never shortens it; a longer one from an operator
  is taken; otherwise it takes a second reporter agreeing (within DURATION_AGREE_MS).

Pure: no Flask, no database; the caller says who reports and what the room looks like.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass

from server.domain.constants import DURATION_AGREE_MS, END_GRACE_MS, MIN_PLAUSIBLE_DURATION_MS

MAX_TRACKED_ENTRIES = 10_000


@dataclass(frozen=True)
class DurationReport:
    user_id: int
    duration_ms: int
    operator: bool  # owner or operator of the room
    shows_video: bool  # a player (extension) reporting the room's current entry


@dataclass(frozen=True)
class Verdict:
    accept: bool
    reason: str  # why, for the log and the reporter's ack


def judge_duration(known_ms: int | None, report: DurationReport, others: Mapping[int, int],
                   room_position_ms: int | None = None) -> Verdict:
    """Decide one report. `others`: other users' latest reports for this entry (user → ms);
    `room_position_ms`: where the room clock is in this entry, when it is the current one."""
    reported = report.duration_ms
    if reported < MIN_PLAUSIBLE_DURATION_MS:
        return Verdict(False, "implausible")
    if room_position_ms is not None and reported < room_position_ms - END_GRACE_MS:
        return Verdict(False, "implausible")  # the room has already played past that "end"
    if known_ms is None:
        if report.operator or report.shows_video:
            return Verdict(True, "first")
        return Verdict(False, "not_a_player_of_it")
    if abs(reported - known_ms) <= DURATION_AGREE_MS:
        return Verdict(False, "unchanged")
    agreed = any(uid != report.user_id and abs(ms - reported) <= DURATION_AGREE_MS for uid, ms in others.items())
    if agreed:
        return Verdict(True, "agreed")
    if reported > known_ms and report.operator:
        return Verdict(True, "operator")
    return Verdict(False, "needs_agreement")


class DurationReports:
    """The latest report of each user per entry, so a second reporter can agree (bounded memory)."""

    def __init__(self, max_entries: int = MAX_TRACKED_ENTRIES) -> None:
        self.max_entries = max_entries
        self._by_entry: OrderedDict[int, dict[int, int]] = OrderedDict()
        self._lock = threading.Lock()

    def others(self, entry_id: int, user_id: int) -> dict[int, int]:
        with self._lock:
            return {u: ms for u, ms in self._by_entry.get(entry_id, {}).items() if u != user_id}

    def record(self, entry_id: int, user_id: int, duration_ms: int) -> None:
        with self._lock:
            self._by_entry.setdefault(entry_id, {})[user_id] = duration_ms
            self._by_entry.move_to_end(entry_id)
            while len(self._by_entry) > self.max_entries:
                self._by_entry.popitem(last=False)
