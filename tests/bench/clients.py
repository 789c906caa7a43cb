"""Bench clients: bounded concurrent guest sign-in, room creation, and python-socketio AsyncClients
(aiohttp transport, websocket only) that skip parsing events the bench does not measure."""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable

import aiohttp
import socketio
from socketio import packet as sio_packet

SIGNIN_CONCURRENCY = 32


def lazy_packet_class(wanted: Iterable[str], byte_counter: dict | None = None) -> type[sio_packet.Packet]:
    """A Packet that decodes only events named in `wanted` (and every ack/connect packet).

    Any other event (e.g. `presence.update`, whose roster grows with the room) is dispatched with
    its name and no data. The server still builds and sends every byte; only the bench client's
    JSON parsing is skipped, so client CPU does not distort what is measured. `byte_counter`
    (event name → characters received) is filled when given.
    """
    names = frozenset(wanted)

    class LazyPacket(sio_packet.Packet):
        def decode(self, encoded_packet):  # noqa: D401 (python-socketio's signature)
            ep = encoded_packet
            if isinstance(ep, str) and ep.startswith('2["'):
                end = ep.find('"', 3)
                name = ep[3:end] if end > 3 else ""
                if byte_counter is not None:
                    byte_counter[name] = byte_counter.get(name, 0) + len(ep)
                if name and name not in names:
                    self.packet_type, self.namespace, self.id, self.data = sio_packet.EVENT, None, None, [name]
                    return 0
            return super().decode(encoded_packet)

    return LazyPacket


def make_client(session: aiohttp.ClientSession, wanted: Iterable[str],
                serializer: type[sio_packet.Packet] | None = None) -> socketio.AsyncClient:
    return socketio.AsyncClient(reconnection=False, handle_sigint=False, http_session=session,
                                serializer=serializer or lazy_packet_class(wanted), request_timeout=30)


def quiet_client_logs() -> None:
    """The clients of a killed server log every aborted write; the bench reports disconnects itself."""
    for name in ("engineio.client", "socketio.client"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def new_session(limit: int = 0) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=limit, force_close=False))


async def sign_in_many(base_url: str, names: list[str], concurrency: int = SIGNIN_CONCURRENCY,
                       retries: int = 3) -> list[str]:
    """POST /auth/guest for every name, at most `concurrency` in flight; the access tokens in order."""
    tokens: list[str | None] = [None] * len(names)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as http:
        sem = asyncio.Semaphore(concurrency)

        async def one(i: int, name: str) -> None:
            async with sem:
                for attempt in range(retries):
                    try:
                        async with http.post(f"{base_url}/auth/guest", json={"name": name},
                                             timeout=aiohttp.ClientTimeout(total=30)) as resp:
                            body = await resp.json()
                            if resp.status == 200 and body.get("ok"):
                                tokens[i] = body["access_token"]
                                return
                            raise RuntimeError(f"guest sign-in {resp.status}: {body}")
                    except (TimeoutError, aiohttp.ClientError):
                        if attempt == retries - 1:
                            raise
                        await asyncio.sleep(0.5 * (attempt + 1))

        await asyncio.gather(*(one(i, n) for i, n in enumerate(names)))
    return [t for t in tokens if t is not None]


async def create_room(base_url: str, token: str, settings: dict | None = None) -> str:
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{base_url}/api/rooms", json={"settings": settings} if settings else {},
                             headers={"Authorization": f"Bearer {token}"}) as resp:
            body = await resp.json()
            if resp.status not in (200, 201) or "code" not in body:
                raise RuntimeError(f"create room {resp.status}: {body}")
            return body["code"]


async def call(client: socketio.AsyncClient, event: str, data: dict, timeout: float = 30) -> dict:
    ack = await client.call(event, data, timeout=timeout)
    return ack if isinstance(ack, dict) else {"ok": False, "error": "bad_ack", "message": repr(ack)[:200]}


async def must(client: socketio.AsyncClient, event: str, data: dict, timeout: float = 30) -> dict:
    ack = await call(client, event, data, timeout)
    if not ack.get("ok"):
        raise RuntimeError(f"{event} {data} refused: {ack}")
    return ack


async def connect_ramped(factories: list[Callable[[], asyncio.Future]], per_second: float,
                         concurrency: int = 50, deadline: float | None = None) -> list[BaseException | None]:
    """Run connect coroutine factories at most `per_second` starts per second, `concurrency` at a time;
    whatever has not finished by `deadline` (time.monotonic()) is abandoned as a TimeoutError."""
    sem = asyncio.Semaphore(concurrency)
    interval = 1.0 / per_second if per_second > 0 else 0.0
    t0 = time.monotonic()

    async def one(i: int, factory) -> BaseException | None:
        delay = t0 + i * interval - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        async with sem:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return TimeoutError("setup deadline passed before this client started")
            try:
                await asyncio.wait_for(factory(), left)
                return None
            except Exception as exc:  # noqa: BLE001 (reported, not raised)
                return exc

    return await asyncio.gather(*(one(i, f) for i, f in enumerate(factories)))
