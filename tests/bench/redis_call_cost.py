"""redis_call_cost: the client-side CPU of one Redis round trip, as the server's processes pay it.

    .venv/bin/python -m tests.bench.redis_call_cost --calls 5000 --cpu 0

Starts its own redis-server (loopback, a free port, pinned with `--cpu` beside this process, as
`capacity --server-cpu 0` pins the server and Redis), then measures this process's CPU
(user + system, `time.process_time`) per call for what the server's hot paths send: a GET, a
PUBLISH of a 200-byte broadcast, a pipeline of 5 HLENs, and one rate-limit hit (the `limits`
package's moving window on Redis, as `server/services/request_limits.py` counts `chat.send`).
The floor, in the same run: the same round trip (PING → +PONG) on a bare socket, no client
library. With `--gevent` the process is monkey-patched first, as Gunicorn's gevent worker is:
each receive then waits in the event loop, as in the server.
Prints one `BENCH_JSON {…}` line and a markdown table.
"""
from __future__ import annotations

import sys

if "--gevent" in sys.argv:  # before anything imports socket
    from gevent import monkey

    monkey.patch_all()

import argparse  # noqa: E402
import os  # noqa: E402
import socket  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import redis  # noqa: E402
from limits import parse  # noqa: E402
from limits.storage import storage_from_string  # noqa: E402
from limits.strategies import MovingWindowRateLimiter  # noqa: E402

from tests.bench.common import emit_result, machine_facts, md_table  # noqa: E402
from tests.bench.cpu_pinning import parse_cpus  # noqa: E402
from tests.bench.servers import start_redis  # noqa: E402


def per_call(fn: Callable[[], object], calls: int) -> dict:
    """CPU and wall microseconds per call, after a warm-up of 200 calls."""
    for _ in range(200):
        fn()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for _ in range(calls):
        fn()
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    return {"cpu_us": round(1e6 * cpu / calls, 1), "wall_us": round(1e6 * wall / calls, 1)}


def raw_ping(port: int) -> Callable[[], object]:
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def ping() -> bytes:
        sock.sendall(b"*1\r\n$4\r\nPING\r\n")
        got = b""
        while not got.endswith(b"\r\n"):
            got += sock.recv(64)
        return got

    return ping


def run(args: argparse.Namespace) -> tuple[dict, str]:
    machine = machine_facts()
    if args.cpu:
        os.sched_setaffinity(0, set(parse_cpus(args.cpu)))
    workdir = Path(tempfile.mkdtemp(prefix="st-redis-cost-"))
    server = start_redis(workdir, cpu_prefix=["taskset", "-c", args.cpu] if args.cpu else None)
    try:
        client = redis.Redis(port=server.port)
        client.set("st:bench:key", "x" * 20)
        for i in range(5):
            client.hset(f"st:bench:h{i}", "a", "b")
        limiter = MovingWindowRateLimiter(storage_from_string(f"redis://127.0.0.1:{server.port}/0",
                                                              key_prefix="st-bench"))
        rule = parse("1000000 per 1 minute")  # never refuses: every call is the counting hit

        def pipeline() -> object:
            pipe = client.pipeline(transaction=False)
            for i in range(5):
                pipe.hlen(f"st:bench:h{i}")
            return pipe.execute()

        cases: dict[str, Callable[[], object]] = {
            "floor: PING on a bare socket": raw_ping(server.port),
            "GET": lambda: client.get("st:bench:key"),
            "PUBLISH (200 bytes)": lambda: client.publish("st:bench:channel", "x" * 200),
            "pipeline of 5 HLEN": pipeline,
            "rate-limit hit (limits, moving window)": lambda: limiter.hit(rule, "chat.send", "42"),
        }
        results = {name: per_call(fn, args.calls) for name, fn in cases.items()}
    finally:
        server.stop()
    floor = results["floor: PING on a bare socket"]["cpu_us"]
    result = {"bench": "redis_call_cost", "machine": machine, "calls": args.calls, "gevent": args.gevent,
              "cpu": args.cpu, "results": results,
              "ratio_over_floor": {k: round(v["cpu_us"] / floor, 2) if floor else None for k, v in results.items()}}
    table = md_table(["call", "CPU µs per call", "wall µs per call", "× the floor (CPU)"],
                     [(k, v["cpu_us"], v["wall_us"], result["ratio_over_floor"][k]) for k, v in results.items()])
    return result, table


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--calls", type=int, default=5000)
    p.add_argument("--cpu", default=None, help="CPU list for this process and its redis-server (e.g. 0)")
    p.add_argument("--gevent", action="store_true", help="monkey-patch with gevent first, as the server's workers")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    result, table = run(args)
    emit_result(result, table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
