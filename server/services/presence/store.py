"""Who is connected, where: per-socket facts in this process, room presence shared.

Per-connection facts (socket id → user, room, measured RTT and offset, last status) live in
the memory of the process holding the socket. The room-level view (which sockets of which
users are in a room, with their sync health) goes through a store: in-process for the single
process default, a Redis hash per room when SOCKETIO_MESSAGE_QUEUE points at Redis, so every
process sees the same roster. Nothing here writes the database.
"""
from __future__ import annotations

import json
import logging
import os
import secrets
import threading
from dataclasses import dataclass, field

from server.timeutil import now_ms

log = logging.getLogger("sharetube.presence")


@dataclass(slots=True)  # one per connected socket: no instance dict (~0.2 KB each)
class Conn:
    sid: str
    user_id: int
    name: str
    picture: str | None
    device: str  # extension | remote
    pairing_id: int | None = None
    scoped_room: str | None = None  # a remote may only join this room
    room_code: str | None = None
    # The room's id and the member's role there, cached at join (services/presence/membership.py):
    # None = unknown, checked against the database on the next event.
    room_id: int | None = None
    role: str | None = None
    # Taken out of its room by a kick, a ban or a closed room: its next room event is refused
    # `forbidden` for it (services/presence/membership.py in_a_room).
    was_removed: bool = False
    ip: str = "?"  # the client's address at connect (per-IP limits)
    lead_rtt_ms: int = 0  # round trip the server measured itself (ping → pong): start leads use it
    rtt_ms: int = 0
    offset_ms: int = 0
    status: dict | None = None
    connected_ms: int = field(default_factory=now_ms)
    entered_ms: int = 0  # when this socket entered its room (who is present longest takes an away owner's room)
    last_seen_ms: int = field(default_factory=now_ms)

    def record(self) -> dict:
        return {"sid": self.sid, "user_id": self.user_id, "name": self.name, "picture": self.picture,
                "device": self.device, "role": self.role, "rtt_ms": self.rtt_ms, "offset_ms": self.offset_ms,
                "status": self.status, "pairing_id": self.pairing_id, "lead_rtt_ms": self.lead_rtt_ms,
                "entered_ms": self.entered_ms, "ts": now_ms(), "proc": os.getpid()}


class LocalStore:
    """Room presence for one process."""

    DEFERS_REPORTS = False  # a dict write: every report is in the roster at once

    def __init__(self) -> None:
        self._rooms: dict[str, dict[str, dict]] = {}
        self._users: dict[int, set[str]] = {}
        self._left: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()

    def note_left(self, code: str, user_id: int, at_ms: int) -> None:
        with self._lock:
            self._left[(code, user_id)] = at_ms

    def left_ms(self, code: str, user_id: int) -> int | None:
        """When a socket of this user last left this room (an away owner's room is handed over)."""
        with self._lock:
            return self._left.get((code, user_id))

    def put(self, code: str, sid: str, record: dict) -> None:
        with self._lock:
            self._rooms.setdefault(code, {})[sid] = record

    def drop(self, code: str, sid: str) -> None:
        with self._lock:
            room = self._rooms.get(code)
            if room is not None:
                room.pop(sid, None)
                if not room:
                    del self._rooms[code]

    def has_any(self, code: str, sids: list[str]) -> bool:
        with self._lock:
            room = self._rooms.get(code, {})
            return any(sid in room for sid in sids)

    def records(self, code: str) -> list[dict]:
        with self._lock:
            return list(self._rooms.get(code, {}).values())

    def records_many(self, codes: list[str]) -> dict[str, list[dict]]:
        with self._lock:
            return {code: list(self._rooms.get(code, {}).values()) for code in codes}

    def sizes(self, codes: list[str]) -> dict[str, int]:
        with self._lock:
            return {code: len(self._rooms.get(code, {})) for code in codes}

    def claim_folds(self, claims: list[tuple[str, int]]) -> set[str]:
        return {code for code, _ms in claims}  # one process: every roster fold is its own

    def room_codes(self) -> list[str]:
        with self._lock:
            return list(self._rooms)

    def add_user_sid(self, user_id: int, sid: str) -> None:
        with self._lock:
            self._users.setdefault(user_id, set()).add(sid)

    def remove_user_sid(self, user_id: int, sid: str) -> None:
        with self._lock:
            sids = self._users.get(user_id)
            if sids is not None:
                sids.discard(sid)
                if not sids:
                    del self._users[user_id]

    def user_sids(self, user_id: int) -> list[str]:
        with self._lock:
            return list(self._users.get(user_id, ()))

    def refresh(self, items: list[tuple[str, str, dict]]) -> None:
        for code, sid, record in items:
            self.put(code, sid, record)

    def sweep(self, max_age_ms: int) -> list[tuple[str, dict]]:
        return []  # the process that owns these sockets removes them itself


class RedisStore:
    """Room presence in Redis: hash `st:presence:<code>` sid → record; stale records swept."""

    PREFIX = "st:presence:"
    # A player's frequent reports (position, offsets) reach Redis with the next heartbeat
    # (every 2 s, the roster's fold interval) instead of a write per report (issue 15).
    DEFERS_REPORTS = True

    def __init__(self, client) -> None:
        self.r = client
        self.marker = f"{self.PREFIX}marker:{secrets.token_hex(8)}"

    def put(self, code: str, sid: str, record: dict) -> None:
        pipe = self.r.pipeline(transaction=False)  # one round trip
        pipe.hset(self.PREFIX + code, sid, json.dumps(record))
        pipe.sadd(self.PREFIX + "rooms", code)
        pipe.execute()

    LEFT_TTL_S = 24 * 3600

    def note_left(self, code: str, user_id: int, at_ms: int) -> None:
        key = f"{self.PREFIX}left:{code}"
        pipe = self.r.pipeline(transaction=False)
        pipe.hset(key, str(user_id), str(at_ms))
        pipe.expire(key, self.LEFT_TTL_S)
        pipe.execute()

    def left_ms(self, code: str, user_id: int) -> int | None:
        value = self.r.hget(f"{self.PREFIX}left:{code}", str(user_id))
        return int(value) if value is not None else None

    def drop(self, code: str, sid: str) -> None:
        self.r.hdel(self.PREFIX + code, sid)

    def has_any(self, code: str, sids: list[str]) -> bool:
        return bool(sids) and any(v is not None for v in self.r.hmget(self.PREFIX + code, sids))

    def records(self, code: str) -> list[dict]:
        return [json.loads(v) for v in self.r.hgetall(self.PREFIX + code).values()]

    # rooms read per round trip by records_many: a pass over every room (the counts, the owners'
    # hand-over, the sweep) is a few round trips, not one per room, and no reply is huge
    READ_CHUNK = 100

    def records_many(self, codes: list[str]) -> dict[str, list[dict]]:
        """Several rooms' records, READ_CHUNK rooms per round trip (the roster folds read rooms in
        chunks; the background's passes over every room read them all)."""
        return {code: [json.loads(v) for v in found.values()] for code, found in self._hashes(codes).items()}

    def _hashes(self, codes: list[str]) -> dict[str, dict]:
        found: dict[str, dict] = {}
        for at in range(0, len(codes), self.READ_CHUNK):
            chunk = codes[at:at + self.READ_CHUNK]
            pipe = self.r.pipeline(transaction=False)
            for code in chunk:
                pipe.hgetall(self.PREFIX + code)
            found.update(zip(chunk, pipe.execute(), strict=True))
        return found

    def sizes(self, codes: list[str]) -> dict[str, int]:
        """Sockets per room (HLEN), for many rooms in one round trip."""
        if not codes:
            return {}
        pipe = self.r.pipeline(transaction=False)
        for code in codes:
            pipe.hlen(self.PREFIX + code)
        return {code: int(n) for code, n in zip(codes, pipe.execute(), strict=True)}

    def claim_folds(self, claims: list[tuple[str, int]]) -> set[str]:
        """The rooms whose next roster fold this process takes: the members of a room are spread
        over processes, and each would fold (read, encode and publish) the same roster; the first
        to claim a room (SET NX for its fold interval) folds it for everyone. One round trip."""
        if not claims:
            return set()
        pipe = self.r.pipeline(transaction=False)
        for code, ms in claims:
            pipe.set(f"{self.PREFIX}fold:{code}", os.getpid(), nx=True, px=max(1, ms))
        return {code for (code, _ms), won in zip(claims, pipe.execute(), strict=True) if won}

    def add_user_sid(self, user_id: int, sid: str) -> None:
        self.r.sadd(f"{self.PREFIX}user:{user_id}", sid)

    def remove_user_sid(self, user_id: int, sid: str) -> None:
        self.r.srem(f"{self.PREFIX}user:{user_id}", sid)

    def user_sids(self, user_id: int) -> list[str]:
        return [s.decode() if isinstance(s, bytes) else s for s in self.r.smembers(f"{self.PREFIX}user:{user_id}")]

    def room_codes(self) -> list[str]:
        return [c.decode() if isinstance(c, bytes) else c for c in self.r.smembers(self.PREFIX + "rooms")]

    # A key of this store's own, refreshed by every heartbeat: missing at a heartbeat only when
    # Redis lost its data (a restart without persistence, a flush) — then the heartbeat also
    # re-creates the users' socket sets, which join and leave keep otherwise.
    MARKER_TTL_S = 600

    def refresh(self, items: list[tuple[str, str, dict]]) -> None:
        """The heartbeat: every record of this process as one HSET per room and one SADD of the
        rooms, in one round trip (it was three commands per socket); the users' socket sets
        too when Redis lost its data since the last heartbeat."""
        rooms: dict[str, dict[str, str]] = {}
        for code, sid, record in items:
            rooms.setdefault(code, {})[sid] = json.dumps(record)
        pipe = self.r.pipeline(transaction=False)
        pipe.set(self.marker, 1, ex=self.MARKER_TTL_S, get=True)
        for code, mapping in rooms.items():
            pipe.hset(self.PREFIX + code, mapping=mapping)
        if rooms:
            pipe.sadd(self.PREFIX + "rooms", *rooms)
        if pipe.execute()[0] is not None:
            return
        users: dict[int, list[str]] = {}
        for _code, sid, record in items:
            users.setdefault(record["user_id"], []).append(sid)
        pipe = self.r.pipeline(transaction=False)
        for user_id, sids in users.items():
            pipe.sadd(f"{self.PREFIX}user:{user_id}", *sids)
        pipe.execute()

    def sweep(self, max_age_ms: int) -> list[tuple[str, dict]]:
        """Remove records of sockets whose process stopped refreshing them (a dead process)."""
        cutoff = now_ms() - max_age_ms
        gone: list[tuple[str, dict]] = []
        empty: list[str] = []
        for code, raw in self._hashes(self.room_codes()).items():  # (READ_CHUNK rooms per round trip)
            if not raw:
                empty.append(code)
                continue
            for sid, value in raw.items():
                rec = json.loads(value)
                if rec.get("ts", 0) < cutoff:
                    self.r.hdel(self.PREFIX + code, sid)
                    gone.append((code, rec))
        # A room that gained a socket between its read and this SREM leaves the set until that
        # process's next heartbeat adds it back (HOUSEKEEPING_EVERY_S, 2 s): the passes over the set
        # (counts, hand-over, this sweep) skip it that long; its hash, and so its rosters, are untouched.
        if empty:
            self.r.srem(self.PREFIX + "rooms", *empty)
        return gone


class Presence:
    def __init__(self, store: LocalStore | RedisStore | None = None) -> None:
        self.store = store or LocalStore()
        self._conns: dict[str, Conn] = {}

    # -- sockets of this process ---------------------------------------------------
    def add(self, conn: Conn) -> None:
        self._conns[conn.sid] = conn
        self.store.add_user_sid(conn.user_id, conn.sid)

    def get(self, sid: str) -> Conn | None:
        return self._conns.get(sid)

    def remove(self, sid: str) -> Conn | None:
        conn = self._conns.pop(sid, None)
        if conn:
            self.store.remove_user_sid(conn.user_id, sid)
            if conn.room_code:
                self.store.note_left(conn.room_code, conn.user_id, now_ms())
                self.store.drop(conn.room_code, sid)
        return conn

    def local_conns(self) -> list[Conn]:
        return list(self._conns.values())

    def sids_of_pairing(self, pairing_id: int) -> list[str]:
        return [c.sid for c in self._conns.values() if c.pairing_id == pairing_id]

    def enter(self, sid: str, code: str) -> None:
        conn = self._conns[sid]
        if conn.room_code and conn.room_code != code:
            self.store.drop(conn.room_code, sid)
        if conn.room_code != code or not conn.entered_ms:
            conn.entered_ms = now_ms()
        if conn.room_code != code:
            conn.room_id = conn.role = None
            conn.status = None  # a report from the last room says nothing about this one
        conn.room_code = code
        conn.was_removed = False
        self.store.put(code, sid, conn.record())

    def exit(self, sid: str, *, note_left: bool = True) -> str | None:
        """Take a socket out of its room; `note_left` False when its membership ended (a kick, a
        ban, a closed room): not a departure the room counts an away owner from."""
        conn = self._conns.get(sid)
        if conn is None or conn.room_code is None:
            return None
        code, conn.room_code = conn.room_code, None
        conn.room_id = conn.role = None
        if note_left:  # noted before the socket goes: whoever sees the user gone also sees since when
            self.store.note_left(code, conn.user_id, now_ms())
        self.store.drop(code, sid)
        return code

    def update(self, sid: str, *, report: bool = False, **facts: object) -> Conn | None:
        """Set facts of a socket and share its record; a frequent `report` (player.status) is
        shared with the next heartbeat by a store that defers reports (Redis) — except a socket's
        first report in its room, shared at once: other processes count a player that just
        joined as watching (vote-skip) without waiting for the heartbeat."""
        conn = self._conns.get(sid)
        if conn is None:
            return None
        if report and conn.status is None:
            report = False
        for key, value in facts.items():
            setattr(conn, key, value)
        conn.last_seen_ms = now_ms()
        if conn.room_code and not (report and self.store.DEFERS_REPORTS):
            self.store.put(conn.room_code, sid, conn.record())
        return conn

    def heartbeat(self) -> None:
        """Refresh this process's records so other processes know its sockets are alive."""
        self.store.refresh([(c.room_code, c.sid, c.record()) for c in self._conns.values() if c.room_code])

    # -- rooms, across processes -----------------------------------------------------
    def room_sizes(self, codes: list[str]) -> dict[str, int]:
        return self.store.sizes(codes)

    def claim_folds(self, claims: list[tuple[str, int]]) -> set[str]:
        return self.store.claim_folds(claims)

    def room_records(self, code: str) -> list[dict]:
        return self.store.records(code)

    def user_present(self, code: str, user_id: int) -> bool:
        """Whether any socket of the user is in the room (every process): the user's sockets
        looked up in the room, not the room's every record read (O(1) per join, not O(N))."""
        return self.store.has_any(code, self.store.user_sids(user_id))

    def users_in_room(self, code: str) -> dict[int, list[dict]]:
        return by_user(self.room_records(code))

    def users_in_rooms(self, codes: list[str]) -> dict[str, dict[int, list[dict]]]:
        """users_in_room of several rooms, read at once (one Redis round trip for all)."""
        return {code: by_user(records) for code, records in self.store.records_many(codes).items()}


def by_user(records: list[dict]) -> dict[int, list[dict]]:
    """A room's records grouped by user (a user may have several sockets: a tab and a remote)."""
    users: dict[int, list[dict]] = {}
    for rec in records:
        users.setdefault(int(rec["user_id"]), []).append(rec)
    return users
