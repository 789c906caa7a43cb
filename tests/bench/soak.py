"""Soak bench (issue 14): ordinary traffic for a long time, with the failures production sees in
the middle — a `kill -9` of an interactive worker, a Redis restart, a PostgreSQL restart.

    .venv/bin/python -m tests.bench.soak --clients 500 --duration 1800 --postgres   # the full run
    .venv/bin/python -m tests.bench.soak --clients 30 --duration 110                # the suite's run

Two interactive processes + the background pool on one Redis (and SQLite, or a private
PostgreSQL with --postgres). Rooms of 5; every client sends one random request every
--interval seconds (mostly player.status and time.sync, some chat, queue and playback commands)
and rejoins its room after a reconnect. Reported: rooms lost (a room no longer answering
GET /api/rooms/<code>), 5xx answers and `internal` acks, acks by outcome, and the workers' RSS
and open file descriptors after warm-up against the end. Figures, not asserted here.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import signal
import time
from collections import Counter

import aiohttp
import psutil
import socketio

from tests.bench.clients import create_room, new_session, quiet_client_logs, sign_in_many
from tests.bench.common import emit_result, machine_facts, md_table, raise_nofile
from tests.bench.servers import start_redis, start_sharetube, worker_pids

FAST = {"BACKGROUND_TASK_LEASE_SECONDS": "5", "HEARTBEAT_INTERVAL_SECONDS": "2", "PONG_TIMEOUT_SECONDS": "5"}
COMMANDS = [("player.status", 40), ("time.sync", 25), ("room.sync", 5), ("chat.send", 8), ("chat.typing", 6),
            ("queue.load", 5), ("pause", 3), ("play", 3), ("seek", 3), ("queue.add", 2)]


class Soak:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.acks: Counter[str] = Counter()
        self.http: Counter[str] = Counter()
        self.events: list[dict] = []
        self.samples: list[dict] = []
        self.reconnects = 0
        self.end = 0.0

    async def client_loop(self, url: str, token: str, code: str, http: aiohttp.ClientSession) -> None:
        sio = socketio.AsyncClient(reconnection=True, reconnection_delay=0.5, reconnection_delay_max=3,
                                   handle_sigint=False, http_session=http)
        joined = asyncio.Event()

        async def rejoin() -> None:
            try:
                await sio.call("join", {"code": code}, timeout=30)
                joined.set()
            except Exception:  # noqa: BLE001 (counted through the acks that follow)
                self.acks["join:error"] += 1

        @sio.event
        async def connect() -> None:
            if joined.is_set():
                self.reconnects += 1
            sio.start_background_task(rejoin)

        await sio.connect(url, auth={"token": token}, transports=["websocket"], wait_timeout=30)
        names, weights = zip(*COMMANDS, strict=True)
        rng = random.Random(token[-12:])
        while time.monotonic() < self.end:
            await asyncio.sleep(rng.uniform(0.5, 1.5) * self.args.interval)
            if not sio.connected:
                self.acks["(disconnected)"] += 1
                continue
            event = rng.choices(names, weights)[0]
            try:
                ack = await sio.call(event, self.payload(event, rng), timeout=20)
                outcome = "ok" if isinstance(ack, dict) and ack.get("ok") else (ack or {}).get("error", "bad_ack")
            except Exception:  # noqa: BLE001 (a timeout or a dropped socket: counted)
                outcome = "timeout/dropped"
            self.acks[f"{event}:{outcome}"] += 1
        await sio.disconnect()

    @staticmethod
    def payload(event: str, rng: random.Random) -> dict:
        return {"player.status": {"position_ms": rng.randint(0, 600_000), "rtt_ms": rng.randint(1, 80),
                                  "offset_ms": 0, "buffering": False},
                "time.sync": {"client_ms": int(time.time() * 1000)},
                "chat.send": {"text": f"soak {rng.randint(0, 10**6)}"},
                "seek": {"position_ms": rng.randint(0, 300_000)},
                "queue.add": {"video_id": f"soak{rng.randint(0, 9999):07d}"}}.get(event, {})

    async def monitor(self, st, http: aiohttp.ClientSession) -> None:
        while time.monotonic() < self.end:
            for url in st.urls:
                try:
                    async with http.get(f"{url}/api/health", timeout=aiohttp.ClientTimeout(total=5)) as resp:
                        self.http[str(resp.status)] += 1
                except Exception:  # noqa: BLE001
                    self.http["unreachable"] += 1
            pids = st.all_worker_pids()
            rss = fds = 0
            for pid in pids:
                try:
                    p = psutil.Process(pid)
                    rss += p.memory_info().rss
                    fds += p.num_fds()
                except psutil.Error:
                    pass
            self.samples.append({"t": round(time.monotonic() - self.start, 1), "rss_mb": round(rss / 2**20, 1),
                                 "fds": fds, "workers": len(pids)})
            await asyncio.sleep(self.args.sample_s)

    async def disruptions(self, st, pg) -> None:
        d = self.args.duration
        plan = [(0.3, "kill -9 of an interactive worker"), (0.5, "Redis restart")]
        if pg is not None:
            plan.append((0.7, "PostgreSQL restart"))
        for at, what in plan:
            await asyncio.sleep(max(0.0, self.start + at * d - time.monotonic()))
            t0 = time.monotonic()
            if what.startswith("kill"):
                pid = worker_pids(st.pools[0].proc.pid)[0]
                os.kill(pid, signal.SIGKILL)
            elif what.startswith("Redis"):
                port = st.redis.port
                st.redis.stop()
                await asyncio.sleep(1.0)
                st.redis = await asyncio.to_thread(start_redis, st.workdir, port)
            else:
                await asyncio.to_thread(restart_postgres, pg)
            self.events.append({"at_s": round(t0 - self.start, 1), "what": what,
                                "took_s": round(time.monotonic() - t0, 2)})


def restart_postgres(pg) -> None:
    from tests.support.databases import pg_bin
    # -l: the restarted server must not inherit this process's pipes (the call would never return)
    pg._run([pg_bin("pg_ctl"), "-D", str(pg.data), "-w", "-t", "60", "-l", str(pg.dir / "pg.log"), "-m", "fast",
             "restart"])


async def rooms_lost(url: str, token: str, codes: list[str], http: aiohttp.ClientSession) -> list[str]:
    lost = []
    for code in codes:
        async with http.get(f"{url}/api/rooms/{code}", headers={"Authorization": f"Bearer {token}"}) as resp:
            if resp.status != 200:
                lost.append(code)
    return lost


async def run(args: argparse.Namespace) -> tuple[dict, str]:
    machine = machine_facts()  # at the start: its load average is the run's starting load
    quiet_client_logs()
    pg = None
    if args.postgres:
        from tests.support.databases import PostgresServer
        pg = PostgresServer()
    st = start_sharetube("redis", extra_env=FAST, db_url=pg.fresh_url() if pg else None)
    soak = Soak(args)
    try:
        urls = st.urls
        tokens = await sign_in_many(urls[0], [f"Soak{i}" for i in range(args.clients)])
        owners = tokens[::5]
        codes = [await create_room(urls[0], t, {"control_mode": "any"}) for t in owners]
        async with new_session() as http:
            soak.start = time.monotonic()
            soak.end = soak.start + args.duration
            clients = [soak.client_loop(urls[i % len(urls)], t, codes[i // 5], http) for i, t in enumerate(tokens)]
            await asyncio.gather(*clients, soak.monitor(st, http), soak.disruptions(st, pg),
                                 return_exceptions=False)
            lost = await rooms_lost(urls[1 % len(urls)], owners[0], codes, http)
        log = st.log_summary()
    finally:
        st.stop()
        shutil.rmtree(st.workdir, ignore_errors=True)
        if pg is not None:
            pg.stop()
    warm = [s for s in soak.samples if s["t"] >= args.duration * args.warmup]
    first, last = (warm[0], warm[-1]) if warm else ({}, {})
    internal = sum(v for k, v in soak.acks.items() if k.endswith(":internal"))
    http5xx = sum(v for k, v in soak.http.items() if k.startswith("5"))
    result = {"bench": "soak", "machine": machine, "clients": args.clients, "rooms": len(codes),
              "duration_s": args.duration, "database": "postgresql" if pg else "sqlite", "disruptions": soak.events,
              "rooms_lost": len(lost), "internal_acks": internal, "health_5xx": http5xx,
              "health": dict(soak.http), "acks": dict(soak.acks.most_common()), "reconnects": soak.reconnects,
              "rss_mb_after_warmup": first.get("rss_mb"), "rss_mb_end": last.get("rss_mb"),
              "rss_growth_pct": round(100 * (last["rss_mb"] / first["rss_mb"] - 1), 1) if warm else None,
              "fds_after_warmup": first.get("fds"), "fds_end": last.get("fds"), "samples": soak.samples,
              "server_log": log}
    rows = [("rooms lost", len(lost)), ("internal acks", internal), ("health 5xx (503 while a database restarts)",
             http5xx), ("reconnects", soak.reconnects), ("RSS MB after warm-up → end",
             f"{first.get('rss_mb')} → {last.get('rss_mb')} ({result['rss_growth_pct']} %)"),
            ("open fds after warm-up → end", f"{first.get('fds')} → {last.get('fds')}"),
            *((f"at {e['at_s']} s", f"{e['what']} ({e['took_s']} s)") for e in soak.events)]
    return result, md_table(("soak", "figure"), rows)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clients", type=int, default=500)
    p.add_argument("--duration", type=float, default=1800.0, help="seconds of traffic")
    p.add_argument("--interval", type=float, default=5.0, help="mean seconds between one client's requests")
    p.add_argument("--postgres", action="store_true", help="a private PostgreSQL (restarted in the middle)")
    p.add_argument("--warmup", type=float, default=0.2, help="share of the run before RSS/fd baselines")
    p.add_argument("--sample-s", type=float, default=5.0)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    raise_nofile()
    result, text = asyncio.run(run(parse_args(argv)))
    emit_result(result, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
