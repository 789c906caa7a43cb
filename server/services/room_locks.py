"""One transition at a time per room, from load to emit, so every client sees the room's
versions in order with no gaps.

The compare-and-set on `rooms.version` already makes a lost update impossible; this lock
also orders the broadcasts: without it two greenlets could commit v5 and v6 and emit them as
v6, v5. In one process a re-entrant lock per room does it; with Redis configured, a Redis lock
per room spans processes too (if Redis cannot be reached, the CAS still keeps the data right).

A process publishes its broadcasts through one queue (services/broadcast.py), so a broadcast
made inside the lock may still be waiting when the holder leaves. The Redis lock is therefore
released by the publisher, in the same pipeline and behind those broadcasts: the next holder,
on any process, publishes after them (and the release costs the holder no round trip of its own).
"""
from __future__ import annotations

import contextlib
import logging
import secrets
import threading
import time
from collections.abc import Iterator
from typing import Any
from weakref import WeakValueDictionary

from server.domain import constants as C
from server.extensions import socketio
from server.services.broadcast import queue_publisher
from server.services.runtime import rt

log = logging.getLogger("sharetube.locks")
KEY_PREFIX = "st:roomlock:"
# delete the key only while it still holds this holder's token (it may have expired and been taken)
RELEASE_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"

_local: WeakValueDictionary[str, threading.RLock] = WeakValueDictionary()
_guard = threading.Lock()
_held = threading.local()


def _local_lock(code: str) -> threading.RLock:
    with _guard:
        lock = _local.get(code)
        if lock is None:
            lock = threading.RLock()
            _local[code] = lock
        return lock


@contextlib.contextmanager
def room_lock(code: str) -> Iterator[None]:
    lock = _local_lock(code)
    with lock:
        held = getattr(_held, "codes", None)
        if held is None:
            held = _held.codes = {}
        if held.get(code):  # re-entered in this thread/greenlet: the outer holder has Redis too
            held[code] += 1
            try:
                yield
            finally:
                held[code] -= 1
            return
        redis_lock = None
        client = rt().redis
        if client is not None:
            candidate = RedisRoomLock(client, code, queue_publisher())
            try:
                if candidate.acquire():
                    redis_lock = candidate
                else:
                    log.warning("room=%s event=redis_lock_timeout", code)
            except Exception as exc:  # Redis down: correctness still rests on the CAS
                log.warning("room=%s event=redis_lock_unavailable error=%s", code, type(exc).__name__)
        held[code] = 1
        try:
            yield
        finally:
            held[code] = 0
            if redis_lock is not None:
                redis_lock.release()


class RedisRoomLock:
    """A room's lock in Redis: SET NX with a token and a time to live; released by a script that
    deletes the key only while it holds the token — by this process's publisher when it has one
    (behind the broadcasts queued inside the lock), else directly."""

    def __init__(self, client: Any, code: str, publisher: Any = None, sleep: Any = None) -> None:
        self.client, self.key, self.publisher = client, KEY_PREFIX + code, publisher
        self.sleep = sleep or _sleep
        self.token = secrets.token_hex(8)

    def acquire(self, wait_s: float = C.ROOM_LOCK_WAIT_S) -> bool:
        deadline = time.monotonic() + wait_s
        for pause in poll_pauses():
            if self.client.set(self.key, self.token, nx=True, px=C.ROOM_LOCK_TTL_MS):
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.sleep(min(pause, left))
        return False  # (poll_pauses never ends)

    def release(self) -> None:
        def add(pipe: Any) -> None:
            pipe.eval(RELEASE_SCRIPT, 1, self.key, self.token)

        try:
            if self.publisher is not None and \
                    self.publisher.run_after_publishes(add, C.ROOM_LOCK_TTL_MS / 1000):
                return
            add(self.client)
        except Exception as exc:  # Redis down: the key expires by itself
            log.warning("event=redis_lock_release_failed key=%s error=%s", self.key, type(exc).__name__)


def poll_pauses() -> Iterator[float]:
    """How long a waiter sleeps between tries: ROOM_LOCK_POLL_FIRST_S, doubling, at most ROOM_LOCK_POLL_MAX_S."""
    pause = C.ROOM_LOCK_POLL_FIRST_S
    while True:
        yield pause
        pause = min(pause * 2, C.ROOM_LOCK_POLL_MAX_S)


def _sleep(seconds: float) -> None:
    if getattr(socketio, "server", None) is not None:
        socketio.sleep(seconds)  # the server's async mode (a gevent sleep)
    else:
        time.sleep(seconds)
