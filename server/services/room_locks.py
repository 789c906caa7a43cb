"""One transition at a time per room, from load to emit, so every client sees the room's
versions in order with no gaps.

The compare-and-set on `rooms.version` already makes a lost update impossible; this lock
also orders the broadcasts: without it two greenlets could commit v5 and v6 and emit them as
v6, v5. In one process a re-entrant lock per room does it; with Redis configured, a Redis lock
per room spans processes too (if Redis cannot be reached, the CAS still keeps the data right).
"""
from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from weakref import WeakValueDictionary

from server.services.runtime import rt

log = logging.getLogger("sharetube.locks")
REDIS_LOCK_TIMEOUT_S = 5
REDIS_LOCK_WAIT_S = 5

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
            try:
                redis_lock = client.lock(f"st:roomlock:{code}", timeout=REDIS_LOCK_TIMEOUT_S,
                                         blocking_timeout=REDIS_LOCK_WAIT_S)
                if not redis_lock.acquire():
                    log.warning("room=%s event=redis_lock_timeout", code)
                    redis_lock = None
            except Exception as exc:  # Redis down: correctness still rests on the CAS
                log.warning("room=%s event=redis_lock_unavailable error=%s", code, type(exc).__name__)
                redis_lock = None
        held[code] = 1
        try:
            yield
        finally:
            held[code] = 0
            if redis_lock is not None:
                try:
                    redis_lock.release()
                except Exception:
                    pass
