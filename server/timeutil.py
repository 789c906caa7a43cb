"""The server's clock in one place (epoch milliseconds), so tests can reason about it."""
from __future__ import annotations

import time


def now_ms() -> int:
    return time.time_ns() // 1_000_000
