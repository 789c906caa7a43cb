"""Broadcasts on the real server (Gunicorn + gevent-websocket), with the frame built once for every
socket (BROADCAST_ENCODE_ONCE, the default), written at once by the emitting greenlet when a
socket's writer is idle (BROADCAST_DIRECT_WRITE, the default) or always through the writer, and
with python-socketio's own per-socket path: the
same events reach everyone, in version order, exactly once, with multi-byte names intact, and a
clock change's system line arrives inside its room.playback (`notes`), not as a second frame."""
from __future__ import annotations

import threading

import pytest

from tests.support.cluster import ServerProc
from tests.support.sio import Client, new_room

pytestmark = pytest.mark.live
NAMES = ("Zoë 🎬", "Bjørn", "Ann")
ROUNDS = 12


@pytest.mark.parametrize(("encode_once", "direct_write"), [("1", "1"), ("1", "0"), ("0", "0")])
def test_everyone_gets_every_change_once_in_order_with_its_line(tmp_path, fresh_db_url, encode_once, direct_write):
    env = {"BROADCAST_ENCODE_ONCE": encode_once, "BROADCAST_DIRECT_WRITE": direct_write}
    server = ServerProc(tmp_path, fresh_db_url, env=env).start()
    clients: list[Client] = []
    try:
        clients = [Client.guest(server.base_url, name).connect() for name in NAMES]
        zoe, bjorn, ann = clients
        code = new_room(server.base_url, zoe.token, control_mode="any")
        for c in clients:
            c.join(code)
        entry = zoe.call("queue.add", {"video_id": "aaaaaaaaaa1"})["entry"]["id"]
        for c in clients:
            assert c.call("player.ready", {"entry_id": entry, "ready": True})["ok"]
        zoe.wait_for("room.playback", lambda p: p["state"] == "playing")
        first = zoe.call("room.sync")["room"]["version"]

        def control(who: Client, offset: int) -> None:  # two controllers at once: acks and broadcasts interleave
            for i in range(ROUNDS):
                assert who.call("seek", {"position_ms": 1000 * (offset + i)})["ok"]
        threads = [threading.Thread(target=control, args=(who, k * 100)) for k, who in enumerate((zoe, bjorn))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        last = first + 2 * ROUNDS
        for c in clients:
            c.wait_for("room.playback", lambda p: p["version"] == last, timeout=10)
        for c in clients:
            got = [p for p in c.of("room.playback") if p["version"] > first]
            assert [p["version"] for p in got] == list(range(first + 1, last + 1)), "once each, in order"
            lines = [n["text"] for p in got for n in p.get("notes", [])]
            assert len(lines) == 2 * ROUNDS
            assert sum(line.startswith("Zoë 🎬 jumped to") for line in lines) == ROUNDS
            assert sum(line.startswith("Bjørn jumped to") for line in lines) == ROUNDS
            system_chat = [m for m in c.of("chat.message") if m["kind"] == "system" and "jumped" in m["text"]]
            assert system_chat == [], "no second frame for a line that rode in its room.playback"
        assert [p["version"] for p in ann.of("room.playback")] == [p["version"] for p in zoe.of("room.playback")]
        history = zoe.call("chat.history", {"limit": 200})["messages"]
        assert sum("jumped to" in m["text"] for m in history) == 2 * ROUNDS
    finally:
        for c in clients:
            c.close()
        server.stop()
