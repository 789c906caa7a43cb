"""One greenlet (here: thread) pings every socket when its interval has passed, in the order
they were scheduled, skipping closed ones — instead of a sleeping task per socket."""
from __future__ import annotations

import threading
import time

from engineio import packet

from server.services import ping_wheel


class FakeServer:
    ping_interval = 0.2

    def __init__(self) -> None:
        self.tasks = 0

    def create_event(self) -> threading.Event:
        return threading.Event()

    def start_background_task(self, target) -> None:
        self.tasks += 1
        threading.Thread(target=target, daemon=True).start()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class FakeSocket:
    schedule_ping = ping_wheel.schedule_ping

    def __init__(self, server: FakeServer, name: str) -> None:
        self.server, self.name = server, name
        self.closing = self.closed = False
        self.last_ping: float | None = time.time()  # as Engine.IO sets it on open
        self.sent: list[tuple[float, int]] = []

    def send(self, pkt: packet.Packet) -> None:
        self.sent.append((time.monotonic(), pkt.packet_type))


def test_every_socket_is_pinged_after_the_interval_by_one_task():
    server = FakeServer()
    socks = [FakeSocket(server, f"s{i}") for i in range(300)]
    started = time.monotonic()
    for sock in socks:
        sock.schedule_ping()
    closed = socks[7]
    closed.closed = True
    time.sleep(0.5)
    assert server.tasks == 1, "one task for every socket, not one each"
    for sock in socks:
        if sock is closed:
            assert sock.sent == []
            continue
        assert [kind for _t, kind in sock.sent] == [packet.PING], sock.name
        assert sock.sent[0][0] - started >= FakeServer.ping_interval - 0.01
        assert sock.last_ping is not None  # the round trip is timed from here (round_trips.py)
    # a pong schedules the next ping; one still waiting for its pong is not scheduled twice
    socks[0].schedule_ping()
    socks[0].schedule_ping()
    time.sleep(0.35)
    assert [kind for _t, kind in socks[0].sent] == [packet.PING, packet.PING]
    assert server.tasks == 1


def test_the_wheel_replaces_engineios_own_schedule_once():
    from engineio import socket as eio_socket

    ping_wheel.install()
    ping_wheel.install()
    assert eio_socket.Socket.schedule_ping is ping_wheel.schedule_ping


def test_a_pong_to_the_wheels_ping_is_a_measured_round_trip_and_the_open_is_not():
    """Engine.IO calls schedule_ping when a socket opens and on every PONG: only a pong to a ping
    the wheel sent is timed (the last few kept), never the open (no ping was sent: it would read
    as a round trip of ~0 ms)."""
    server = FakeServer()
    sock = FakeSocket(server, "s")
    sock.schedule_ping()  # the open
    assert getattr(sock, "sharetube_rtts", None) is None
    time.sleep(0.3)
    assert [kind for _t, kind in sock.sent] == [packet.PING]
    time.sleep(0.05)
    sock.schedule_ping()  # its pong, ~50 ms after the ping
    assert len(sock.sharetube_rtts) == 1 and 40 <= sock.sharetube_rtts[0] < 1000
    sock.schedule_ping()  # a second pong without a ping (a client's stray PONG): not timed
    assert len(sock.sharetube_rtts) == 1
