"""Passes over every room's presence on a real Redis (RedisStore.records_many, RedisStore.sweep):
READ_CHUNK rooms per round trip, not one round trip per room — the background's counts, owner
hand-over and sweep read every room every few seconds — with the same answers as room by room."""
from __future__ import annotations

import json

import pytest

from server.services.presence.store import Conn, Presence, RedisStore
from server.timeutil import now_ms
from tests.support.redis_round_trips import RoundTrips

pytestmark = [pytest.mark.redis]


def fill(presence: Presence, rooms: int, per_room: int = 2) -> list[str]:
    codes = [f"room{i:03d}" for i in range(rooms)]
    for i, code in enumerate(codes):
        for j in range(per_room):
            sid = f"s{i}-{j}"
            presence.add(Conn(sid=sid, user_id=1000 * i + j, name=f"U{i}-{j}", picture=None, device="extension"))
            presence.enter(sid, code)
    return codes


def test_reading_many_rooms_takes_a_round_trip_per_chunk_and_answers_as_room_by_room(redis_client):
    writer = Presence(RedisStore(redis_client))
    codes = fill(writer, 250)
    counting = RoundTrips(redis_client)
    store = RedisStore(counting)
    many = store.records_many(codes + ["nobody-here"])
    assert [len(trip) for trip in counting.trips] == [100, 100, 51], "READ_CHUNK rooms per round trip"
    assert all(set(trip) == {"HGETALL"} for trip in counting.trips)
    key = lambda rec: rec["sid"]  # noqa: E731
    assert {c: sorted(r, key=key) for c, r in many.items()} == \
        {c: sorted(RedisStore(redis_client).records(c), key=key) for c in codes + ["nobody-here"]}
    assert many["nobody-here"] == [] and all(len(many[c]) == 2 for c in codes)
    assert RedisStore(counting).records_many([]) == {}


def test_the_sweep_reads_every_room_in_chunks_and_removes_only_the_stale(redis_client):
    writer = Presence(RedisStore(redis_client))
    codes = fill(writer, 120)
    stale = {"sid": "dead-1", "user_id": 7, "name": "Gone", "device": "extension", "ts": now_ms() - 60_000}
    redis_client.hset(RedisStore.PREFIX + codes[5], "dead-1", json.dumps(stale))
    redis_client.hset(RedisStore.PREFIX + codes[110], "dead-2", json.dumps({**stale, "sid": "dead-2"}))
    redis_client.sadd(RedisStore.PREFIX + "rooms", "emptied-a", "emptied-b")  # their hashes are gone
    counting = RoundTrips(redis_client)
    gone = RedisStore(counting).sweep(max_age_ms=30_000)
    assert sorted((code, rec["sid"]) for code, rec in gone) == [(codes[5], "dead-1"), (codes[110], "dead-2")]
    hgetalls = [trip for trip in counting.trips if "HGETALL" in trip]
    assert [len(trip) for trip in hgetalls] == [100, 22], "122 rooms: two round trips, not 122"
    reader = RedisStore(redis_client)
    assert sorted(r["sid"] for r in reader.records(codes[5])) == ["s5-0", "s5-1"]
    assert sorted(r["sid"] for r in reader.records(codes[110])) == ["s110-0", "s110-1"]
    assert set(reader.room_codes()) == set(codes), "the emptied rooms left the set; the others stay"


def test_a_room_the_sweep_drops_while_it_gains_a_socket_is_back_with_the_next_heartbeat(redis_client):
    """The sweep removes the rooms it read empty with one SREM after its pass; a socket that entered
    one of them in between loses it from the room set only until its process's next heartbeat."""
    presence = Presence(RedisStore(redis_client))
    [code] = fill(presence, 1)
    redis_client.srem(RedisStore.PREFIX + "rooms", code)  # as the sweep's SREM after the socket's put()
    assert code not in RedisStore(redis_client).room_codes()
    presence.heartbeat()
    assert code in RedisStore(redis_client).room_codes()
    assert len(RedisStore(redis_client).records(code)) == 2, "the room's records were never touched"
