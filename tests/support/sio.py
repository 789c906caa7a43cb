"""A python-socketio (sync) client that records what it receives, for tests against real servers."""
from __future__ import annotations

import threading
import time

import requests
import socketio


def guest_token(base_url: str, name: str) -> tuple[str, dict]:
    resp = requests.post(f"{base_url}/auth/guest", json={"name": name}, timeout=10)
    resp.raise_for_status()
    return resp.json()["access_token"], resp.json()["user"]


def new_room(base_url: str, token: str, **settings) -> str:
    resp = requests.post(f"{base_url}/api/rooms", json={"settings": settings},
                         headers={"Authorization": f"Bearer {token}"}, timeout=10)
    resp.raise_for_status()
    return resp.json()["code"]


class Client:
    def __init__(self, base_url: str, token: str, user: dict | None = None) -> None:
        self.base_url, self.token, self.user = base_url, token, user or {}
        self.events: list[tuple[str, object, float]] = []
        self.cond = threading.Condition()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("*", self._record)

    @classmethod
    def guest(cls, base_url: str, name: str) -> Client:
        token, user = guest_token(base_url, name)
        return cls(base_url, token, user)

    def _record(self, event: str, data: object = None) -> None:
        with self.cond:
            self.events.append((event, data, time.time()))
            self.cond.notify_all()

    def connect(self, base_url: str | None = None) -> Client:
        if base_url:
            self.base_url = base_url
        self.sio.connect(self.base_url, auth={"token": self.token}, transports=["websocket"], wait_timeout=10)
        return self

    def call(self, event: str, data: object = None, timeout: float = 10) -> dict:
        return self.sio.call(event, {} if data is None else data, timeout=timeout)

    def join(self, code: str) -> dict:
        ack = self.call("join", {"code": code})
        assert ack["ok"], ack
        return ack["room"]

    def of(self, name: str) -> list:
        with self.cond:
            return [d for (n, d, _t) in self.events if n == name]

    def wait_for(self, name: str, pred=lambda d: True, timeout: float = 10) -> object:
        deadline = time.time() + timeout
        with self.cond:
            while True:
                for n, d, _t in self.events:
                    if n == name and pred(d):
                        return d
                left = deadline - time.time()
                if left <= 0:
                    seen = [n for n, _, _ in self.events][-20:]
                    raise TimeoutError(f"no {name} matching within {timeout}s; got {seen}")
                self.cond.wait(left)

    def clear(self) -> None:
        with self.cond:
            self.events.clear()

    def close(self) -> None:
        try:
            self.sio.disconnect()
        except Exception:
            pass
