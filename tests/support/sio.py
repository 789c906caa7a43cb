"""Guests, rooms and recording socket clients against a real server (over HTTP and websockets)."""
from __future__ import annotations

from dataclasses import dataclass, field

import requests

from tests.support.live_server import SioClient


def guest_token(base_url: str, name: str) -> tuple[str, dict]:
    resp = requests.post(f"{base_url}/auth/guest", json={"name": name}, timeout=10)
    resp.raise_for_status()
    return resp.json()["access_token"], resp.json()["user"]


def new_room(base_url: str, token: str, **settings) -> str:
    resp = requests.post(f"{base_url}/api/rooms", json={"settings": settings},
                         headers={"Authorization": f"Bearer {token}"}, timeout=10)
    resp.raise_for_status()
    return resp.json()["code"]


@dataclass
class Client(SioClient):
    """A SioClient that knows its guest user and joins rooms."""

    user: dict = field(default_factory=dict)

    @classmethod
    def guest(cls, base_url: str, name: str) -> Client:
        token, user = guest_token(base_url, name)
        return cls(base_url, token, user=user)

    def connect(self, base_url: str | None = None, timeout: float = 10) -> Client:  # type: ignore[override]
        if base_url:
            self.base_url = base_url
        super().connect(timeout=timeout)
        return self

    def call(self, event: str, data: object = None, timeout: float = 10) -> dict:  # type: ignore[override]
        return super().call(event, data, timeout)

    def join(self, code: str) -> dict:
        ack = self.call("join", {"code": code})
        assert ack["ok"], ack
        return ack["room"]

    def of(self, name: str) -> list:
        return self.events(name)
