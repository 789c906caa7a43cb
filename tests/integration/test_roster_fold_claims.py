"""With Redis, the members of a room are spread over processes and each process would fold the
same roster (read it, encode it, publish it to the whole room) every interval: the first process
to claim the room's fold folds it for everyone (RedisStore.claim_folds, SET NX for the room's fold
interval), and the sizes that set the interval come in one round trip (HLEN), not a full read."""
from __future__ import annotations

import time

import pytest

from server.services.presence.store import Conn, LocalStore, Presence, RedisStore

pytestmark = [pytest.mark.redis]



def test_one_process_claims_each_rooms_fold_for_its_interval(redis_client):
    a, b = RedisStore(redis_client), RedisStore(redis_client)
    assert a.claim_folds([("room1", 300), ("room2", 300)]) == {"room1", "room2"}
    assert b.claim_folds([("room1", 300), ("room3", 300)]) == {"room3"}, "room1 is a's until its interval ends"
    assert a.claim_folds([("room1", 300)]) == set(), "not twice in one interval, not even by the same process"
    time.sleep(0.35)
    assert b.claim_folds([("room1", 300)]) == {"room1"}
    assert a.claim_folds([]) == set()


def test_sizes_count_every_processes_sockets_in_one_round_trip(redis_client):
    a, b = Presence(RedisStore(redis_client)), Presence(RedisStore(redis_client))
    for presence, sid, user in ((a, "s1", 1), (a, "s2", 2), (b, "s3", 3)):
        presence.add(Conn(sid=sid, user_id=user, name=f"U{user}", picture=None, device="extension"))
        presence.enter(sid, "roomA")
    assert a.room_sizes(["roomA", "empty"]) == {"roomA": 3, "empty": 0}
    assert b.room_sizes(["roomA"]) == {"roomA": 3}


def test_one_process_folds_every_room_it_has():
    presence = Presence(LocalStore())
    assert presence.claim_folds([("r1", 2000), ("r1", 2000), ("r2", 10)]) == {"r1", "r2"}


@pytest.mark.parametrize("shared", [True, False], ids=["redis", "local"])
def test_whether_a_user_is_present_is_answered_from_their_sockets(redis_client, shared):
    """A join asks whether the user was already in the room (their first device counts for the
    clock and the chat line): answered from the user's own sockets, on every process, without
    reading the room's every record."""
    if shared:
        a, b = Presence(RedisStore(redis_client)), Presence(RedisStore(redis_client))
    else:
        a = b = Presence(LocalStore())
    a.add(Conn(sid="s1", user_id=1, name="Ann", picture=None, device="extension"))
    b.add(Conn(sid="s2", user_id=1, name="Ann", picture=None, device="remote"))
    b.add(Conn(sid="s3", user_id=2, name="Ben", picture=None, device="extension"))
    assert not a.user_present("roomA", 1)
    b.enter("s2", "roomA")  # Ann's phone, on the other process
    b.enter("s3", "roomB")
    assert a.user_present("roomA", 1) and b.user_present("roomA", 1)
    assert not a.user_present("roomA", 2) and a.user_present("roomB", 2)
    assert not a.user_present("roomA", 3), "a user with no socket is nowhere"
    b.exit("s2")
    assert not a.user_present("roomA", 1)


@pytest.mark.parametrize("shared", [True, False], ids=["redis", "local"])
def test_the_folds_read_a_chunk_of_rooms_presence_in_one_round_trip(redis_client, shared):
    """flush_pending reads the presence of FOLD_PRESENCE_CHUNK rooms at once: with Redis one
    pipeline of HGETALLs, every process's sockets in it, the same as reading each room alone."""
    calls: list[str] = []

    class Counting:  # the Redis client, counting what is called on it (one pipeline: one round trip)
        def __getattr__(self, name):
            calls.append(name)
            return getattr(redis_client, name)

    if shared:
        a, b = Presence(RedisStore(Counting())), Presence(RedisStore(redis_client))
    else:
        a = b = Presence(LocalStore())
    for presence, sid, user, code in ((a, "s1", 1, "roomA"), (b, "s2", 2, "roomA"), (b, "s3", 1, "roomA"),
                                      (b, "s4", 3, "roomB")):
        presence.add(Conn(sid=sid, user_id=user, name=f"U{user}", picture=None, device="extension"))
        presence.enter(sid, code)
    calls.clear()
    many = a.users_in_rooms(["roomA", "roomB", "empty"])
    if shared:
        assert calls == ["pipeline"], calls
    assert many == {code: a.users_in_room(code) for code in ("roomA", "roomB", "empty")}
    assert sorted(many["roomA"]) == [1, 2] and len(many["roomA"][1]) == 2 and many["empty"] == {}
    assert a.users_in_rooms([]) == {}
