"""Duplicate collapse for queue requests (the one limit the `limits` package has no equivalent for).

Every rate limit lives in `server/services/request_limits.py` on the `limits` package. This
module keeps what a rate limit cannot say: "the same user adding the same video within a few
seconds adds it once, and the repeat answers with the first entry".

Pure: every call takes ``now_ms`` (server epoch milliseconds) instead of reading a clock. Keys are
bounded: closed windows are swept periodically, the least recently used beyond ``max_keys``
evicted. A lock guards each structure, so concurrent handlers can share it. A clock that steps
backwards never keeps a window open forever: the step counts as no time passing.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any, Generic, TypeVar

from server.domain.queue_chat_limits import DUPLICATE_ADD_WINDOW_MS, LIMITER_MAX_KEYS, LIMITER_PRUNE_EVERY_MS

V = TypeVar("V")


class _KeyedMemory:
    """Shared bookkeeping: an LRU-ordered dict, a lock, periodic sweeps, a size bound."""

    def __init__(self, max_keys: int, prune_every_ms: int) -> None:
        if max_keys <= 0:
            raise ValueError("max_keys must be positive")
        self.max_keys = max_keys
        self.prune_every_ms = prune_every_ms
        self._lock = threading.Lock()
        self._last_prune_ms: int | None = None

    def _maybe_prune(self, entries: OrderedDict[Hashable, Any], now_ms: int) -> None:
        last = self._last_prune_ms
        due = last is None or abs(now_ms - last) >= self.prune_every_ms
        if due or len(entries) > self.max_keys:
            self._prune_locked(now_ms)
            self._last_prune_ms = now_ms
        while len(entries) > self.max_keys:
            entries.popitem(last=False)

    def _prune_locked(self, now_ms: int) -> int:
        raise NotImplementedError


class DuplicateWindow(_KeyedMemory, Generic[V]):
    """Collapses repeats of the same key within ``window_ms`` of its first sighting.

    For ``queue.add`` the key is ``(room, user, video_id)`` and the value the entry id created
    the first time, so a repeated add can answer with the same entry instead of a second one.
    """

    def __init__(
        self,
        window_ms: int = DUPLICATE_ADD_WINDOW_MS,
        max_keys: int = LIMITER_MAX_KEYS,
        prune_every_ms: int = LIMITER_PRUNE_EVERY_MS,
    ) -> None:
        super().__init__(max_keys, prune_every_ms)
        self.window_ms = window_ms
        self._first: OrderedDict[Hashable, tuple[int, V | None]] = OrderedDict()

    def seen(self, key: Hashable, now_ms: int) -> bool:
        """True if ``key`` was seen within the window; otherwise remember it now and say False."""
        with self._lock:
            if self._live(key, now_ms) is not None:
                return True
            self._store(key, now_ms, now_ms, None)
            return False

    def remember(self, key: Hashable, now_ms: int, value: V) -> None:
        """Attach ``value`` (e.g. the created entry id), starting the window if not running."""
        with self._lock:
            live = self._live(key, now_ms)
            self._store(key, live[0] if live else now_ms, now_ms, value)

    def recall(self, key: Hashable, now_ms: int) -> V | None:
        """The value remembered for ``key`` if its window is still open."""
        with self._lock:
            live = self._live(key, now_ms)
            return live[1] if live else None

    def forget(self, key: Hashable) -> None:
        """Drop ``key`` (the first attempt failed, so a retry must not count as a duplicate)."""
        with self._lock:
            self._first.pop(key, None)

    def prune(self, now_ms: int) -> int:
        with self._lock:
            return self._prune_locked(now_ms)

    def __len__(self) -> int:
        return len(self._first)

    def _live(self, key: Hashable, now_ms: int) -> tuple[int, V | None] | None:
        record = self._first.get(key)
        return record if record is not None and self._is_open(record, now_ms) else None

    def _store(self, key: Hashable, first_ms: int, now_ms: int, value: V | None) -> None:
        self._first[key] = (first_ms, value)
        self._first.move_to_end(key)
        self._maybe_prune(self._first, now_ms)

    def _prune_locked(self, now_ms: int) -> int:
        idle = [key for key, record in self._first.items() if not self._is_open(record, now_ms)]
        for key in idle:
            del self._first[key]
        return len(idle)

    def _is_open(self, record: tuple[int, V | None], now_ms: int) -> bool:
        return 0 <= now_ms - record[0] < self.window_ms
