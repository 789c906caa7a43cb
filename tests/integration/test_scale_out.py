"""Two interactive processes and a background pool on a real Redis (and the suite's database:
SQLite, or PostgreSQL when SHARETUBE_TEST_DB=postgres): what production does to it."""
from __future__ import annotations

import json
import signal
import time

import pytest

from tests.support.cluster import RedisServer, ServerProc
from tests.support.sio import Client, new_room

pytestmark = [pytest.mark.live, pytest.mark.redis]
FAST = {"BACKGROUND_TASK_LEASE_SECONDS": "2", "STATS_SNAPSHOT_SECONDS": "1", "HEARTBEAT_INTERVAL_SECONDS": "1",
        "PONG_TIMEOUT_SECONDS": "2", "START_TIMEOUT_MS": "1500"}


@pytest.fixture
def cluster(tmp_path, fresh_db_url):
    redis = RedisServer(tmp_path)
    procs: list[ServerProc] = []

    def add(pool: str, workers: int = 1) -> ServerProc:
        proc = ServerProc(tmp_path, fresh_db_url, pool=pool, redis_url=redis.url, workers=workers, env=FAST)
        procs.append(proc.start())
        return proc

    web1 = add("interactive")
    web2 = add("interactive")
    bg = add("background", workers=2)
    yield {"redis": redis, "web1": web1, "web2": web2, "bg": bg, "add": add}
    for proc in procs:
        proc.stop()
    redis.stop()


def ann_and_ben(cluster) -> tuple[Client, Client, str]:
    """Ann on the first interactive process and Ben on the second, in one room anyone controls."""
    a = Client.guest(cluster["web1"].base_url, "Ann").connect()
    code = new_room(cluster["web1"].base_url, a.token, control_mode="any")
    b = Client.guest(cluster["web2"].base_url, "Ben").connect()
    a.join(code)
    b.join(code)
    return a, b, code


def start_playing(a: Client, b: Client) -> int:
    entry = a.call("queue.add", {"video_id": "aaaaaaaaaa1"})["entry"]["id"]
    assert a.call("player.ready", {"entry_id": entry, "ready": True})["ok"]
    assert b.call("player.ready", {"entry_id": entry, "ready": True})["ok"]
    a.wait_for("room.playback", lambda p: p["state"] == "playing")
    return entry


def test_clients_on_two_processes_share_a_room_and_see_the_same_versions(cluster):
    a, b, code = ann_and_ben(cluster)
    b.wait_for("presence.update", lambda p: len(p["members"]) == 2)
    start_playing(a, b)
    for i in range(6):
        who = (a, b)[i % 2]
        ack = who.call(("pause", "seek", "play")[i % 3], {"position_ms": 1000 * i} if i % 3 == 1 else {})
        assert ack["ok"], ack
    last = a.call("room.sync")["room"]["version"]
    for c in (a, b):
        c.wait_for("room.playback", lambda p: p["version"] == last)
    seq_a = [p["version"] for p in a.of("room.playback")]
    seq_b = [p["version"] for p in b.of("room.playback")]
    assert seq_a == seq_b == list(range(seq_a[0], last + 1))
    a.close()
    b.close()


def test_a_broadcast_is_published_once_pre_encoded_and_reaches_both_processes_once(cluster):
    """BROADCAST_ENCODE_ONCE with Redis: one publish per broadcast, carrying the encoded Socket.IO
    packet (no JSON object for the other process to decode and re-encode); both processes'
    sockets get it exactly once, with the change's line in `notes`."""
    a, b, code = ann_and_ben(cluster)
    start_playing(a, b)
    pubsub = cluster["redis"].client().pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe("flask-socketio")
    time.sleep(0.2)
    ack = b.call("seek", {"position_ms": 61_000})
    assert ack["ok"], ack
    version = ack["playback"]["version"]
    for c in (a, b):
        c.wait_for("room.playback", lambda p: p["version"] == version)
    published = []
    deadline = time.time() + 2
    while time.time() < deadline:
        msg = pubsub.get_message(timeout=0.2)
        if msg and msg["type"] == "message":
            published.append(msg["data"] if isinstance(msg["data"], str) else msg["data"].decode())
    mine = [m for m in published if f'"version":{version},' in m and '"room.playback"' in m]
    assert len(mine) == 1, published
    assert mine[0].startswith("\x00st-frame1\n") and '\n2["room.playback",' in mine[0]
    for c in (a, b):
        got = [p for p in c.of("room.playback") if p["version"] == version]
        assert len(got) == 1
        assert [n["text"] for n in got[0]["notes"]] == ["Ben jumped to 1:01"]
    pubsub.close()
    a.close()
    b.close()


def test_each_background_task_runs_once_per_period_across_the_pool(cluster):
    r = cluster["redis"].client()
    r.delete("st:taskruns:stats_snapshot")
    time.sleep(5.2)
    runs = int(r.get("st:taskruns:stats_snapshot") or 0)
    assert 4 <= runs <= 6, runs  # one holder, once a second — not once per worker


def test_kill_9_of_the_slot_holder_hands_its_tasks_over_within_one_lease(cluster):
    r = cluster["redis"].client()
    holder = r.get("st:slot:housekeeping")
    assert holder, "no worker holds the housekeeping slot"
    pid = int(holder.split(":")[1])
    import os
    os.kill(pid, signal.SIGKILL)
    killed_at = time.time()
    deadline = killed_at + 2 + 3  # one lease (2 s) plus a margin for the takeover loop
    while time.time() < deadline:
        now_holder = r.get("st:slot:housekeeping")
        if now_holder and now_holder != holder:
            break
        time.sleep(0.1)
    took = time.time() - killed_at
    assert r.get("st:slot:housekeeping") not in (None, holder), "nobody took the slot over"
    assert took <= 2 + 3
    before = int(r.get("st:taskruns:stats_snapshot") or 0)
    time.sleep(2.2)
    assert int(r.get("st:taskruns:stats_snapshot") or 0) >= before + 1  # tasks run again


def test_start_timeout_fires_from_the_background_pool(cluster):
    web1 = cluster["web1"]
    a = Client.guest(web1.base_url, "Ann").connect()
    code = new_room(web1.base_url, a.token)
    a.join(code)
    b = Client.guest(web1.base_url, "Ben").connect()
    b.join(code)
    entry = a.call("queue.add", {"video_id": "aaaaaaaaaa1"})["entry"]["id"]
    t0 = time.monotonic()
    a.call("player.ready", {"entry_id": entry, "ready": True})  # Ben never gets ready
    r = cluster["redis"].client()
    noted = None  # the interactive process noted the room's due time on the shared board
    while noted is None and time.monotonic() - t0 < 1.0:
        noted = r.zscore("st:clock:due", code)
        time.sleep(0.02)
    assert noted is not None, "the start's due time reached the due board in Redis"
    played = a.wait_for("room.playback", lambda p: p["state"] == "playing", timeout=6)
    assert played["actor_id"] is None  # the server's clock (background pool) started it
    assert time.monotonic() - t0 < 1.5 + 2.5, "on time from the board (a lost note waits for the 5 s sweep)"
    a.close()
    b.close()


def test_kill_9_of_an_interactive_process_loses_no_room_state(cluster):
    web1, web2 = cluster["web1"], cluster["web2"]
    a, b, code = ann_and_ben(cluster)
    start_playing(a, b)
    a.call("seek", {"position_ms": 42_000})
    before = b.call("room.sync")["room"]
    web1.kill(signal.SIGKILL)
    # Ann's client fails over to the other process, as nginx would send it there.
    a2 = Client(web2.base_url, a.token, user=a.user).connect()
    room = a2.join(code)
    assert room["version"] == before["version"]
    assert room["playback"]["state"] == "playing" and room["playback"]["entry_id"] == before["playback"]["entry_id"]
    assert {m["user_id"] for m in room["members"]} == {a.user["id"], b.user["id"]}
    # The dead process's socket record is swept; Ann stays present through her new socket.
    b.wait_for("presence.update", lambda p: len(p["members"]) == 2, timeout=8)
    assert a2.call("pause")["ok"]
    b.wait_for("room.playback", lambda p: p["state"] == "paused")
    a2.close()
    b.close()


def test_redis_restart_mid_session_is_survived(cluster):
    redis = cluster["redis"]
    a, b, code = ann_and_ben(cluster)
    start_playing(a, b)
    redis.stop()
    time.sleep(1.0)
    redis.start()
    deadline = time.time() + 20
    delivered = False
    while time.time() < deadline and not delivered:
        ack = a.call("seek", {"position_ms": 7_000}) if a.sio.connected else None
        try:
            b.wait_for("room.playback", lambda p: p["position_ms"] == 7_000, timeout=1.5)
            delivered = True
        except TimeoutError:
            assert ack is None or ack["ok"] or ack["error"] in ("unavailable", "conflict"), ack
    assert delivered, "cross-process broadcasts did not come back after Redis restarted"
    healed = time.time() + 6  # each process re-publishes its sockets' presence every 2 s
    members: list = []
    while time.time() < healed:
        members = b.call("room.sync")["room"]["members"]
        if len(members) == 2:
            break
        time.sleep(0.3)
    assert {m["user_id"] for m in members} == {a.user["id"], b.user["id"]}  # presence healed
    a.close()
    b.close()


def test_metrics_count_events(cluster):
    import requests
    web1 = cluster["web1"]
    a = Client.guest(web1.base_url, "Ann").connect()
    a.call("time.sync", {"client_ms": 1})
    text = requests.get(web1.base_url + "/metrics", timeout=5).text
    assert 'sharetube_events_total{event="time.sync"}' in text
    assert "sharetube_ack_seconds_bucket" in text
    a.close()
    json.dumps(text[:10])
