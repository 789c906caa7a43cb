"""When each room's clock next needs a look, kept beside the database so the clock task does not
query the rooms table every tick.

The database's `rooms.due_ms` stays the truth. Every commit of a room's clock also notes its new
due time here (`note`), so the clock task (every CLOCK_TICK_SECONDS) asks this board which rooms
are due instead of the rooms table: ten SQL queries a second became a comparison in memory
(one process), or one `ZRANGEBYSCORE` (with Redis, where the clock runs in whichever process
holds the slot and the commits happen in others). Every DUE_SWEEP_MS the clock task also reads
the rooms due within the next sweep period from the database and notes them (`note_earlier`),
so a lost note (Redis restarted, a process started after the commit) makes a tick late by at
most that period.

A due time on the board earlier than the database's costs one tick that changes nothing (the
tick then notes the true time); a later one would make the room late. So `note` (the value just
committed, inside the room's lock) replaces, and the sweep only ever moves a time earlier.

With Redis, a note rides in the process's publisher pipeline (services/broadcast.py) behind the
command's broadcasts and before the room lock's release, so notes of one room reach Redis in the
order of its versions and cost no round trip of their own.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger("sharetube.due_board")
REDIS_KEY = "st:clock:due"  # sorted set: member = room code, score = due ms


class LocalDueBoard:
    """One process (no Redis): a dict and the earliest time in it."""

    def __init__(self) -> None:
        self.swept_ms: int | None = None  # when the clock task last swept the database for this board
        self._due: dict[str, int] = {}
        self._earliest: int | None = None

    def note(self, code: str, due_ms: int | None) -> None:
        if due_ms is None:
            self._due.pop(code, None)  # (the earliest may now be too early: harmless, see due())
            return
        self._due[code] = due_ms
        if self._earliest is None or due_ms < self._earliest:
            self._earliest = due_ms

    def note_earlier(self, times: dict[str, int]) -> None:
        for code, due_ms in times.items():
            known = self._due.get(code)
            if known is None or due_ms < known:
                self.note(code, due_ms)

    def due(self, now: int, limit: int) -> list[str]:
        """The rooms due at `now`, earliest first (at most `limit`); they stay on the board until
        their tick notes a new time."""
        if self._earliest is None or now < self._earliest:
            return []
        ready = sorted((t, c) for c, t in self._due.items() if t <= now)
        self._earliest = min(self._due.values()) if self._due else None
        return [c for _t, c in ready[:limit]]

    def entries(self) -> dict[str, int]:
        return dict(self._due)


class RedisDueBoard:
    """Several processes: a sorted set in Redis. `publisher()` is the process's EncodeOnceRedisManager
    (or None): notes go into its pipeline; without one they are written at once."""

    def __init__(self, client: Any, publisher: Callable[[], Any] | None = None) -> None:
        self.client = client
        self.publisher = publisher or (lambda: None)
        self.swept_ms: int | None = None  # (this process's clock task)

    def note(self, code: str, due_ms: int | None) -> None:
        def add(pipe: Any) -> None:
            if due_ms is None:
                pipe.zrem(REDIS_KEY, code)
            else:
                pipe.zadd(REDIS_KEY, {code: due_ms})

        self._send(add)

    def note_earlier(self, times: dict[str, int]) -> None:
        if times:
            self._send(lambda pipe: pipe.zadd(REDIS_KEY, times, lt=True))  # (LT: adds, or moves earlier)

    def due(self, now: int, limit: int) -> list[str]:
        codes = self.client.zrangebyscore(REDIS_KEY, "-inf", now, start=0, num=limit)
        return [c.decode() if isinstance(c, bytes) else c for c in codes]

    def entries(self) -> dict[str, int]:
        return {(c.decode() if isinstance(c, bytes) else c): int(t)
                for c, t in self.client.zrange(REDIS_KEY, 0, -1, withscores=True)}

    def _send(self, add: Callable[[Any], None]) -> None:
        try:
            manager = self.publisher()
            if manager is not None and manager.queue_commands(add):
                return
            add(self.client)
        except Exception as exc:  # Redis away: the sweep notes it again from the database
            log.warning("event=due_note_failed error=%s", type(exc).__name__)
