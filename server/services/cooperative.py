"""Long loops on the event loop's one thread (the roster folds, the role reconcile) hand the
loop back for a whole turn every TURN_EVERY_MS of their work, so a socket's read, and the ack it
leads to, never waits behind more than that.

gevent's `sleep(0)` is not enough: gevent runs the callbacks it schedules ahead of polling for I/O
and looks at the clock only every 50 of them, so a loop that calls it after each step lets a
waiting reader in only ~50 steps later (tests/unit/test_cooperative.py: 51 ms for steps of 1 ms;
1 ms with Turns). Measured (issue 15, seventh pass): at 2,000 clients the roster folds, once they
wrote their frames themselves, held acks for up to ~90 ms every 2 s (ack p99 63 ms); with Turns
18 ms. A sleep of any positive length is resumed only on the loop's next turn, after its I/O poll.
"""
from __future__ import annotations

import time

from server.extensions import socketio

TURN_EVERY_MS = 4.0  # the longest stretch of such a loop's work between two turns of the event loop
TURN_SLEEP_S = 0.0001  # positive: resumed on the loop's next turn, after its I/O poll


class Turns:
    """`Turns()` at the start of a long loop; `turns.take()` after each step of it: gives the event
    loop a turn when TURN_EVERY_MS of work have passed since the last one. Returns whether it did."""

    __slots__ = ("_since", "_every_s")

    def __init__(self, every_ms: float | None = None) -> None:  # (None: TURN_EVERY_MS)
        self._since = time.perf_counter()
        self._every_s = (TURN_EVERY_MS if every_ms is None else every_ms) / 1000

    def take(self) -> bool:
        if time.perf_counter() - self._since < self._every_s:
            return False
        socketio.sleep(TURN_SLEEP_S)
        self._since = time.perf_counter()
        return True
