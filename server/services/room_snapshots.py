"""The last committed state of a room this process changed, so its next command skips the load.

`clock_runner` keeps, after each committed command, the room row and its queued/playing entries
as plain values. The next command of that room in this process starts from them instead of
reading the database, and its compare-and-set is guarded by every fact it decided on (the
version, the queue version, the room being open and the settings the clock and the permission
check read — `GUARDED_SETTINGS`). If any of them changed elsewhere (another process, a queue
change, a settings change), the update matches no row and the command is run again from a fresh
read; so is any refusal or no-op decided on a snapshot. A snapshot never makes a decision that a
fresh read would not have made; it only saves the read when nothing changed.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Table, bindparam, inspect
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.util import identity_key

from server.domain.queue_order import LIVE_STATUSES
from server.domain.room_settings import SETTINGS
from server.extensions import db
from server.models import QueueEntry, Room
from server.services.runtime import rt

MAX_SNAPSHOTS = 5_000  # rooms; the least recently used is forgotten first
# Every setting column is a fact a command may have been decided on (control_mode for the check,
# the clock's own settings for the transition): all of them guard the compare-and-set.
GUARDED_SETTINGS = tuple(s.key for s in SETTINGS)


@dataclass(frozen=True)
class Snapshot:
    room: dict[str, Any]
    entries: tuple[dict[str, Any], ...]


def _keys(model: type) -> list[str]:
    mapper: Any = inspect(model)
    return [attr.key for attr in mapper.column_attrs]


ROOM_KEYS = _keys(Room)
ENTRY_KEYS = _keys(QueueEntry)


def _cache() -> OrderedDict[str, Snapshot]:
    return rt().limiters.setdefault("room_snapshots", OrderedDict())


def keep(room: Room, entries: list[QueueEntry]) -> None:
    """Remember the room as just committed (call after the commit)."""
    cache = _cache()
    live = tuple({k: getattr(e, k) for k in ENTRY_KEYS} for e in entries if e.status in LIVE_STATUSES)
    cache[room.code] = Snapshot({k: getattr(room, k) for k in ROOM_KEYS}, live)
    cache.move_to_end(room.code)
    while len(cache) > MAX_SNAPSHOTS:
        cache.popitem(last=False)


def forget(code: str) -> None:
    _cache().pop(code, None)


def attach(code: str) -> tuple[Room, list[QueueEntry]] | None:
    """The room and its entries from the snapshot, attached to the session without a query; None
    when there is none or this session already holds the room or an entry (a fresh read then)."""
    snap = _cache().get(code)
    if snap is None:
        return None
    session = db.session()
    keys = [identity_key(Room, snap.room["id"])] + [identity_key(QueueEntry, e["id"]) for e in snap.entries]
    if any(key in session.identity_map for key in keys):
        return None
    room = Room(**snap.room)
    entries = [QueueEntry(**values) for values in snap.entries]
    for obj in (room, *entries):
        make_transient_to_detached(obj)
        session.add(obj)
    entries.sort(key=lambda e: (e.position, e.id))
    return room, entries


ROOMS = cast(Table, Room.__table__)


@dataclass(frozen=True)
class Guarded:
    """A room's row as a command read it, as a guard: the parameters of the WHERE terms
    (`guard_terms(shape)`) that match the row only while every fact the command was decided on is
    unchanged (its id, version, queue version, being open, every guarded setting). The terms are
    bound parameters, built once per shape, so a statement over them is built and compiled once:
    building the terms afresh and computing their cache key was ~170 µs of the ~390 µs a
    confirming read cost (SQLite, this machine; issue 15)."""
    shape: frozenset[str]  # the guarded settings that are None (statements are cached by shape)
    params: dict[str, Any]


def guarded(room: Room, version: int) -> Guarded:
    """The guard of `room` at `version` (the version the command read)."""
    values = {key: getattr(room, key) for key in GUARDED_SETTINGS}
    params = {"g_id": room.id, "g_version": version, "g_queue_version": room.queue_version}
    params.update({f"g_{key}": value for key, value in values.items() if value is not None})
    return Guarded(frozenset(key for key, value in values.items() if value is None), params)


@lru_cache(maxsize=16)
def guard_terms(null_keys: frozenset[str]) -> tuple:
    """One shape per set of settings that are None (a NULL is matched by IS NULL, as `==` None is;
    no guarded setting is nullable today, so there is one shape)."""
    return (ROOMS.c.id == bindparam("g_id"), ROOMS.c.version == bindparam("g_version"),
            ROOMS.c.queue_version == bindparam("g_queue_version"), ROOMS.c.closed_ms.is_(None),
            *(ROOMS.c[key].is_(None) if key in null_keys else ROOMS.c[key] == bindparam(f"g_{key}")
              for key in GUARDED_SETTINGS))
