"""In-process counters for the dashboard and /metrics: events, ack latency, errors."""
from __future__ import annotations

import threading
import time
from collections import Counter, deque

WINDOW_S = 60


class Metrics:
    def __init__(self) -> None:
        self.events: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self._acks: deque[tuple[float, float]] = deque(maxlen=20000)  # (t, ms)
        self._lock = threading.Lock()
        self.started = time.time()

    def record(self, event: str, ack_ms: float, error: str | None) -> None:
        with self._lock:
            self.events[event] += 1
            if error:
                self.errors[error] += 1
            self._acks.append((time.time(), ack_ms))

    def recent(self, seconds: float = WINDOW_S) -> list[float]:
        cutoff = time.time() - seconds
        with self._lock:
            return [ms for t, ms in self._acks if t >= cutoff]

    def events_per_s(self, seconds: float = 10) -> float:
        cutoff = time.time() - seconds
        with self._lock:
            n = sum(1 for t, _ in self._acks if t >= cutoff)
        return round(n / seconds, 2)

    def p99_ack_ms(self, seconds: float = WINDOW_S) -> float:
        values = sorted(self.recent(seconds))
        if not values:
            return 0.0
        return round(values[min(len(values) - 1, int(len(values) * 0.99))], 2)
