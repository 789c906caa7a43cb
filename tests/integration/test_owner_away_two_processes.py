"""The hand-over of an away owner's room across processes (issue 16 item 5): the owner's last
socket is on one interactive process, the members on another, and the background pool (a third
process, which holds no socket of the room) notices the owner is away and hands the room over.
Everyone sees it through the message queue."""
from __future__ import annotations

import time

import pytest

from tests.support.cluster import RedisServer, ServerProc
from tests.support.sio import Client, new_room

pytestmark = [pytest.mark.live, pytest.mark.redis]
AWAY_MS = 1_500
ENV = {"OWNER_AWAY_MS": str(AWAY_MS), "BACKGROUND_TASK_LEASE_SECONDS": "2", "YOUTUBE_OEMBED_URL": "http://127.0.0.1:9/oembed",
       "RATE_LIMIT_EXEMPT_LOOPBACK": "1"}


def test_the_background_pool_hands_an_away_owners_room_over_across_processes(tmp_path, fresh_db_url):
    redis = RedisServer(tmp_path)
    procs = [ServerProc(tmp_path, fresh_db_url, pool=pool, redis_url=redis.url, env=ENV).start()
             for pool in ("interactive", "interactive", "background")]
    web1, web2, _bg = procs
    clients: list[Client] = []
    try:
        ann = Client.guest(web1.base_url, "Ann").connect()
        code = new_room(web1.base_url, ann.token)
        ann.join(code)
        pete = Client.guest(web2.base_url, "Pete").connect()
        pete.join(code)
        time.sleep(0.05)
        olive = Client.guest(web2.base_url, "Olive").connect()
        olive.join(code)
        clients += [ann, pete, olive]
        assert ann.call("member.role", {"user_id": olive.user["id"], "role": "operator"})["ok"]
        time.sleep(AWAY_MS * 2 / 1000)
        assert pete.call("room.sync")["room"]["owner_id"] == ann.user["id"], "Ann is present: nothing moves"

        ann.close()
        left = time.monotonic()
        update = pete.wait_for("presence.update", lambda p: p.get("owner_id") == olive.user["id"], timeout=15)
        took = time.monotonic() - left
        print(f"hand-over seen {took:.2f} s after the owner left (OWNER_AWAY_MS={AWAY_MS})")
        assert AWAY_MS / 1000 - 0.2 <= took <= AWAY_MS / 1000 + 5, took
        assert {m["user_id"]: m["role"] for m in update["members"]}[olive.user["id"]] == "owner"
        pete.wait_for("chat.message", lambda m: m["text"] == "Ann has been away for 1 s: Olive is now the owner",
                      timeout=5)
        # Olive's powers are the owner's on every process; Ann, back on web1, is an operator.
        assert olive.call("member.role", {"user_id": pete.user["id"], "role": "operator"})["ok"]
        ann2 = Client(web1.base_url, ann.token, user=ann.user).connect()
        clients.append(ann2)
        back = ann2.call("join", {"code": code})
        assert back["ok"] and back["role"] == "operator" and back["room"]["owner_id"] == olive.user["id"]
        time.sleep(AWAY_MS * 2 / 1000)
        assert pete.call("room.sync")["room"]["owner_id"] == olive.user["id"], "handed over once"
    finally:
        for c in clients:
            c.close()
        for proc in procs:
            proc.stop()
        redis.stop()
