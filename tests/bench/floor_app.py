"""The floor for this stack: a bare Flask-SocketIO app on the same Gunicorn + gevent-websocket
worker as ShareTube, with the same Socket.IO options, that only joins a room and re-broadcasts.

    gunicorn -k geventwebsocket.gunicorn.workers.GeventWebSocketWorker -w 1 \
        --worker-connections 10000 -b 127.0.0.1:PORT tests.bench.floor_app:app

Events (namespace `/`, no auth):
  join {code}         → ack {ok, room: {code}}; the socket enters the room
  cmd {code, action}  → bumps the room's version, broadcasts `room.playback` (a Playback-sized
                        payload) to the room, acks {ok, playback}
  echo {…}            → ack {ok} (event_cost's floor: what any acked event costs on this stack)
No database, no presence, no system chat line: whatever ShareTube spends above this is its own.
"""
from __future__ import annotations

from gevent import monkey

if not monkey.is_module_patched("socket"):
    monkey.patch_all()

import time  # noqa: E402

from flask import Flask, jsonify  # noqa: E402
from flask_socketio import SocketIO, join_room  # noqa: E402

app = Flask(__name__)
socketio = SocketIO(app, async_mode="gevent", cors_allowed_origins="*", ping_interval=15, ping_timeout=20,
                    transports=["websocket"], max_http_buffer_size=64 * 1024, logger=False,
                    engineio_logger=False)
versions: dict[str, int] = {}


@app.get("/api/health")
def health():
    return jsonify({"ok": True, "floor": True})


@socketio.on("join")
def on_join(data: object = None) -> dict:
    code = str((data or {}).get("code", "")) if isinstance(data, dict) else ""
    if not code:
        return {"ok": False, "error": "invalid", "message": "code is required"}
    join_room(code)
    return {"ok": True, "room": {"code": code}}


@socketio.on("echo")
def on_echo(data: object = None) -> dict:
    return {"ok": True}


@socketio.on("cmd")
def on_cmd(data: object = None) -> dict:
    data = data if isinstance(data, dict) else {}
    code = str(data.get("code", ""))
    versions[code] = versions.get(code, 0) + 1
    now = int(time.time() * 1000)
    action = str(data.get("action", "pause"))
    playback = {"state": "paused" if action != "play" else "playing", "entry_id": 1, "video_id": "dQw4w9WgXcQ",
                "position_ms": int(data.get("position_ms") or 0), "anchor_ms": now, "rate": 1.0,
                "version": versions[code], "actor_id": 1, "deadline_ms": None, "waiting_for": [],
                "duration_ms": 212000, "hold": None, "then": None, "server_ms": now}
    socketio.emit("room.playback", playback, to=code)
    return {"ok": True, "playback": playback}
