"""The rate limits' storage in one process's memory (no Redis): moving windows expired when read.

`limits`' own `memory://` storage expires entries from a timer thread that wakes every 10 ms and
walks every key it holds; with a key per user and rule that walk was 47 % of a one-process
server's busy CPU at 1,000 clients (tests/bench/README.md, issue 15's profile). Here a window is
pruned when its key is used, and keys nobody used for a whole window are dropped by a sweep at
most every SWEEP_EVERY_S, on the next use: the cost follows the requests, not the clock.

Registered with `limits` as the scheme `sharetube-memory://`, so the socket events' limits
(request_limits.Limits) and Flask-Limiter's HTTP routes both use it. Fixed-window counters
(`incr`/`get`) are kept too, for any strategy a caller may choose.
"""
from __future__ import annotations

import threading
import time
from bisect import bisect_right
from collections.abc import Callable

from limits.storage import MovingWindowSupport, Storage

SCHEME = "sharetube-memory"
SWEEP_EVERY_S = 10.0


class LazyWindowStorage(Storage, MovingWindowSupport):
    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False,
                 clock: Callable[[], float] = time.time, **options: float | str | bool) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._clock = clock
        self._lock = threading.Lock()
        # key → when each entry was taken, oldest first (a list: a deque's first block alone is 624
        # bytes, and there are a few keys per connected client)
        self._windows: dict[str, list[float]] = {}
        self._spans: dict[str, float] = {}  # key → its window's length (seconds), for the sweep
        self._counters: dict[str, list[float]] = {}  # fixed windows: key → [count, expires at]
        self._next_sweep = clock() + SWEEP_EVERY_S

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return ValueError

    # -- moving windows ----------------------------------------------------------------------
    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        if amount > limit:
            return False
        now = self._clock()
        with self._lock:
            self._sweep_if_due(now)
            taken = self._live(key, expiry, now)
            if len(taken) + amount > limit:
                return False
            taken.extend([now] * amount)
            self._spans[key] = float(expiry)
            return True

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        """(when the oldest entry still in the window was taken, how many are in it)."""
        now = self._clock()
        with self._lock:
            taken = self._live(key, expiry, now)
            return (taken[0], len(taken)) if taken else (now, 0)

    def _live(self, key: str, expiry: float, now: float) -> list[float]:
        taken = self._windows.get(key)
        if taken is None:
            taken = self._windows[key] = []
        if taken and taken[0] <= now - expiry:
            del taken[:bisect_right(taken, now - expiry)]
        return taken

    def _sweep_if_due(self, now: float) -> None:
        if now < self._next_sweep:
            return
        self._next_sweep = now + SWEEP_EVERY_S
        for key in [k for k, taken in self._windows.items() if not taken or taken[-1] <= now - self._spans.get(k, 0)]:
            del self._windows[key]
            self._spans.pop(key, None)
        for key in [k for k, (_count, until) in self._counters.items() if until <= now]:
            del self._counters[key]

    # -- fixed windows and the rest of the Storage interface ------------------------------------
    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = self._clock()
        with self._lock:
            self._sweep_if_due(now)
            counter = self._counters.get(key)
            if counter is None or counter[1] <= now:
                counter = self._counters[key] = [0, now + expiry]
            counter[0] += amount
            return int(counter[0])

    def get(self, key: str) -> int:
        with self._lock:
            counter = self._counters.get(key)
            return int(counter[0]) if counter and counter[1] > self._clock() else 0

    def get_expiry(self, key: str) -> float:
        with self._lock:
            counter = self._counters.get(key)
            return counter[1] if counter else self._clock()

    def check(self) -> bool:
        return True

    def reset(self) -> int | None:
        with self._lock:
            count = len(self._windows) + len(self._counters)
            self._windows.clear()
            self._spans.clear()
            self._counters.clear()
            return count

    def clear(self, key: str) -> None:
        with self._lock:
            self._windows.pop(key, None)
            self._spans.pop(key, None)
            self._counters.pop(key, None)

    def keys_held(self) -> int:
        """How many keys are kept (tests, and a check that the sweep runs)."""
        with self._lock:
            return len(self._windows) + len(self._counters)
