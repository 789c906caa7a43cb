"""The floor for this stack: a bare Flask-SocketIO app on the same Gunicorn + gevent-websocket
worker as ShareTube, with the same Socket.IO options, that only joins a room and re-broadcasts.

    gunicorn -k geventwebsocket.gunicorn.workers.GeventWebSocketWorker -w 1 \
        --worker-connections 10000 -b 127.0.0.1:PORT tests.bench.floor_app:app

Events (namespace `/`, no auth):
  join {code}         → ack {ok, room: {code}}; the socket enters the room
  cmd {code, action}  → bumps the room's version, broadcasts `room.playback` (a Playback-sized
                        payload) to the room, acks {ok, playback}
  echo {…}            → ack {ok} (event_cost's floor: what any acked event costs on this stack)
capacity's mix, answered the way the stack answers with nothing of its own:
  player.status {…}   → ack {ok}
  chat.send {text}    → `chat.message` to the room (the sender included), ack {ok, message}
  pause|play|seek     → as `cmd`, on the sender's room
  queue.add, player.ready → ack {ok, entry: {id: 1}} (the room's setup, outside the window)
No database, no presence, no system chat line: whatever ShareTube spends above this is its own.
With FLOOR_MESSAGE_QUEUE (a Redis URL) the processes share rooms through Flask-SocketIO's own Redis
manager: the floor for capacity's `--mode redis`.
"""
from __future__ import annotations

from gevent import monkey

if not monkey.is_module_patched("socket"):
    monkey.patch_all()

import os  # noqa: E402
import time  # noqa: E402

from flask import Flask, jsonify, request  # noqa: E402
from flask_socketio import SocketIO, join_room  # noqa: E402

app = Flask(__name__)
socketio = SocketIO(app, async_mode="gevent", cors_allowed_origins="*", ping_interval=15, ping_timeout=20,
                    transports=["websocket"], max_http_buffer_size=64 * 1024, logger=False,
                    engineio_logger=False, message_queue=os.environ.get("FLOOR_MESSAGE_QUEUE") or None)
versions: dict[str, int] = {}
rooms_of: dict[str, str] = {}  # sid → the room it joined (capacity's events name no room)


@app.get("/api/health")
def health():
    return jsonify({"ok": True, "floor": True})


@socketio.on("join")
def on_join(data: object = None) -> dict:
    code = str((data or {}).get("code", "")) if isinstance(data, dict) else ""
    if not code:
        return {"ok": False, "error": "invalid", "message": "code is required"}
    join_room(code)
    rooms_of[request.sid] = code
    return {"ok": True, "room": {"code": code, "playback": _playback(code, "pause", 0)}}


@socketio.on("disconnect")
def on_disconnect(*_a: object) -> None:
    rooms_of.pop(request.sid, None)


@socketio.on("echo")
def on_echo(data: object = None) -> dict:
    return {"ok": True}


def _playback(code: str, action: str, position_ms: int) -> dict:
    now = int(time.time() * 1000)
    return {"state": "paused" if action != "play" else "playing", "entry_id": 1, "video_id": "dQw4w9WgXcQ",
            "position_ms": position_ms, "anchor_ms": now, "rate": 1.0,
            "version": versions.get(code, 0), "actor_id": 1, "deadline_ms": None, "waiting_for": [],
            "duration_ms": 212000, "hold": None, "then": None, "server_ms": now}


def _command(code: str, action: str, data: dict) -> dict:
    versions[code] = versions.get(code, 0) + 1
    position = data.get("position_ms")
    playback = _playback(code, action, int(position) if isinstance(position, int) else 0)
    socketio.emit("room.playback", playback, to=code)
    return {"ok": True, "playback": playback}


@socketio.on("cmd")
def on_cmd(data: object = None) -> dict:
    data = data if isinstance(data, dict) else {}
    return _command(str(data.get("code", "")), str(data.get("action", "pause")), data)


def _on_control(action: str):
    def handler(data: object = None) -> dict:
        code = rooms_of.get(request.sid)
        if code is None:
            return {"ok": False, "error": "not_in_room", "message": "join a room first"}
        return _command(code, action, data if isinstance(data, dict) else {})
    return handler


for _action in ("pause", "play", "seek"):
    socketio.on_event(_action, _on_control(_action))


@socketio.on("player.status")
def on_status(data: object = None) -> dict:
    return {"ok": True}


@socketio.on("chat.send")
def on_chat(data: object = None) -> dict:
    code = rooms_of.get(request.sid)
    text = data.get("text") if isinstance(data, dict) else None
    if code is None or not isinstance(text, str) or not text.strip():
        return {"ok": False, "error": "invalid", "message": "join a room and send some text"}
    message = {"id": 0, "user_id": 1, "name": "guest", "text": text[:500], "at_ms": int(time.time() * 1000)}
    socketio.emit("chat.message", message, to=code)
    return {"ok": True, "message": message}


@socketio.on("queue.add")
def on_queue_add(data: object = None) -> dict:
    return {"ok": True, "entry": {"id": 1}}


@socketio.on("player.ready")
def on_ready(data: object = None) -> dict:
    return {"ok": True}
