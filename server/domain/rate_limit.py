"""Rate limits, throttles and duplicate collapse for queue and chat requests.

Pure: every call takes ``now_ms`` (server epoch milliseconds) instead of reading a clock, so the
timing is tested exactly. Keyed structures keep bounded memory: idle keys (whose state equals a
fresh key's) are swept periodically, and the least recently used keys are evicted beyond
``max_keys``. Each keyed structure holds a lock, so it can be shared by concurrent handlers.
A clock that steps backwards never locks anyone out: the step counts as no time passing.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from server.domain.queue_chat_limits import (
    CHAT_SEND_BURST,
    CHAT_SEND_PER_S,
    DUPLICATE_ADD_WINDOW_MS,
    LIMITER_MAX_KEYS,
    LIMITER_PRUNE_EVERY_MS,
    QUEUE_ADD_BURST,
    QUEUE_ADD_PER_S,
    TYPING_INTERVAL_MS,
)

QUEUE_ADD = "queue.add"
CHAT_SEND = "chat.send"
_EPSILON = 1e-9

V = TypeVar("V")


@dataclass(frozen=True)
class RateRule:
    """A burst of ``capacity`` requests, then ``refill_per_s`` requests per second."""

    capacity: float
    refill_per_s: float


QUEUE_CHAT_RULES: Mapping[str, RateRule] = {
    QUEUE_ADD: RateRule(QUEUE_ADD_BURST, QUEUE_ADD_PER_S),
    CHAT_SEND: RateRule(CHAT_SEND_BURST, CHAT_SEND_PER_S),
}


class TokenBucket:
    """Starts full; each request takes a token; tokens come back at ``refill_per_s``."""

    __slots__ = ("_tokens", "_updated_ms", "capacity", "refill_per_s")

    def __init__(self, capacity: float = 5, refill_per_s: float = 1.0) -> None:
        if capacity <= 0 or refill_per_s <= 0:
            raise ValueError("capacity and refill_per_s must be positive")
        self.capacity = float(capacity)
        self.refill_per_s = float(refill_per_s)
        self._tokens = self.capacity
        self._updated_ms: int | None = None

    def tokens(self, now_ms: int) -> float:
        """Tokens available at ``now_ms``."""
        self._refill(now_ms)
        return self._tokens

    def take(self, now_ms: int, cost: float = 1.0) -> bool:
        """Take ``cost`` tokens if there are enough; False (and nothing taken) otherwise."""
        self._check_cost(cost)
        self._refill(now_ms)
        if self._tokens + _EPSILON < cost:
            return False
        self._tokens = max(0.0, self._tokens - cost)
        return True

    def retry_after_ms(self, now_ms: int, cost: float = 1.0) -> int:
        """Milliseconds until ``take(cost)`` would succeed; 0 when it would succeed now."""
        self._check_cost(cost)
        missing = cost - self.tokens(now_ms)
        if missing <= _EPSILON:
            return 0
        return math.ceil(missing * 1000 / self.refill_per_s - _EPSILON)

    def is_full(self, now_ms: int) -> bool:
        """True when the bucket is as good as new (its key can be forgotten)."""
        return self.tokens(now_ms) >= self.capacity - _EPSILON

    def _check_cost(self, cost: float) -> None:
        if cost <= 0 or cost > self.capacity:
            raise ValueError(f"cost must be in (0, {self.capacity}]")

    def _refill(self, now_ms: int) -> None:
        if self._updated_ms is not None and now_ms > self._updated_ms:
            gained = (now_ms - self._updated_ms) * self.refill_per_s / 1000
            self._tokens = min(self.capacity, self._tokens + gained)
        self._updated_ms = now_ms


class _KeyedMemory:
    """Shared bookkeeping: an LRU-ordered dict, a lock, periodic sweeps, a size bound."""

    def __init__(self, max_keys: int, prune_every_ms: int) -> None:
        if max_keys <= 0:
            raise ValueError("max_keys must be positive")
        self.max_keys = max_keys
        self.prune_every_ms = prune_every_ms
        self._lock = threading.Lock()
        self._last_prune_ms: int | None = None

    def _maybe_prune(self, entries: OrderedDict[Hashable, Any], now_ms: int) -> None:
        last = self._last_prune_ms
        due = last is None or abs(now_ms - last) >= self.prune_every_ms
        if due or len(entries) > self.max_keys:
            self._prune_locked(now_ms)
            self._last_prune_ms = now_ms
        while len(entries) > self.max_keys:
            entries.popitem(last=False)

    def _prune_locked(self, now_ms: int) -> int:
        raise NotImplementedError


class RateLimiter(_KeyedMemory):
    """One token bucket per ``(user_id, kind)``; ``rules`` says each kind's burst and rate."""

    def __init__(
        self,
        rules: Mapping[str, RateRule] = QUEUE_CHAT_RULES,
        max_keys: int = LIMITER_MAX_KEYS,
        prune_every_ms: int = LIMITER_PRUNE_EVERY_MS,
    ) -> None:
        super().__init__(max_keys, prune_every_ms)
        self.rules = dict(rules)
        self._buckets: OrderedDict[Hashable, TokenBucket] = OrderedDict()

    def take(self, user_id: Hashable, kind: str, now_ms: int) -> bool:
        """True if this user may do ``kind`` now (and count it); False means ``rate_limited``."""
        with self._lock:
            allowed = self._bucket(user_id, kind).take(now_ms)
            self._maybe_prune(self._buckets, now_ms)
            return allowed

    def retry_after_ms(self, user_id: Hashable, kind: str, now_ms: int) -> int:
        """How long until this user's next ``kind`` would be allowed (0: now)."""
        with self._lock:
            bucket = self._buckets.get((user_id, kind))
            if bucket is None:
                self._rule(kind)  # an unknown kind is a programming error even here
                return 0
            return bucket.retry_after_ms(now_ms)

    def prune(self, now_ms: int) -> int:
        """Forget every key whose bucket has refilled; returns how many were forgotten."""
        with self._lock:
            return self._prune_locked(now_ms)

    def __len__(self) -> int:
        return len(self._buckets)

    def _rule(self, kind: str) -> RateRule:
        try:
            return self.rules[kind]
        except KeyError:
            raise KeyError(f"no rate rule for {kind!r}") from None

    def _bucket(self, user_id: Hashable, kind: str) -> TokenBucket:
        key = (user_id, kind)
        bucket = self._buckets.get(key)
        if bucket is None:
            rule = self._rule(kind)
            bucket = self._buckets[key] = TokenBucket(rule.capacity, rule.refill_per_s)
        else:
            self._buckets.move_to_end(key)
        return bucket

    def _prune_locked(self, now_ms: int) -> int:
        idle = [key for key, bucket in self._buckets.items() if bucket.is_full(now_ms)]
        for key in idle:
            del self._buckets[key]
        return len(idle)


class Throttle(_KeyedMemory):
    """At most one ``allow`` per ``interval_ms`` per key (``chat.typing``: per user)."""

    def __init__(
        self,
        interval_ms: int = TYPING_INTERVAL_MS,
        max_keys: int = LIMITER_MAX_KEYS,
        prune_every_ms: int = LIMITER_PRUNE_EVERY_MS,
    ) -> None:
        super().__init__(max_keys, prune_every_ms)
        self.interval_ms = interval_ms
        self._last_ms: OrderedDict[Hashable, int] = OrderedDict()

    def allow(self, key: Hashable, now_ms: int) -> bool:
        """True (and remembered) when the last allowed call is ``interval_ms`` or more ago."""
        with self._lock:
            last = self._last_ms.get(key)
            allowed = last is None or not 0 <= now_ms - last < self.interval_ms
            if allowed:
                self._last_ms[key] = now_ms
                self._last_ms.move_to_end(key)
            self._maybe_prune(self._last_ms, now_ms)
            return allowed

    def prune(self, now_ms: int) -> int:
        with self._lock:
            return self._prune_locked(now_ms)

    def __len__(self) -> int:
        return len(self._last_ms)

    def _prune_locked(self, now_ms: int) -> int:
        idle = [key for key, last in self._last_ms.items() if now_ms - last >= self.interval_ms]
        for key in idle:
            del self._last_ms[key]
        return len(idle)


class DuplicateWindow(_KeyedMemory, Generic[V]):
    """Collapses repeats of the same key within ``window_ms`` of its first sighting.

    For ``queue.add`` the key is ``(room, user, video_id)`` and the value the entry id created
    the first time, so a repeated add can answer with the same entry instead of a second one.
    """

    def __init__(
        self,
        window_ms: int = DUPLICATE_ADD_WINDOW_MS,
        max_keys: int = LIMITER_MAX_KEYS,
        prune_every_ms: int = LIMITER_PRUNE_EVERY_MS,
    ) -> None:
        super().__init__(max_keys, prune_every_ms)
        self.window_ms = window_ms
        self._first: OrderedDict[Hashable, tuple[int, V | None]] = OrderedDict()

    def seen(self, key: Hashable, now_ms: int) -> bool:
        """True if ``key`` was seen within the window; otherwise remember it now and say False."""
        with self._lock:
            if self._live(key, now_ms) is not None:
                return True
            self._store(key, now_ms, now_ms, None)
            return False

    def remember(self, key: Hashable, now_ms: int, value: V) -> None:
        """Attach ``value`` (e.g. the created entry id), starting the window if not running."""
        with self._lock:
            live = self._live(key, now_ms)
            self._store(key, live[0] if live else now_ms, now_ms, value)

    def recall(self, key: Hashable, now_ms: int) -> V | None:
        """The value remembered for ``key`` if its window is still open."""
        with self._lock:
            live = self._live(key, now_ms)
            return live[1] if live else None

    def forget(self, key: Hashable) -> None:
        """Drop ``key`` (the first attempt failed, so a retry must not count as a duplicate)."""
        with self._lock:
            self._first.pop(key, None)

    def prune(self, now_ms: int) -> int:
        with self._lock:
            return self._prune_locked(now_ms)

    def __len__(self) -> int:
        return len(self._first)

    def _live(self, key: Hashable, now_ms: int) -> tuple[int, V | None] | None:
        record = self._first.get(key)
        return record if record is not None and self._is_open(record, now_ms) else None

    def _store(self, key: Hashable, first_ms: int, now_ms: int, value: V | None) -> None:
        self._first[key] = (first_ms, value)
        self._first.move_to_end(key)
        self._maybe_prune(self._first, now_ms)

    def _prune_locked(self, now_ms: int) -> int:
        idle = [key for key, record in self._first.items() if not self._is_open(record, now_ms)]
        for key in idle:
            del self._first[key]
        return len(idle)

    def _is_open(self, record: tuple[int, V | None], now_ms: int) -> bool:
        return 0 <= now_ms - record[0] < self.window_ms
