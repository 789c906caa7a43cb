"""Helpers for the Flask-SocketIO test client: sign in, connect, join, read what arrived."""
from __future__ import annotations

from dataclasses import dataclass

from server.extensions import socketio


@dataclass
class Guest:
    app: object
    token: str
    user: dict
    sio: object = None

    def connect(self):
        self.sio = socketio.test_client(self.app, auth={"token": self.token})
        assert self.sio.is_connected()
        return self

    def emit(self, event: str, data: object = None) -> dict:
        return self.sio.emit(event, {} if data is None else data, callback=True)

    def received(self, name: str | None = None) -> list:
        got = self.sio.get_received()
        return [m["args"][0] if m["args"] else None for m in got if name is None or m["name"] == name]

    def events(self) -> list[tuple[str, object]]:
        return [(m["name"], m["args"][0] if m["args"] else None) for m in self.sio.get_received()]

    def system_lines(self) -> list[str]:
        """System chat lines received since the last look (consumes what arrived)."""
        return system_texts(self.events())

    def wait_for(self, name: str, pred=lambda _d: True, timeout: float = 3.0):
        """The first `name` event matching `pred` (some broadcasts come from background tasks);
        events read while waiting are consumed."""
        import time
        deadline = time.time() + timeout
        while time.time() < deadline:
            for data in self.received(name):
                if pred(data):
                    return data
            time.sleep(0.02)
        raise AssertionError(f"no {name} matching within {timeout}s")

    def join(self, code: str, **extra) -> dict:
        ack = self.emit("join", {"code": code, **extra})
        assert ack["ok"], ack
        return ack["room"]


def system_texts(events: list[tuple[str, object]]) -> list[str]:
    """The system chat lines among received events, in order: those a change of the room clock
    earned ride inside its `room.playback` (`notes`), the others (joins, settings) are `chat.message`."""
    texts: list[str] = []
    for name, data in events:
        if name == "room.playback" and isinstance(data, dict):
            texts += [m["text"] for m in data.get("notes", [])]
        elif name == "chat.message" and isinstance(data, dict) and data.get("kind") == "system":
            texts.append(data["text"])
    return texts


def sign_in(app, name: str = "Alice") -> Guest:
    client = app.test_client()
    resp = client.post("/auth/guest", json={"name": name})
    assert resp.status_code == 200, resp.json
    return Guest(app, resp.json["access_token"], resp.json["user"])


def create_room(app, guest: Guest, **settings) -> dict:
    resp = app.test_client().post("/api/rooms", json={"settings": settings},
                                  headers={"Authorization": f"Bearer {guest.token}"})
    assert resp.status_code == 201, resp.json
    return resp.json
