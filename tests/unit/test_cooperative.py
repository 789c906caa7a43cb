"""services/cooperative.py: a long loop on the event loop's thread gives it a whole turn every few
ms of work, so a socket whose bytes are waiting is read within that, not ~50 steps later as with
the gevent sleep(0) the loops used before."""
from __future__ import annotations

import time
from types import SimpleNamespace

import gevent
import gevent.socket

from server.services import cooperative


def _loop_while_a_reader_waits(monkeypatch, step) -> tuple[float | None, float]:
    """A reader greenlet waits for bytes that are already in its socket; a loop of 60 ms of work
    calls `step()` after each millisecond. Returns when the reader got its bytes (s after the
    loop began; None if it had not by the loop's end) and how long the loop took."""
    monkeypatch.setattr(cooperative, "socketio", SimpleNamespace(sleep=gevent.sleep))
    a, b = gevent.socket.socketpair()
    read_at: list[float] = []
    try:
        reader = gevent.spawn(lambda: (a.recv(10), read_at.append(time.perf_counter())))
        gevent.sleep(0.01)  # the reader is now waiting in the loop's I/O poll
        b.sendall(b"status")
        began = time.perf_counter()
        while time.perf_counter() - began < 0.060:
            until = time.perf_counter() + 0.001
            while time.perf_counter() < until:
                pass  # a millisecond of work: a roster built and written, a chunk of roles compared
            step()
        ended = time.perf_counter()
        reader.join(1)
    finally:
        a.close()
        b.close()
    return (read_at[0] - began if read_at and read_at[0] <= ended else None), ended - began


def test_a_waiting_reader_is_read_within_a_turn_of_a_long_loop(monkeypatch):
    turns = cooperative.Turns()
    read_after, took = _loop_while_a_reader_waits(monkeypatch, turns.take)
    assert read_after is not None and read_after < 0.025, read_after  # (a turn every 4 ms)
    assert took < 0.120  # the turns cost the loop little


def test_sleep_zero_lets_the_reader_in_only_after_many_steps(monkeypatch):
    """Why Turns exists: gevent runs what sleep(0) scheduled before it polls for I/O, and looks at
    the clock only every 50 such callbacks, so the reader waits ~50 steps (here ~50 ms)."""
    read_after, _ = _loop_while_a_reader_waits(monkeypatch, lambda: gevent.sleep(0))
    assert read_after is None or read_after > 0.030, read_after


def test_turns_are_taken_only_once_enough_work_has_passed(monkeypatch):
    slept: list[float] = []
    monkeypatch.setattr(cooperative, "socketio", SimpleNamespace(sleep=slept.append))
    turns = cooperative.Turns(every_ms=1000)
    assert [turns.take() for _ in range(100)] == [False] * 100 and slept == []
    turns = cooperative.Turns(every_ms=0)
    assert turns.take() and slept == [cooperative.TURN_SLEEP_S] and cooperative.TURN_SLEEP_S > 0
