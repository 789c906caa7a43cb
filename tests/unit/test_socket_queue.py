"""The socket's outgoing queue keeps the semantics Engine.IO relies on (its writer's poll, close's
join), in greenlets as the server runs them, at a tenth of the memory of gevent's JoinableQueue."""
from __future__ import annotations

import time
import tracemalloc

import gevent
import pytest
from engineio.async_drivers import gevent as eio_gevent
from gevent.queue import Empty, JoinableQueue

from server.services.socket_queue import SocketQueue, install


def test_items_come_out_in_order_and_an_empty_queue_refuses_a_non_blocking_get() -> None:
    q = SocketQueue()
    assert q.empty() and q.qsize() == 0
    with pytest.raises(Empty):
        q.get(block=False)
    for i in range(3):
        q.put(i)
    assert q.qsize() == 3 and not q.empty()
    assert [q.get(), q.get(block=False), q.get_nowait()] == [0, 1, 2]
    with pytest.raises(Empty):
        q.get_nowait()


def test_a_blocked_get_wakes_on_a_put_from_another_greenlet() -> None:
    q = SocketQueue()
    got: list = []
    waiter = gevent.spawn(lambda: got.append(q.get(timeout=5)))
    gevent.sleep(0.01)
    assert not got  # still waiting
    q.put("packet")
    waiter.join(timeout=1)
    assert got == ["packet"]
    assert q.empty()


def test_a_get_with_a_timeout_raises_empty_when_nothing_comes() -> None:
    q = SocketQueue()
    start = time.monotonic()
    with pytest.raises(Empty):
        gevent.spawn(q.get, timeout=0.05).get(timeout=2)
    assert 0.04 <= time.monotonic() - start < 1.0


def test_a_woken_getter_that_finds_the_item_taken_waits_on_for_the_next() -> None:
    q = SocketQueue()
    first: list = []
    waiter = gevent.spawn(lambda: first.append(q.get(timeout=2)))
    gevent.sleep(0.01)
    q.put("a")
    assert q.get(block=False) == "a"  # taken before the woken greenlet runs
    gevent.sleep(0.01)
    assert not first and not waiter.dead
    q.put("b")
    waiter.join(timeout=1)
    assert first == ["b"]


def test_blocked_getters_are_woken_in_turn_and_a_killed_one_is_forgotten() -> None:
    q = SocketQueue()
    got: list = []
    first = gevent.spawn(lambda: got.append(("first", q.get(timeout=2))))
    killed = gevent.spawn(q.get, timeout=2)
    last = gevent.spawn(lambda: got.append(("last", q.get(timeout=2))))
    gevent.sleep(0.01)
    killed.kill()
    q.put(1)
    q.put(2)
    gevent.joinall([first, last], timeout=1)
    assert got == [("first", 1), ("last", 2)]
    assert not q._getters  # nobody left waiting, the killed getter included


def test_join_waits_for_every_item_to_be_marked_done() -> None:
    q = SocketQueue()
    assert q.join() is True  # nothing put: returns at once
    q.put(1)
    q.put(None)
    joined: list = []
    joiner = gevent.spawn(lambda: joined.append(q.join(timeout=2)))
    gevent.sleep(0.01)
    q.get()
    q.task_done()
    gevent.sleep(0.01)
    assert not joined  # one still unfinished
    q.get()
    q.task_done()
    joiner.join(timeout=1)
    assert joined == [True]
    q.put(2)  # a later put makes join wait again
    assert q.join(timeout=0.02) is False
    with pytest.raises(ValueError):
        SocketQueue().task_done()


def test_engineio_writers_poll_drains_the_queue_up_to_the_closing_none() -> None:
    """Engine.IO's Socket.poll: one blocking get, then non-blocking gets until empty or None,
    which it puts back for the writer's exit."""
    from engineio import socket as eio_socket

    class Server:
        ping_interval, ping_timeout = 1, 1

        def get_queue_empty_exception(self):
            return Empty

    sock = eio_socket.Socket.__new__(eio_socket.Socket)
    sock.server, sock.queue = Server(), SocketQueue()
    for item in ("a", "b", None, "late"):
        sock.queue.put(item)
    assert gevent.spawn(sock.poll).get(timeout=2) == ["a", "b"]
    assert [sock.queue.get(block=False), sock.queue.get(block=False)] == ["late", None]  # None put back last


def test_it_is_installed_only_for_gevent_and_is_much_smaller() -> None:
    class Eio:
        _async = dict(eio_gevent._async)

    eio = Eio()
    assert install(eio) and eio._async["queue"] is SocketQueue
    assert eio._async["queue_empty"] is Empty  # what Socket.poll catches is what get raises
    assert eio_gevent._async["queue"] is JoinableQueue  # the driver's own table is untouched
    threading_eio = Eio()
    threading_eio._async = {"queue": object}
    assert not install(threading_eio) and threading_eio._async["queue"] is object

    def traced_each(make) -> float:
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            kept = [make() for _ in range(500)]
            return (tracemalloc.get_traced_memory()[0] - before) / len(kept)
        finally:
            tracemalloc.stop()

    lean, stock = traced_each(SocketQueue), traced_each(JoinableQueue)
    assert lean * 4 < stock, (lean, stock)
