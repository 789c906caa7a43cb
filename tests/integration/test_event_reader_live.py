"""SOCKETIO_FAST_EVENTS against the real stack: the same frames, written by hand over a real
websocket to a real Gunicorn + gevent server, answered the same with the room namespace's own
reader (services/event_reader.py) as with Engine.IO's and Socket.IO's path, edge cases included,
but for the one deliberate difference: a frame whose JSON does not parse is answered `invalid`."""
from __future__ import annotations

import json
import re

import websocket

from tests.support.live_server import live_server_fixture  # noqa: F401  (fixture `live_server`)
from tests.support.sio import guest_token

LONG_ID = "1" * 16  # longer than the reader reads: the library's path
SCRIPT = [
    '4290["time.sync",{"client_ms":0}]',        # before the namespace CONNECT: dropped
    "CONNECT",
    '421["time.sync",{"client_ms":5}]',
    '42["time.sync",{"client_ms":6}]',          # no ack id: no answer
    '422["time.sync",{"client_ms":"x"}]',       # invalid payload
    '423["no.such.event",{}]',                  # unknown event
    "424[5]",                                   # a name that is not text
    "425[]",                                    # no name at all
    '426["chat.send",{"text":"h\\u00e9 \u2603"}]',  # a handler on its own greenlet: not in a room
    '427["time.sync",{"client_ms":7}',          # malformed JSON: answered invalid (the library: logged)
    '42/admin,8["admin.stats",{}]',             # a namespace this socket never joined
    "42" + LONG_ID + '["time.sync",{"client_ms":9}]',
    '4210["chat.typing",{}]',
    '4211["time.sync",{"client_ms":11},"extra"]',
    '4212["time.sync",{"client_ms":12}]',
]
PROBE_ID = 99


def exchange(base_url: str, token: str) -> tuple[dict[str, object], list[str]]:
    """Run SCRIPT; return the acks by id (server clocks zeroed) and any other frames seen."""
    ws = websocket.create_connection(base_url.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket",
                                     timeout=10)
    try:
        assert ws.recv().startswith("0")
        for frame in SCRIPT:
            if frame == "CONNECT":
                ws.send("40" + json.dumps({"token": token}))
                while not (answer := ws.recv()).startswith("40"):
                    assert answer == "2" or answer.startswith('42["hello",'), answer
            else:
                ws.send(frame)
        ws.send(f'42{PROBE_ID}["time.sync",{{"client_ms":{PROBE_ID}}}]')
        acks: dict[str, object] = {}
        other: list[str] = []
        while str(PROBE_ID) not in acks or "6" not in acks:  # the spawned chat.send may answer last
            text = ws.recv()
            if text == "2":
                ws.send("3")
                continue
            m = re.match(r"43(\d+)(.*)$", text, re.S)
            if not m:
                other.append(text)
                continue
            assert m.group(1) not in acks, f"two answers to {m.group(1)}"
            acks[m.group(1)] = json.loads(re.sub(r'"server_ms":\d+', '"server_ms":0', m.group(2)))
        return acks, other
    finally:
        ws.close()


def test_the_fast_reader_answers_every_frame_as_the_library_does(live_server):
    results = {}
    for fast in ("true", "false"):
        server = live_server(env={"SOCKETIO_FAST_EVENTS": fast})
        token, _ = guest_token(server.base_url, "Ada")
        results[fast] = exchange(server.base_url, token)
        # the malformed frame: the library logs its decode error; the reader answers it instead
        assert server.log.count("Traceback") == (fast == "false"), server.log[-3000:]
    fast_acks, fast_other = results["true"]
    slow_acks, slow_other = results["false"]
    assert fast_acks.pop("7") == [{"ok": False, "error": "invalid", "message": "The event is not valid JSON"}]
    assert "7" not in slow_acks  # the library's path: no answer, the client's ack times out
    assert fast_acks == slow_acks
    assert fast_other == slow_other == []
    assert sorted(fast_acks, key=int) == ["1", "2", "3", "4", "5", "6", "10", "11", "12", "99", LONG_ID]
    ok = {"ok": True, "server_ms": 0}
    assert fast_acks["1"] == [{**ok, "client_ms": 5}]
    assert fast_acks["2"][0]["error"] == "invalid"  # type: ignore[index]
    assert fast_acks["3"] == [{"ok": False, "error": "invalid", "message": "Unknown event 'no.such.event'"}]
    assert fast_acks["4"][0]["error"] == fast_acks["5"][0]["error"] == "invalid"  # type: ignore[index]
    assert fast_acks["6"] == [{"ok": False, "error": "conflict", "message": "Join a room first"}]
    assert fast_acks[LONG_ID] == [{**ok, "client_ms": 9}]
    assert fast_acks["11"] == [{**ok, "client_ms": 11}]
    assert fast_acks["99"] == [{**ok, "client_ms": 99}]
