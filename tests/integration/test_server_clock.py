"""The server's own clock (the background "clock" slot of a real Gunicorn server) advances a room
past the known end of a video with the configured END_GRACE_MS, not the domain's default.

Before the fix, the clock's context never carried END_GRACE_MS: the stored due time used the
configured 300 ms while `Tick` waited the constant 1,500 ms, so the due tick changed nothing, the
due time was cleared as stale, and the room stayed on the ended video for good.
"""
from __future__ import annotations

import pytest
import requests

from server.domain.constants import END_GRACE_MS
from tests.support.live_server import live_server_fixture, sio_client  # noqa: F401 (fixture)

pytestmark = pytest.mark.live
SHORT_GRACE_MS = 300
DURATION_MS = 1_000
FIRST, SECOND = "aaaaaaaaaa1", "bbbbbbbbbb2"


def guest_token(base_url: str, name: str) -> str:
    resp = requests.post(f"{base_url}/auth/guest", json={"name": name}, timeout=5)
    assert resp.status_code == 200, resp.text
    return resp.json()["access_token"]


def test_the_server_clock_advances_a_room_with_a_short_end_grace(live_server):
    assert SHORT_GRACE_MS < END_GRACE_MS  # the configured grace differs from the domain's default
    server = live_server(env={"END_GRACE_MS": str(SHORT_GRACE_MS)})
    token = guest_token(server.base_url, "Owner")
    resp = requests.post(f"{server.base_url}/api/rooms", json={"settings": {}},
                         headers={"Authorization": f"Bearer {token}"}, timeout=5)
    code = resp.json()["code"]
    with sio_client(server.base_url, token) as client:
        assert client.call("join", {"code": code})["ok"] is True
        first = client.call("queue.add", {"video_id": FIRST, "duration_ms": DURATION_MS})
        second = client.call("queue.add", {"video_id": SECOND, "duration_ms": 60_000})
        assert first["ok"] and second["ok"], (first, second)
        first_id, second_id = first["entry"]["id"], second["entry"]["id"]
        client.wait_for("room.playback", lambda p: p["entry_id"] == first_id and p["state"] == "starting")
        assert client.call("player.ready", {"entry_id": first_id, "ready": True})["ok"] is True
        playing = client.wait_for("room.playback", lambda p: p["entry_id"] == first_id and p["state"] == "playing")
        # Nobody reports the end: only the server's clock can move the room on.
        end_ms = playing["anchor_ms"] + (DURATION_MS - playing["position_ms"]) / playing["rate"]
        advanced = client.wait_for("room.playback", lambda p: p["entry_id"] == second_id, timeout=10)
        arrived_ms = next(r.at_ms for r in client.received("room.playback") if r.data is advanced)
        assert advanced["state"] in ("starting", "playing")
        assert advanced["actor_id"] is None  # the server did it
        assert arrived_ms >= end_ms + SHORT_GRACE_MS - 50  # not before the grace (50 ms for clock skew)
    log = server.log
    assert "event=tick from=playing to=starting" in log, log[-2000:]
