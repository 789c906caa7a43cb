"""In-process counters for the dashboard and /metrics: events, ack latency, errors."""
from __future__ import annotations

import threading
import time
from array import array
from bisect import bisect_left
from collections import Counter

WINDOW_S = 60
ACK_RING = 20_000  # the last acks kept for the dashboard's rates and p99


class AckRing:
    """The last `size` acks as (time, ms) in two preallocated arrays of doubles: 16 bytes an ack
    (320 KB in all), where a deque of (t, ms) tuples held ~120 bytes an ack (2.4 MB once full,
    which a loaded process reached within a minute — issue 15's memory per client)."""

    def __init__(self, size: int = ACK_RING) -> None:
        self.size = size
        self.at = array("d", [0.0]) * size
        self.ms = array("d", [0.0]) * size
        self.count = 0  # acks ever appended; the newest is at (count - 1) % size

    def append(self, at: float, ms: float) -> None:
        i = self.count % self.size
        self.at[i] = at
        self.ms[i] = ms
        self.count += 1

    def since(self, cutoff: float) -> list[float]:
        """The ms of the acks at or after `cutoff`, oldest first: a binary search in each of the
        ring's two time-ordered runs and one slice, not a Python loop over 20,000 entries (the
        dashboard asks while the process serves its sockets)."""
        out: list[float] = []
        for start, end in self._segments():
            first = bisect_left(self.at, cutoff, start, end)
            out.extend(self.ms[first:end])
        return out

    def _segments(self) -> list[tuple[int, int]]:
        """The ring's runs in time order: [oldest .. end of the arrays], [start .. newest]."""
        if self.count <= self.size:
            return [(0, self.count)]
        head = self.count % self.size  # the oldest
        return [(head, self.size), (0, head)]


class Metrics:
    def __init__(self) -> None:
        self.events: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self._acks = AckRing()
        self._lock = threading.Lock()
        self.started = time.time()

    def record(self, event: str, ack_ms: float, error: str | None) -> None:
        with self._lock:
            self.events[event] += 1
            if error:
                self.errors[error] += 1
            self._acks.append(time.time(), ack_ms)

    def recent(self, seconds: float = WINDOW_S) -> list[float]:
        cutoff = time.time() - seconds
        with self._lock:
            return self._acks.since(cutoff)

    def events_per_s(self, seconds: float = 10) -> float:
        cutoff = time.time() - seconds
        with self._lock:
            n = len(self._acks.since(cutoff))
        return round(n / seconds, 2)

    def p99_ack_ms(self, seconds: float = WINDOW_S) -> float:
        values = sorted(self.recent(seconds))
        if not values:
            return 0.0
        return round(values[min(len(values) - 1, int(len(values) * 0.99))], 2)
