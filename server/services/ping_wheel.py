"""One greenlet pings every socket of the process, instead of one sleeping greenlet per socket.

Engine.IO schedules each socket's next ping by starting a greenlet that sleeps `ping_interval`
and then queues the PING. With thousands of sockets that is a third greenlet per connection
(besides its reader and writer), each holding its saved stack while it sleeps: ~3.3 KB of a
connected client's ~35 KB traced (issue 15, tests/bench/README.md). Here the socket is put on a
heap ordered by when its ping is due, and one greenlet per Engine.IO server sleeps until the
earliest and pings what is due — the same instant and the same PING as before (every socket's
interval is the same, so a newly scheduled ping is never due before those already waiting).
"""
from __future__ import annotations

import heapq
import itertools
import threading
import time
from typing import Any

from engineio import packet
from engineio import socket as eio_socket

from server.services.round_trips import record_round_trip

PINGS_PER_YIELD = 10  # pings sent between yields: a room's sockets, connected together, fall due together


class PingWheel:
    def __init__(self, server: Any) -> None:
        self.server = server
        self.heap: list[tuple[float, int, Any]] = []
        self.order = itertools.count()  # ties on the due time: first scheduled, first pinged
        self.lock = threading.Lock()  # (gevent's, once patched; a real one in threading mode)
        self.wake = server.create_event()
        server.start_background_task(self.run)

    def add(self, sock: Any) -> None:
        with self.lock:
            heapq.heappush(self.heap, (time.monotonic() + self.server.ping_interval, next(self.order), sock))
        self.wake.set()

    def due(self, now: float) -> list[Any]:
        with self.lock:
            out = []
            while self.heap and self.heap[0][0] <= now:
                out.append(heapq.heappop(self.heap)[2])
            return out

    def run(self) -> None:
        while True:
            if not self.heap:
                self.wake.wait()
                self.wake.clear()
                continue
            delay = self.heap[0][0] - time.monotonic()
            if delay > 0:
                self.server.sleep(delay)
                continue
            for sent, sock in enumerate(self.due(time.monotonic()), 1):
                if not sock.closing and not sock.closed:  # (what Engine.IO's own _send_ping does)
                    sock.last_ping = time.time()
                    if getattr(sock, "sharetube_rtts", None) is None:  # its pongs are timed from now on
                        sock.sharetube_rtts = []  # (a list, not a deque: a deque's first block is 624 B)
                    sock.send(packet.Packet(packet.PING))
                if sent % PINGS_PER_YIELD == 0:
                    self.server.sleep(0)


def schedule_ping(self: Any) -> None:
    """Engine.IO calls this when the socket opens and on each PONG it receives: a pong to the
    wheel's ping is the round trip the server measures itself (services/round_trips.py)."""
    # only schedule a new ping if the previous ping wait cycle completed (as Engine.IO does)
    if self.last_ping:
        samples = getattr(self, "sharetube_rtts", None)
        if samples is not None:  # (not at the open: no ping sent yet)
            record_round_trip(samples, time.time() - self.last_ping)
        self.last_ping = None
        wheel = getattr(self.server, "sharetube_ping_wheel", None)
        if wheel is None:
            wheel = self.server.sharetube_ping_wheel = PingWheel(self.server)
        wheel.add(self)


def install() -> None:
    """Replace Engine.IO's per-socket ping greenlet with the process's wheel, once."""
    if eio_socket.Socket.schedule_ping is not schedule_ping:
        eio_socket.Socket.schedule_ping = schedule_ping
