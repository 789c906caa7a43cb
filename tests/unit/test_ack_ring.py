"""The dashboard's recent acks: a fixed ring of doubles, oldest first, the oldest overwritten."""
from __future__ import annotations

import sys
import time

from server.services.metrics import AckRing, Metrics


def test_the_ring_keeps_the_last_acks_oldest_first() -> None:
    ring = AckRing(size=3)
    assert ring.since(0) == []
    ring.append(1.0, 10.0)
    ring.append(2.0, 20.0)
    assert ring.since(0) == [10.0, 20.0]
    for at in (3.0, 4.0, 5.0):
        ring.append(at, at * 10)
    assert ring.since(0) == [30.0, 40.0, 50.0]  # the oldest two overwritten


def test_rates_and_p99_read_the_recent_window_only() -> None:
    m = Metrics()
    now = time.time()
    m._acks.append(now - 120, 999.0)  # outside every window
    for i in range(100):
        m.record("player.status", float(i), None)
    assert m.recent(60) == [float(i) for i in range(100)]
    assert m.p99_ack_ms(60) == 99.0
    assert m.events_per_s(10) == 10.0


def test_a_full_ring_costs_sixteen_bytes_an_ack() -> None:
    ring = AckRing(size=20_000)
    for i in range(25_000):
        ring.append(float(i), 1.0)
    assert sys.getsizeof(ring.at) + sys.getsizeof(ring.ms) < 20_000 * 16 + 1024


def test_since_finds_the_window_across_the_rings_wrap() -> None:
    ring = AckRing(size=5)
    for at in range(1, 8):  # 1..7: the ring holds 3..7, wrapped after 5
        ring.append(float(at), at * 10.0)
    assert ring.since(0.0) == [30.0, 40.0, 50.0, 60.0, 70.0]
    assert ring.since(4.5) == [50.0, 60.0, 70.0]
    assert ring.since(6.0) == [60.0, 70.0]
    assert ring.since(8.0) == []
    unwrapped = AckRing(size=5)
    unwrapped.append(1.0, 1.0)
    unwrapped.append(2.0, 2.0)
    assert unwrapped.since(1.5) == [2.0] and unwrapped.since(0) == [1.0, 2.0]
