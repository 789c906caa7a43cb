"""Against the real thing: Gunicorn + gevent-websocket on the embedded default (SQLite, or
PostgreSQL with SHARETUBE_TEST_DB=postgres), python-socketio clients over real websockets."""
from __future__ import annotations

import signal
import time
import uuid

import jwt
import pytest
import requests
import socketio

from tests.support.live_server import LiveServer, live_server_fixture, sio_client  # noqa: F401 (fixture)

pytestmark = pytest.mark.live
VIDEO_ID = "dQw4w9WgXcQ"
ONE_HOUR_MS = 3_600_000


@pytest.fixture(scope="module")
def server(db_templates, tmp_path_factory):
    """One server for the read-mostly tests of this module (a start costs a migration + boot)."""
    running = LiveServer(tmp_path_factory.mktemp("live-shared"), db_templates.fresh_url()).start()
    yield running
    running.stop(signal.SIGKILL)


def guest(base_url: str, name: str) -> dict:
    resp = requests.post(f"{base_url}/auth/guest", json={"name": name}, timeout=5)
    assert resp.status_code == 200, resp.text
    return resp.json()


def new_room(base_url: str, token: str, **settings) -> dict:
    resp = requests.post(f"{base_url}/api/rooms", json={"settings": settings},
                         headers={"Authorization": f"Bearer {token}"}, timeout=5)
    assert resp.status_code == 201, resp.text
    return resp.json()


def roster_ids(update: dict) -> set[int]:
    return {m["user_id"] for m in update["members"]}


def test_health_answers_200_with_the_database_up(server):
    resp = requests.get(f"{server.base_url}/api/health", timeout=5)
    assert resp.status_code == 200
    body = resp.json()
    assert body["ok"] is True and body["db"] == "ok" and body["redis"] is None


def test_three_members_see_each_other_and_an_outsider_sees_nothing(server):
    people = [guest(server.base_url, n) for n in ("Owner", "Bob", "Cara", "Outsider")]
    code = new_room(server.base_url, people[0]["access_token"], name="Live room")["code"]
    clients = [sio_client(server.base_url, p["access_token"]) for p in people]
    owner, bob, cara, outsider = clients
    try:
        for c, p in zip(clients, people, strict=True):
            hello = c.wait_for("hello")
            assert hello["user"]["id"] == p["user"]["id"] and hello["protocol"] == 1
        for c in (owner, bob, cara):
            ack = c.call("join", {"code": code})
            assert ack["ok"] is True and ack["room"]["code"] == code, ack
        everyone = {p["user"]["id"] for p in people[:3]}
        for c in (owner, bob, cara):
            c.wait_for("presence.update", lambda d: roster_ids(d) == everyone)
        assert cara.call("chat.send", {"text": "hi all"})["ok"] is True
        owner.wait_for("chat.message", lambda d: d["text"] == "hi all")
        time.sleep(0.3)  # anything misrouted would have arrived by now
        assert [r.name for r in outsider.received() if r.name != "hello"] == []
        ack = outsider.call("time.sync", {"client_ms": 5})
        assert ack["ok"] is True and ack["client_ms"] == 5
    finally:
        for c in clients:
            c.close()


def _other_key_token(base_url: str) -> str:
    user = guest(base_url, "Forger")["user"]
    now = int(time.time())
    return jwt.encode({"sub": str(user["id"]), "tv": 1, "type": "access", "fresh": False, "jti": str(uuid.uuid4()),
                       "iat": now, "nbf": now, "exp": now + 600}, "another-key-" + "k" * 40, algorithm="HS256")


def _revoked_token(base_url: str) -> str:
    token = guest(base_url, "Leaver")["access_token"]
    resp = requests.post(f"{base_url}/auth/logout", headers={"Authorization": f"Bearer {token}"}, timeout=5)
    assert resp.status_code == 200
    return token


REFUSED = {"no-token": lambda url: None, "garbage": lambda url: "not.a.token",
           "revoked": _revoked_token, "other-key": _other_key_token}


@pytest.mark.parametrize("kind", list(REFUSED))
def test_a_connect_without_a_valid_token_is_refused(server, kind):
    client = sio_client(server.base_url, REFUSED[kind](server.base_url), connect=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect()
    assert not client.connected
    assert client.connect_error is not None and "unauthorized" in str(client.connect_error)


def test_a_refused_connect_says_unauthorized_in_its_data(server):
    client = sio_client(server.base_url, "not.a.token", connect=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect()
    # python-socketio hands the CONNECT_ERROR packet data over as is; socket.io-client makes
    # err.message of its "message" and err.data of its "data".
    assert client.connect_error["data"]["error"] == "unauthorized", client.connect_error


def test_the_advertised_ping_interval_keeps_a_service_worker_alive(server):
    with sio_client(server.base_url, guest(server.base_url, "Pinger")["access_token"]) as client:
        assert 0 < client.ping_interval < 20


@pytest.mark.parametrize("workers, pool", [(2, "single"), (3, "interactive"), (1, "background")])
def test_several_processes_without_a_message_queue_refuse_to_start(live_server, workers, pool):
    server = live_server(workers=workers, pool=pool, wait=False)
    code = server.wait_exit(timeout=30)
    assert code != 0
    assert "refusing to start" in server.log and "SOCKETIO_MESSAGE_QUEUE" in server.log, server.log[-2000:]
    assert not server.running


def playing_position(playback: dict, at_ms: int) -> float:
    assert playback["state"] == "playing", playback
    return playback["position_ms"] + max(0, at_ms - playback["anchor_ms"]) * playback["rate"]


def timed_sync(client) -> tuple[dict, float, float]:
    """room.sync → (room, local wall ms at the middle of the round trip, round trip ms)."""
    sent = time.time() * 1000
    ack = client.call("room.sync")
    back = time.time() * 1000
    assert ack["ok"] is True, ack
    return ack["room"], (sent + back) / 2, back - sent


def assert_clock_kept_running(before: tuple, after: tuple, entry_id: int) -> None:
    """The position advanced by the time that passed, computed from each answer's server_ms (±50 ms)."""
    (room_before, wall_before, rtt_before), (room_after, wall_after, rtt_after) = before, after
    pb_before, pb_after = room_before["playback"], room_after["playback"]
    assert pb_after["state"] == "playing" and pb_after["entry_id"] == entry_id, pb_after
    assert pb_after["rate"] == pb_before["rate"] == 1
    server_elapsed = room_after["server_ms"] - room_before["server_ms"]
    advanced = (playing_position(pb_after, room_after["server_ms"])
                - playing_position(pb_before, room_before["server_ms"]))
    assert abs(advanced - server_elapsed * pb_after["rate"]) <= 50, (advanced, server_elapsed, pb_before, pb_after)
    wall_elapsed = wall_after - wall_before
    assert abs(advanced - wall_elapsed) <= 50 + (rtt_before + rtt_after) / 2, (advanced, wall_elapsed)
    assert wall_elapsed > 300, "a restart really happened in between"


def test_a_playing_room_survives_a_crash_and_a_graceful_restart(server):
    """Restarts the module's server (same port, instance folder and database): kept last."""
    owner = guest(server.base_url, "Owner")
    code = new_room(server.base_url, owner["access_token"], name="Survivor")["code"]
    with sio_client(server.base_url, owner["access_token"]) as client:
        assert client.call("join", {"code": code})["ok"] is True
        added = client.call("queue.add", {"video_id": VIDEO_ID, "title": "A video", "duration_ms": ONE_HOUR_MS})
        assert added["ok"] is True, added
        entry_id = added["entry"]["id"]
        client.wait_for("room.playback", lambda p: p["entry_id"] == entry_id and p["state"] == "starting")
        assert client.call("player.ready", {"entry_id": entry_id, "ready": True})["ok"] is True
        client.wait_for("room.playback", lambda p: p["state"] == "playing")
        time.sleep(0.3)  # past a scheduled start, the clock is moving
        playing = timed_sync(client)
        server.restart(signal.SIGKILL)  # a crash under a connected client
        assert not client.connected

    with sio_client(server.base_url, owner["access_token"]) as client:  # same secrets, same database
        assert client.call("join", {"code": code})["ok"] is True
        after_crash = timed_sync(client)
    assert_clock_kept_running(playing, after_crash, entry_id)

    server.restart(signal.SIGTERM)  # graceful (no client connected: a connected one holds it graceful_timeout)
    with sio_client(server.base_url, owner["access_token"]) as client:
        assert client.call("join", {"code": code})["ok"] is True
        after_restart = timed_sync(client)
    assert_clock_kept_running(after_crash, after_restart, entry_id)
    assert "start #3" in server.log and server.running
