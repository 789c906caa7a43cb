"""Where a connected client's memory goes: tracemalloc in a gevent-websocket ShareTube process.

The app (server.wsgi, as Gunicorn's worker loads it) is served in this process by gevent's
WSGIServer with the connection handler of gunicorn.conf.py's worker (`--stock-handler`:
gevent-websocket's own, an 8 KiB reader per connection). A child process signs in WARMUP + N
guests, connects and joins WARMUP of them (rooms of 5, each sends a player.status and a
time.sync, as tests/bench/test_memory_smoke.py), then the other N; the traced growth between the
two snapshots, per client, is printed by file and by line. Traced Python allocations only (RSS
also holds the allocator's slack): the RSS figure is the capacity bench's.

    .venv/bin/python -m tests.bench.memory_trace --clients 300
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WARMUP = 20


def serve(port: int, n: int, stock: bool) -> None:
    from gevent import monkey
    monkey.patch_all()
    import gc
    import runpy
    import subprocess
    import time
    import tracemalloc

    work = tempfile.mkdtemp(prefix="st-memtrace-")
    os.makedirs(f"{work}/prom")
    os.environ.update({"INSTANCE_DIR": f"{work}/instance", "DATABASE_URL": f"sqlite:///{work}/m.db",
                       "SHARETUBE_POOL": "single", "AUTO_MIGRATE": "true", "RATE_LIMIT_EXEMPT_LOOPBACK": "1",
                       "LOG_LEVEL": "WARNING", "SHARETUBE_LOG_STDOUT": "0", "PROMETHEUS_MULTIPROC_DIR": f"{work}/prom",
                       "YOUTUBE_OEMBED_URL": "http://127.0.0.1:9/oembed", "SOCKETIO_ASYNC_MODE": "gevent"})
    from gevent.pywsgi import WSGIServer
    from geventwebsocket.handler import WebSocketHandler

    from server.wsgi import app
    handler = WebSocketHandler if stock else runpy.run_path(str(ROOT / "gunicorn.conf.py"))["worker_class"].wsgi_handler
    WSGIServer(("127.0.0.1", port), app, handler_class=handler, log=None).start()
    tracemalloc.start(12)
    child = subprocess.Popen([sys.executable, "-m", "tests.bench.memory_trace", "--as-clients", str(port),
                              "--clients", str(n)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    snaps = {}
    assert child.stdout is not None
    for line in child.stdout:
        if line.strip() in ("warm", "done"):
            time.sleep(2)
            gc.collect()
            snaps[line.strip()] = tracemalloc.take_snapshot()
            if line.strip() == "done":
                break
    child.kill()
    diff = snaps["done"].compare_to(snaps["warm"], "filename")
    total = sum(s.size_diff for s in diff)
    print(f"handler: {'gevent-websocket stock' if stock else 'gunicorn.conf.py worker'}; "
          f"traced growth {total / 1024:.0f} KB for {n} clients = {total / n / 1024:.1f} KB per client")
    for key in ("filename", "lineno"):
        print(f"--- by {key}: bytes and objects per client")
        for st in snaps["done"].compare_to(snaps["warm"], key)[:15]:
            print(f"{st.size_diff / n:8.0f} B {st.count_diff / n:6.1f}  {st.traceback}")


async def clients(port: int, n: int) -> None:
    import asyncio

    from tests.bench import clients as C
    from tests.bench.common import raise_nofile
    from tests.bench.test_memory_smoke import fill

    raise_nofile(8192)
    C.quiet_client_logs()
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            tokens = await C.sign_in_many(base, [f"Trace{i}" for i in range(WARMUP + n)])
            break
        except Exception:  # noqa: BLE001 (the server is still starting)
            await asyncio.sleep(0.2)
    keep: list = []
    session = C.new_session()
    await fill(base, tokens[:WARMUP], session, keep)
    print("warm", flush=True)
    await asyncio.sleep(4)
    await fill(base, tokens[WARMUP:], session, keep)
    print("done", flush=True)
    await asyncio.sleep(600)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--clients", type=int, default=300)
    p.add_argument("--stock-handler", action="store_true", help="gevent-websocket's own handler (8 KiB reader)")
    p.add_argument("--as-clients", type=int, default=None, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.as_clients is not None:
        import asyncio
        asyncio.run(clients(args.as_clients, args.clients))
        return
    from tests.bench.servers import free_port
    serve(free_port(), args.clients, args.stock_handler)


if __name__ == "__main__":
    main()
