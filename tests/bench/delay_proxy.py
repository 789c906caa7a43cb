"""A TCP proxy on a free loopback port that holds every chunk back for a fixed time, each way.

Used by the sync_accuracy bench to put one viewer 150 ms (2 × 75 ms) of round trip away from the
server. Chromium's DevTools network emulation does not delay WebSocket frames, so the delay has
to be in the path itself. The proxy does not parse anything: HTTP, the WebSocket upgrade and
every frame after it are bytes that go out `delay_ms` after they came in, in order. Chunks are
pipelined (a chunk that arrives 1 ms after another leaves 1 ms after it), so the delay adds
latency, not a bandwidth limit.

    proxy = ProxyThread("127.0.0.1", server_port, delay_ms=75).start()
    ... point the client at 127.0.0.1:proxy.port ...
    proxy.stop(); proxy.stats()   # achieved hold times per direction (asyncio timer lateness included)

    .venv/bin/python -m tests.bench.delay_proxy --target 127.0.0.1:5077 --delay-ms 75 [--port 0]
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import socket
import threading
from collections import deque
from dataclasses import dataclass, field

from tests.bench.common import summary

CHUNK = 65536
KEEP_SAMPLES = 20000  # achieved hold times kept per direction (the newest)


@dataclass
class DirectionStats:
    chunks: int = 0
    bytes: int = 0
    held_ms: deque[float] = field(default_factory=lambda: deque(maxlen=KEEP_SAMPLES))

    def as_dict(self) -> dict:
        return {"chunks": self.chunks, "bytes": self.bytes, "held_ms": summary(list(self.held_ms), (50, 99))}


class DelayProxy:
    """asyncio proxy: listen on (host, port) and relay to (target_host, target_port), each chunk held
    `delay_ms` in both directions (so the round trip grows by 2 × delay_ms)."""

    def __init__(self, target_host: str, target_port: int, *, delay_ms: float = 75.0,
                 host: str = "127.0.0.1", port: int = 0) -> None:
        self.target = (target_host, target_port)
        self.delay_s = delay_ms / 1000
        self.listen = (host, port)
        self.server: asyncio.base_events.Server | None = None
        self.up = DirectionStats()  # client → server
        self.down = DirectionStats()  # server → client
        self.connections = 0
        self._tasks: set[asyncio.Task] = set()

    @property
    def port(self) -> int:
        assert self.server is not None, "not started"
        return self.server.sockets[0].getsockname()[1]

    async def start(self) -> DelayProxy:
        self.server = await asyncio.start_server(self._handle, *self.listen)
        return self

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def stats(self) -> dict:
        return {"delay_ms_each_way": round(self.delay_s * 1000, 1), "connections": self.connections,
                "client_to_server": self.up.as_dict(), "server_to_client": self.down.as_dict()}

    async def _handle(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self.connections += 1
        server_w: asyncio.StreamWriter | None = None
        try:
            server_r, server_w = await asyncio.open_connection(*self.target)
            for writer in (client_w, server_w):
                sock = writer.get_extra_info("socket")
                if sock is not None:
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            await asyncio.gather(self._pump(client_r, server_w, self.up),
                                 self._pump(server_r, client_w, self.down))
        except (OSError, asyncio.IncompleteReadError):
            pass
        except asyncio.CancelledError:
            pass  # stop(): end quietly (asyncio logs a cancelled connection handler as an error)
        finally:
            for writer in (client_w, server_w):
                if writer is not None:
                    writer.close()
            self._tasks.discard(task)

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                    stats: DirectionStats) -> None:
        """Read chunks as they come; a second task writes each one when its hold is over."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[float, bytes] | None] = asyncio.Queue()

        async def deliver() -> None:
            while (item := await queue.get()) is not None:
                arrived, data = item
                wait = arrived + self.delay_s - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                writer.write(data)
                stats.held_ms.append((loop.time() - arrived) * 1000)
                await writer.drain()
            if writer.can_write_eof():
                with contextlib.suppress(OSError):
                    writer.write_eof()

        sender = asyncio.create_task(deliver())
        try:
            while data := await reader.read(CHUNK):
                stats.chunks += 1
                stats.bytes += len(data)
                queue.put_nowait((loop.time(), data))
        except OSError:
            pass
        finally:
            queue.put_nowait(None)
        try:
            await sender
        except OSError:
            pass


class ProxyThread:
    """A DelayProxy on its own event loop in a daemon thread, for synchronous callers."""

    def __init__(self, target_host: str, target_port: int, *, delay_ms: float = 75.0) -> None:
        self.proxy = DelayProxy(target_host, target_port, delay_ms=delay_ms)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="delay-proxy", daemon=True)

    def start(self) -> ProxyThread:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self.proxy.start(), self.loop).result(10)
        return self

    @property
    def port(self) -> int:
        return self.proxy.port

    def stats(self) -> dict:
        return asyncio.run_coroutine_threadsafe(self._stats(), self.loop).result(10)

    async def _stats(self) -> dict:
        return self.proxy.stats()

    def stop(self) -> dict:
        stats = self.stats()
        asyncio.run_coroutine_threadsafe(self.proxy.stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        return stats


async def _serve(args: argparse.Namespace) -> None:
    host, port = args.target.rsplit(":", 1)
    proxy = await DelayProxy(host, int(port), delay_ms=args.delay_ms, port=args.port).start()
    print(f"delay proxy 127.0.0.1:{proxy.port} -> {args.target}, {args.delay_ms} ms each way", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        print(proxy.stats(), flush=True)
        await proxy.stop()


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--target", required=True, help="host:port to relay to")
    p.add_argument("--delay-ms", type=float, default=75.0, help="hold per chunk, each way")
    p.add_argument("--port", type=int, default=0, help="listen port on 127.0.0.1 (0: a free one)")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(p.parse_args(argv)))


if __name__ == "__main__":
    main()
