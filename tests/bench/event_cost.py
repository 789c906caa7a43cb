"""event_cost: the server's CPU per acknowledged event, by event, against the floor in the same run.

    .venv/bin/python -m tests.bench.event_cost --events 20000 --server-cpu 0

One process (SQLite). `--sockets` raw websocket clients (Engine.IO 4 / Socket.IO 5 spoken by
hand, tests/bench/raw_receiver.py, so the client's own decoding costs the server nothing) join one
ShareTube room, then send `--events` of each kind, `--window` unanswered per socket, and the
server worker's CPU time (user + system) is read before and after: CPU per event = the difference
/ events. The floor is the bare Flask-SocketIO app (tests/bench/floor_app.py) on the same Gunicorn
+ gevent worker answering `echo` with `{ok: true}`: what any acked event costs on this stack
before ShareTube does anything. Kinds (what the capacity mix is made of):

  time.sync      {client_ms}                           → {client_ms, server_ms}
  player.status  {entry_id, position_ms, rtt_ms, …}    → {}        (no database statement)
  chat.typing    {}                                    → {}        (throttled fan-out: 1 per 2 s)
  room.sync      {}                                    → the whole room (a reconnect's read)

Prints one `BENCH_JSON {…}` line and a markdown table.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

from tests.bench import clients as C
from tests.bench.common import emit_result, loadavg, machine_facts, md_table, self_cpu_seconds
from tests.bench.cpu_pinning import pinning
from tests.bench.raw_receiver import RawReceiver
from tests.bench.server_options import add_server_options, server_env
from tests.bench.servers import start_floor, start_sharetube

KINDS = ("time.sync", "player.status", "chat.typing", "room.sync")


class Caller(RawReceiver):
    """A raw socket that also sends acked requests (ids from 2 up; 1 is the join's)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._next_id = 1

    async def call(self, event: str, data: dict, timeout: float = 30.0) -> dict:
        assert self.ws is not None
        self._next_id += 1
        ack: asyncio.Future = asyncio.get_running_loop().create_future()
        self._acks[self._next_id] = ack
        await self.ws.send_str(f"42{self._next_id}" + json.dumps([event, data]))
        return await asyncio.wait_for(ack, timeout)


def payload(kind: str, i: int, entry_id: int | None) -> dict:
    if kind == "time.sync":
        return {"client_ms": int(time.time() * 1000)}
    if kind == "player.status":
        return {"entry_id": entry_id, "position_ms": 1000 + i, "rtt_ms": 12, "offset_ms": 3, "buffering": False,
                "in_ad": False}
    return {}


async def blast(callers: list[Caller], kind: str, events: int, window: int, entry_id: int | None) -> dict:
    """Send `events` of `kind` spread over the callers, `window` in flight per caller."""
    per = events // len(callers)
    errors: dict[str, int] = {}

    async def one(caller: Caller) -> None:
        sem = asyncio.Semaphore(window)

        async def single(i: int) -> None:
            try:
                answer = await caller.call(kind, payload(kind, i, entry_id))
                if not answer.get("ok"):
                    errors[answer.get("error", "?")] = errors.get(answer.get("error", "?"), 0) + 1
            finally:
                sem.release()

        tasks = []
        for i in range(per):
            await sem.acquire()
            tasks.append(asyncio.create_task(single(i)))
        await asyncio.gather(*tasks)

    t0 = time.monotonic()
    await asyncio.gather(*(one(c) for c in callers))
    return {"events": per * len(callers), "wall_s": time.monotonic() - t0, "errors": errors}


async def measure(pids: list[int], callers: list[Caller], kind: str, events: int, window: int,
                  entry_id: int | None) -> dict:
    await blast(callers, kind, min(2000, events // 5), window, entry_id)  # warm-up: caches, JIT-free paths
    await asyncio.sleep(0.5)
    cpu0 = self_cpu_seconds(pids)
    done = await blast(callers, kind, events, window, entry_id)
    cpu = self_cpu_seconds(pids) - cpu0
    return {"kind": kind, "events": done["events"], "errors": done["errors"],
            "us_per_event": round(cpu / done["events"] * 1e6, 1),
            "events_per_s": round(done["events"] / done["wall_s"]),
            "server_cpu_pct": round(100 * cpu / done["wall_s"], 1)}


async def connect_callers(session: aiohttp.ClientSession, url: str, tokens: list[str | None],
                          code: str) -> list[Caller]:
    callers = []
    for token in tokens:
        caller = Caller(session, url, token, lambda _v, _t: None, {}, lambda: None)
        await caller.connect_and_join(code, timeout=20)
        callers.append(caller)
    return callers


async def run_sharetube(args: argparse.Namespace, workdir: Path, prefix: list[str]) -> list[dict]:
    st = start_sharetube("single", workdir / "sharetube", extra_env=server_env(args), cpu_prefix=prefix)
    try:
        url = st.urls[0]
        tokens = await C.sign_in_many(url, [f"cost{i}" for i in range(args.sockets)])
        code = await C.create_room(url, tokens[0], {"control_mode": "any"})
        async with C.new_session() as session:
            callers = await connect_callers(session, url, list(tokens), code)
            added = await callers[0].call("queue.add", {"video_id": "dQw4w9WgXcQ"})
            entry_id = (added.get("entry") or {}).get("id")
            results = []
            for kind in args.kinds.split(","):
                results.append({"target": "sharetube", **await measure(st.interactive_worker_pids(), callers, kind,
                                                                         args.events, args.window, entry_id)})
            for caller in callers:
                await caller.disconnect()
        return results
    finally:
        st.stop()


async def run_floor(args: argparse.Namespace, workdir: Path, prefix: list[str]) -> list[dict]:
    floor = start_floor(workdir / "floor", cpu_prefix=prefix)
    try:
        async with C.new_session() as session:
            callers = await connect_callers(session, floor.urls[0], [None] * args.sockets, "costroom")
            result = await measure(floor.interactive_worker_pids(), callers, "echo", args.events, args.window, None)
            for caller in callers:
                await caller.disconnect()
        return [{"target": "floor", **result}]
    finally:
        floor.stop()


async def run(args: argparse.Namespace) -> tuple[dict, str]:
    machine = machine_facts()
    pins = pinning(args.server_cpu)
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="st-event-cost-"))
    load_before = loadavg()
    try:
        rows = await run_floor(args, workdir, pins.prefix()) + await run_sharetube(args, workdir, pins.prefix())
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    floor_us = rows[0]["us_per_event"]
    for row in rows:
        row["x_floor"] = round(row["us_per_event"] / floor_us, 2) if floor_us else None
    result = {"bench": "event_cost", "machine": machine, "pinning": pins.facts(), "server_env": server_env(args),
              "load_before": load_before,
              "load_after": loadavg(), "sockets": args.sockets, "window": args.window, "rows": rows}
    table = md_table(["target", "event", "events", "errors", "µs CPU/event", "× floor", "events/s", "server CPU %"],
                     [[r["target"], r["kind"], r["events"], r["errors"] or 0, r["us_per_event"], r["x_floor"],
                       r["events_per_s"], r["server_cpu_pct"]] for r in rows])
    return result, table


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--events", type=int, default=20000, help="events of each kind")
    p.add_argument("--sockets", type=int, default=10, help="sockets in the room, sending in parallel")
    p.add_argument("--window", type=int, default=8, help="unanswered requests per socket")
    p.add_argument("--kinds", default=",".join(KINDS))
    add_server_options(p)
    p.add_argument("--workdir", default=None)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    C.quiet_client_logs()
    result, table = asyncio.run(run(parse_args(argv)))
    emit_result(result, table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
