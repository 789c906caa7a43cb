"""The presence heartbeat on a real Redis (RedisStore.refresh): every record of the process's
sockets, with their latest player reports, in one round trip of one HSET per room — and after
Redis lost its data (a restart without persistence), everything the other processes read is
back after one heartbeat: the rooms' records, the set of rooms, each user's sockets."""
from __future__ import annotations

import pytest

from server.services.presence.store import Conn, Presence, RedisStore
from tests.support.redis_round_trips import RoundTrips

pytestmark = [pytest.mark.redis]


def joined(presence: Presence, sid: str, user_id: int, code: str) -> None:
    presence.add(Conn(sid=sid, user_id=user_id, name=f"U{user_id}", picture=None, device="extension"))
    presence.enter(sid, code)


def test_a_heartbeat_is_one_round_trip_of_one_write_per_room(redis_client):
    counting = RoundTrips(redis_client)
    here, elsewhere = Presence(RedisStore(counting)), Presence(RedisStore(redis_client))
    for sid, user, code in (("s1", 1, "roomA"), ("s2", 2, "roomA"), ("s3", 3, "roomA"), ("s4", 1, "roomB")):
        joined(here, sid, user, code)
    here.heartbeat()  # the first one also writes the users' socket sets (its marker is new)
    for sid, at in (("s1", 10), ("s2", 20), ("s4", 40)):
        here.update(sid, report=True, status={"at_ms": at})  # the first report of each is shared at once
        here.update(sid, report=True, status={"at_ms": at + 1})  # later ones wait for the heartbeat
    counting.trips.clear()
    here.heartbeat()
    assert counting.trips == [["SET", "HSET", "HSET", "SADD"]], \
        "the marker, one HSET per room, the rooms' set: not three commands per socket"
    statuses = {r["sid"]: r["status"] for code in ("roomA", "roomB") for r in elsewhere.room_records(code)}
    assert statuses == {"s1": {"at_ms": 11}, "s2": {"at_ms": 21}, "s3": None, "s4": {"at_ms": 41}}


def test_after_redis_lost_its_data_one_heartbeat_brings_back_what_other_processes_read(redis_client):
    here, elsewhere = Presence(RedisStore(redis_client)), Presence(RedisStore(redis_client))
    joined(here, "s1", 1, "roomA")
    joined(here, "s2", 2, "roomA")
    joined(here, "s3", 1, "roomB")
    here.heartbeat()
    redis_client.flushall()  # a restart without persistence
    assert elsewhere.users_in_room("roomA") == {} and not elsewhere.user_present("roomA", 1)
    here.heartbeat()
    assert sorted(elsewhere.users_in_room("roomA")) == [1, 2]
    assert elsewhere.user_present("roomA", 1) and elsewhere.user_present("roomB", 1), "users' socket sets"
    assert set(elsewhere.store.room_codes()) == {"roomA", "roomB"}, "the set of rooms (the sweep walks it)"
