"""Issue 14 finding 2 on the real server: a scheduled start's lead comes from round trips the
server measured itself (Engine.IO ping → pong), not from the rtt_ms a client claims."""
from __future__ import annotations

import time

import pytest
from engineio import packet

from tests.support.cluster import ServerProc
from tests.support.sio import Client, new_room

pytestmark = pytest.mark.live
PONG_DELAY_S = 0.3


def slow_pongs(client: Client) -> None:
    """This client answers every ping PONG_DELAY_S late: a real, long round trip."""
    eio = client.sio.eio
    send = eio._send_packet

    def delayed(pkt):
        if pkt.packet_type == packet.PONG:
            time.sleep(PONG_DELAY_S)
        return send(pkt)

    eio._send_packet = delayed


def lead_of_next_start(client: Client) -> int:
    assert client.call("pause")["ok"]
    sent = time.time() * 1000
    pb = client.call("play")["playback"]
    return int(pb["anchor_ms"] - sent)


def test_the_start_lead_follows_measured_round_trips_not_claims(tmp_path, fresh_db_url):
    server = ServerProc(tmp_path, fresh_db_url, env={"SOCKETIO_PING_INTERVAL": "1"}).start()
    try:
        ann = Client.guest(server.base_url, "Ann").connect()
        slow_pongs(ann)
        code = new_room(server.base_url, ann.token)
        ann.join(code)
        entry = ann.call("queue.add", {"video_id": "aaaaaaaaaa1"})["entry"]["id"]
        assert ann.call("player.ready", {"entry_id": entry, "ready": True})["ok"]
        ann.wait_for("room.playback", lambda p: p["state"] == "playing")
        # before any pong: no measure yet, a claim of 2 minutes changes nothing
        assert ann.call("player.status", {"entry_id": entry, "position_ms": 0, "rtt_ms": 120_000})["ok"]
        assert lead_of_next_start(ann) < 400
        time.sleep(3.5)  # a few pings, each answered 300 ms late
        assert ann.call("player.status", {"entry_id": entry, "position_ms": 0, "rtt_ms": 1})["ok"]
        lead = lead_of_next_start(ann)
        # 2 × the measured ~300 ms (plus the wire), though the client claims 1 ms
        assert 2 * PONG_DELAY_S * 1000 - 50 <= lead <= 2 * PONG_DELAY_S * 1000 + 400, lead
        ann.close()
    finally:
        server.stop()
