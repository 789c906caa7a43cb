"""Public rooms across two interactive processes on one Redis (issue 16, item 7): a room listed
by a member of one process, with people on both, shows on the other process's list with every
viewer counted, and a viewer leaving on one process is seen on the other once its 5 s cache lapses."""
from __future__ import annotations

import time

import pytest
import requests

from server.domain.constants import PUBLIC_ROOMS_CACHE_MS
from tests.support.cluster import processes_on_redis
from tests.support.sio import Client, new_room

pytestmark = [pytest.mark.live, pytest.mark.redis]


@pytest.fixture
def two_processes(tmp_path, fresh_db_url):
    with processes_on_redis(tmp_path, fresh_db_url) as procs:
        yield procs


def listed(base_url: str) -> list[dict]:
    resp = requests.get(f"{base_url}/api/rooms/public", timeout=10)
    assert resp.status_code == 200, resp.text
    return resp.json()["rooms"]


def wait_listing(base_url: str, predicate, *, timeout_s: float) -> list[dict]:
    deadline = time.monotonic() + timeout_s
    while True:
        rooms = listed(base_url)
        if predicate(rooms) or time.monotonic() > deadline:
            return rooms
        time.sleep(0.5)


def test_a_room_listed_on_one_process_is_counted_on_the_other(two_processes):
    web1, web2 = two_processes
    ann = Client.guest(web1.base_url, "Ann").connect()
    ben = Client.guest(web2.base_url, "Ben").connect()
    code = new_room(web1.base_url, ann.token, name="Across processes")
    ann.join(code)
    ben.join(code)
    try:
        assert listed(web2.base_url) == []  # not listed yet (this answer is now cached 5 s on web2)
        assert ann.call("room.settings", {"listed": True})["ok"]
        lapse_s = PUBLIC_ROOMS_CACHE_MS / 1000 + 3
        rooms = wait_listing(web2.base_url, lambda rs: len(rs) == 1, timeout_s=lapse_s)
        assert [(r["code"], r["name"], r["watching"]) for r in rooms] == [(code, "Across processes", 2)]
        assert [(r["code"], r["watching"]) for r in listed(web1.base_url)] == [(code, 2)]
        assert ann.call("leave")["ok"]  # on web1; web2 sees it through Redis presence
        rooms = wait_listing(web2.base_url, lambda rs: [r["watching"] for r in rs] == [1], timeout_s=lapse_s)
        assert [r["watching"] for r in rooms] == [1]
    finally:
        ann.close()
        ben.close()
