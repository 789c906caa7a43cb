"""The room side of the sync_accuracy bench: the owner (a python-socketio client) who commands.

The owner signs in as a guest, creates the room (ad_sync_mode pause_all), queues the video and
answers the room's `starting` with player.ready (its socket counts as a player). After that it
only sends play / pause / seek and records what the room broadcasts (every event with the
instant it arrived, tests.support.live_server.SioClient).
"""
from __future__ import annotations

import time

from tests.support.sio import Client, guest_token, new_room


class Owner:
    def __init__(self, base_url: str) -> None:
        token, user = guest_token(base_url, "Owner")
        self.code = new_room(base_url, token, ad_sync_mode="pause_all", control_mode="operators")
        self.client = Client(base_url, token, user=user).connect()
        self.user_id = int(user["id"])
        room = self.client.join(self.code)
        self._acked: list[dict] = [room["playback"]]

    def close(self) -> None:
        self.client.close()

    # --- what the room says -------------------------------------------------------------
    def playback(self) -> dict:
        """The newest Playback seen (broadcast or ack), by version."""
        seen = self._acked + [p for p in self.client.events("room.playback") if isinstance(p, dict)]
        return max(seen, key=lambda p: int(p.get("version") or 0))

    def playbacks_since(self, t_ms: float) -> list[tuple[float, dict]]:
        """(arrival instant, Playback) of every room.playback broadcast that arrived after t_ms."""
        return [(r.at_ms, r.data) for r in self.client.received("room.playback") if r.at_ms >= t_ms]

    def members(self) -> list[dict]:
        updates = self.client.events("presence.update")
        return updates[-1].get("members", []) if updates else []

    def wait_playback(self, check, timeout_s: float = 10.0) -> dict:
        deadline = time.monotonic() + timeout_s
        while True:
            pb = self.playback()
            if check(pb):
                return pb
            if time.monotonic() > deadline:
                raise TimeoutError(f"room playback never matched; last {pb}")
            time.sleep(0.02)

    # --- commands -----------------------------------------------------------------------
    def command(self, event: str, payload: dict | None = None) -> tuple[float, dict]:
        """Emit and wait for the ack; returns (emit instant in epoch ms, the acked Playback)."""
        t = time.time() * 1000
        ack = self.client.call(event, payload or {}, timeout=10)
        if not ack.get("ok"):
            raise RuntimeError(f"{event} refused: {ack}")
        pb = ack.get("playback") or self.playback()
        self._acked.append(pb)
        return t, pb

    def start_video(self, video_id: str, duration_ms: int) -> dict:
        """Queue the video; the idle room starts it; say ready for the owner's own socket."""
        ack = self.client.call("queue.add", {"video_id": video_id, "title": "Sync bench clip",
                                             "duration_ms": duration_ms}, timeout=10)
        if not ack.get("ok"):
            raise RuntimeError(f"queue.add refused: {ack}")
        pb = self.wait_playback(lambda p: p.get("state") in ("starting", "playing"))
        if pb["state"] == "starting":
            self.client.call("player.ready", {"entry_id": pb["entry_id"], "ready": True}, timeout=10)
        return self.wait_playback(lambda p: p.get("state") == "playing")
