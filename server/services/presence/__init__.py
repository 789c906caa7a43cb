"""Presence and the roster: who is connected where, and what the room is told about it.

    store.py           Conn, Presence and its stores (in-process, or Redis across processes)
    connections.py     entering/leaving a room's socket group, dropping sockets
    roster.py          the roster a room shows (and its broadcast), what the clock may read
    status_reports.py  player.status folded into the roster at most every PRESENCE_FOLD_MS
    counts.py          the public numbers: rooms, active rooms, users online
"""

from server.services.presence.store import Conn, LocalStore, Presence, RedisStore

__all__ = ["Conn", "LocalStore", "Presence", "RedisStore"]
