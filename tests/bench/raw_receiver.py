"""fanout's `--receivers raw`: a receiver that speaks just enough Engine.IO 4 / Socket.IO 5 over an
aiohttp websocket to join a room and watch `room.playback`, so the client's own decoding does not
hide the server's time.

Each frame is timestamped the moment aiohttp hands it over; only frames that start with
`42["room.playback",` are parsed (for their `version`); every other event is counted by name and
size, unparsed; Engine.IO pings (`2`) are answered (`3`) at once.
"""
from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import aiohttp

PLAYBACK_PREFIX = '42["room.playback",'
JOIN_ACK_ID = 1


class RawReceiver:
    def __init__(self, session: aiohttp.ClientSession, url: str, token: str | None,
                 on_playback: Callable[[int, float], None], chars: dict[str, int],
                 on_disconnect: Callable[[], None]) -> None:
        self.session = session
        parts = urlsplit(url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        self.ws_url = f"{scheme}://{parts.netloc}/socket.io/?EIO=4&transport=websocket"
        self.token = token
        self.on_playback = on_playback
        self.chars = chars
        self.on_disconnect = on_disconnect
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.task: asyncio.Task | None = None
        self.connected = False
        self._acks: dict[int, asyncio.Future] = {}

    async def connect_and_join(self, code: str, timeout: float) -> None:
        self.ws = await self.session.ws_connect(self.ws_url, autoping=False, max_msg_size=0, compress=0)
        opened = await self._next_text(timeout)
        if not opened.startswith("0"):
            raise RuntimeError(f"no Engine.IO open packet: {opened[:80]!r}")
        await self.ws.send_str("40" + (json.dumps({"token": self.token}) if self.token else ""))
        while True:  # until the namespace connect answer (pings may come first)
            text = await self._next_text(timeout)
            if text == "2":
                await self.ws.send_str("3")
            elif text.startswith("40"):
                break
            elif text.startswith("44"):
                raise RuntimeError(f"connect refused: {text[2:200]}")
        self.connected = True
        ack: asyncio.Future = asyncio.get_running_loop().create_future()
        self._acks[JOIN_ACK_ID] = ack
        self.task = asyncio.create_task(self._read())
        await self.ws.send_str(f"42{JOIN_ACK_ID}" + json.dumps(["join", {"code": code}]))
        answer = await asyncio.wait_for(ack, timeout)
        if not answer.get("ok"):
            raise RuntimeError(f"join refused: {answer}")

    async def _next_text(self, timeout: float) -> str:
        assert self.ws is not None
        msg = await self.ws.receive(timeout)
        if msg.type != aiohttp.WSMsgType.TEXT:
            raise RuntimeError(f"websocket closed or not text: {msg.type}")
        return msg.data

    async def _read(self) -> None:
        assert self.ws is not None
        ws = self.ws
        try:
            while True:
                msg = await ws.receive()
                t = time.monotonic()
                if msg.type != aiohttp.WSMsgType.TEXT:
                    break
                text: str = msg.data
                if text.startswith(PLAYBACK_PREFIX):
                    version = json.loads(text[2:])[1].get("version")
                    if version is not None:
                        self.on_playback(version, t)
                    self._count("room.playback", len(text))
                elif text == "2":
                    await ws.send_str("3")
                elif text.startswith('42["'):
                    end = text.find('"', 4)
                    self._count(text[4:end] if end > 4 else "?", len(text))
                elif text.startswith("43"):
                    self._answer(text)
                elif text.startswith("41") or text.startswith("1"):
                    break
        except (aiohttp.ClientError, asyncio.CancelledError, ConnectionError):
            pass
        finally:
            if self.connected:
                self.connected = False
                self.on_disconnect()

    def _count(self, name: str, size: int) -> None:
        self.chars[name] = self.chars.get(name, 0) + size

    def _answer(self, text: str) -> None:
        i = 2
        while i < len(text) and text[i].isdigit():
            i += 1
        fut = self._acks.pop(int(text[2:i]) if i > 2 else -1, None)
        self._count("ack", len(text))
        if fut is not None and not fut.done():
            args = json.loads(text[i:])
            fut.set_result(args[0] if args and isinstance(args[0], dict) else {})

    async def disconnect(self) -> None:
        self.connected = False
        if self.ws is not None and not self.ws.closed:
            try:
                await self.ws.send_str("41")
            except (aiohttp.ClientError, ConnectionError):
                pass
            await self.ws.close()
        if self.task is not None:
            self.task.cancel()
