"""Issue 14 on two interactive processes sharing a real Redis: a ban made on one process reaches
the banned user's socket on the other (finding 3), and limits are counted once for all processes
(finding 5)."""
from __future__ import annotations

import time

import pytest
import requests

from tests.support.cluster import processes_on_redis
from tests.support.sio import Client, new_room

pytestmark = [pytest.mark.live, pytest.mark.redis]


@pytest.fixture
def pair(tmp_path, fresh_db_url):
    with processes_on_redis(tmp_path, fresh_db_url) as (web1, web2):
        yield web1, web2


def test_a_ban_on_one_process_reaches_the_socket_on_the_other(pair):
    web1, web2 = pair
    ann = Client.guest(web1.base_url, "Ann").connect()
    code = new_room(web1.base_url, ann.token, control_mode="any")
    ann.join(code)
    ben = Client.guest(web2.base_url, "Ben").connect()
    ben.join(code)
    assert ben.call("room.sync")["ok"]
    ann.wait_for("presence.update", lambda p: len(p["members"]) == 2)

    assert ann.call("member.kick", {"user_id": ben.user["id"], "ban": True})["ok"]
    ben.wait_for("room.kicked", lambda p: p["reason"] == "banned")
    assert ann.call("chat.send", {"text": "said after the ban"})["ok"]
    refusals = []
    for event, payload in (("room.sync", {}), ("chat.history", {}), ("queue.load", {}), ("chat.typing", {}),
                           ("chat.send", {"text": "hello?"}), ("play", {})):
        ack = ben.call(event, payload)
        assert ack["ok"] is False, (event, ack)
        refusals.append(ack["error"])
    # the first call finds the ban and drops the socket from the room on its process; the
    # others then find no room at all
    assert refusals == ["forbidden"] + ["conflict"] * 5
    time.sleep(0.3)
    assert "said after the ban" not in [m["text"] for m in ben.events("chat.message")]
    assert ann.events("chat.typing") == []
    # rejoining is refused too, on either process
    assert ben.call("join", {"code": code})["error"] == "forbidden"
    ann.close()
    ben.close()


def test_password_attempts_are_counted_across_processes(pair):
    web1, web2 = pair
    owner = Client.guest(web1.base_url, "Owner").connect()
    code = new_room(web1.base_url, owner.token, password="right")
    token, _ = Client.guest(web1.base_url, "Mallory").token, None
    on1 = Client(web1.base_url, token).connect()
    on2 = Client(web2.base_url, token).connect()  # the same user on the other process
    errors = [on1.call("join", {"code": code, "password": f"w{i}"})["error"] for i in range(3)]
    errors += [on2.call("join", {"code": code, "password": f"v{i}"})["error"] for i in range(3)]
    assert errors == ["forbidden"] * 5 + ["rate_limited"]
    for c in (owner, on1, on2):
        c.close()


def test_per_ip_http_limits_are_shared_through_redis(pair):
    web1, web2 = pair
    statuses = [requests.post(f"{(web1, web2)[i % 2].base_url}/auth/guest", json={"name": f"G{i}"}, timeout=10)
                .status_code for i in range(62)]
    assert statuses[:60] == [200] * 60  # 30 on each process ...
    assert statuses[60:] == [429, 429]  # ... and the limit of 60 is the sum
    refused = requests.post(f"{web2.base_url}/auth/guest", json={"name": "late"}, timeout=10)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
