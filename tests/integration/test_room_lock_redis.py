"""A room's lock across processes (services/room_locks.py) on a real Redis: one holder at a time,
a key that frees itself when its holder dies, a holder that cannot free someone else's lock, and —
since a process publishes through a queue — a release that reaches Redis only behind the
broadcasts made inside the lock, so the next holder (any process) publishes after them."""
from __future__ import annotations

import json

import gevent
import pytest
import socketio

from server.domain import constants as C
from server.services.broadcast import FRAMED_PREFIX, EncodeOnceRedisManager, TextPacket
from server.services.room_locks import KEY_PREFIX, RedisRoomLock, poll_pauses
from tests.support.cluster import RedisServer

pytestmark = [pytest.mark.redis]



def lock(server: RedisServer, code: str = "room1", publisher=None) -> RedisRoomLock:
    return RedisRoomLock(server.client(), code, publisher, sleep=gevent.sleep)


def test_one_holder_at_a_time_and_the_next_one_gets_it_once_it_is_released(redis_server):
    first, second = lock(redis_server), lock(redis_server)
    assert first.acquire()
    assert not second.acquire(wait_s=0.05), "held by the first"
    assert lock(redis_server, "room2").acquire(), "another room is not held"
    waiter = gevent.spawn(second.acquire, 2.0)
    gevent.sleep(0.02)
    first.release()
    assert waiter.get(timeout=2) is True
    assert redis_server.client().get(KEY_PREFIX + "room1") == second.token


def test_a_holder_that_died_frees_the_room_and_its_late_release_frees_nothing(redis_server, monkeypatch):
    monkeypatch.setattr(C, "ROOM_LOCK_TTL_MS", 100)
    dead, next_holder = lock(redis_server), lock(redis_server)
    assert dead.acquire()
    assert next_holder.acquire(wait_s=1.0), "the key expired on its own"
    dead.release()  # a holder that was only slow, releasing after its time
    assert redis_server.client().get(KEY_PREFIX + "room1") == next_holder.token, \
        "a release deletes the key only while it holds the releaser's token"


def test_a_waiter_tries_again_soon_then_at_a_bounded_pace():
    pauses = poll_pauses()
    first = [next(pauses) for _ in range(8)]
    assert first[0] == C.ROOM_LOCK_POLL_FIRST_S
    assert first == sorted(first) and max(first) == C.ROOM_LOCK_POLL_MAX_S
    assert C.ROOM_LOCK_POLL_MAX_S < 0.1, "redis-py's lock polled every 100 ms: a waiter lost that much"


def published_events(pubsub) -> list[tuple[str, object]]:
    """What the subscriber has received by now (not waiting for more than a moment)."""
    events = []
    while (message := pubsub.get_message(ignore_subscribe_messages=True, timeout=0.01)) is not None:
        body = message["data"]
        if body.startswith(FRAMED_PREFIX):
            packet = body[len(FRAMED_PREFIX):].partition("\n")[2]
            events.append(tuple(json.loads(packet[packet.index("["):])))
    return events


@pytest.mark.parametrize("behind", [True, False],
                         ids=["released-behind-the-broadcasts", "released-at-once-shows-the-hazard"])
def test_the_next_holder_publishes_after_the_broadcasts_made_inside_the_lock(redis_server, behind):
    """Process A commits v5 and emits it inside the lock; its publisher is behind on its work (a
    50 ms turn). Process B takes the lock as soon as A lets go: by then A's v5 must have been
    published, or B's v6 could reach the other processes first."""
    manager = EncodeOnceRedisManager(redis_server.url, channel="flask-socketio")
    socketio.Server(async_mode="gevent", client_manager=manager, serializer=TextPacket)
    publish = manager._publish_batch

    def behind_on_its_work(batch):
        gevent.sleep(0.05)
        publish(batch)

    manager._publish_batch = behind_on_its_work
    subscriber = redis_server.client().pubsub()
    subscriber.subscribe("flask-socketio")
    assert subscriber.get_message(timeout=1)["type"] == "subscribe"

    holder = lock(redis_server, publisher=manager if behind else None)
    assert holder.acquire()
    manager.emit("room.playback", {"version": 5}, namespace="/", room="room1")
    seen_by_the_next_holder: list = []

    def next_holder() -> None:
        assert lock(redis_server).acquire(wait_s=2.0)
        seen_by_the_next_holder.extend(published_events(subscriber))

    waiter = gevent.spawn(next_holder)
    gevent.sleep(0.005)  # the waiter is polling
    holder.release()
    waiter.get(timeout=3)
    if behind:
        assert seen_by_the_next_holder == [("room.playback", {"version": 5})]
    else:  # released at once, as before the publisher was a queue: what this test guards against
        assert seen_by_the_next_holder == []
