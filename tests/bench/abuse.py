"""Abuse bench (issue 14): each flood against a real ShareTube, with the other users' time.sync
round trips measured while it runs. Figures, not asserted.

    .venv/bin/python -m tests.bench.abuse            # full sizes (about a minute)
    .venv/bin/python -m tests.bench.abuse --quick    # small sizes (the suite's smoke run)

Every attacker gets a client address of its own through X-Real-IP (the server trusts it from a
loopback peer, as behind the deployed nginx), so per-IP limits apply exactly as in production:
the server runs with RATE_LIMIT_EXEMPT_LOOPBACK off. Bystanders (their own address) sit in
another room and call time.sync every 50 ms; each flood reports their p50/p99/max meanwhile.
"""
from __future__ import annotations

import argparse
import asyncio
import shutil
import time
from collections.abc import Awaitable, Callable

import aiohttp

from tests.bench.clients import call, make_client, new_session, quiet_client_logs
from tests.bench.common import emit_result, machine_facts, md_table, raise_nofile, summary
from tests.bench.servers import start_sharetube

BYSTANDER_IP = "198.51.100.1"
SYNC_EVERY_S = 0.05


class Bench:
    def __init__(self, base: str, http: aiohttp.ClientSession) -> None:
        self.base = base
        self.http = http
        self.sync_samples: list[tuple[float, float]] = []  # (monotonic end, rtt ms)
        self.stop_sync = asyncio.Event()

    async def post(self, path: str, body: dict, ip: str, token: str | None = None) -> tuple[int, dict]:
        headers = {"X-Real-IP": ip, **({"Authorization": f"Bearer {token}"} if token else {})}
        async with self.http.post(self.base + path, json=body, headers=headers) as resp:
            return resp.status, await resp.json(content_type=None)

    async def get(self, path: str, ip: str) -> int:
        async with self.http.get(self.base + path, headers={"X-Real-IP": ip}) as resp:
            await resp.read()
            return resp.status

    async def guest(self, name: str, ip: str) -> str:
        status, body = await self.post("/auth/guest", {"name": name}, ip)
        if status != 200:
            raise RuntimeError(f"sign-in {status}: {body}")
        return body["access_token"]

    async def room(self, token: str, ip: str, **settings: object) -> str:
        status, body = await self.post("/api/rooms", {"settings": settings}, ip, token)
        if status != 201:
            raise RuntimeError(f"room {status}: {body}")
        return body["code"]

    async def socket(self, token: str, ip: str, wanted: tuple[str, ...] = ()):
        client = make_client(self.http, wanted)
        await client.connect(self.base, auth={"token": token}, headers={"X-Real-IP": ip},
                             transports=["websocket"], wait_timeout=30)
        return client

    async def sync_loop(self, client) -> None:
        while not self.stop_sync.is_set():
            t0 = time.monotonic()
            await call(client, "time.sync", {"client_ms": int(time.time() * 1000)})
            t1 = time.monotonic()
            self.sync_samples.append((t1, (t1 - t0) * 1000))
            await asyncio.sleep(SYNC_EVERY_S)

    async def flood(self, name: str, body: Callable[[], Awaitable[dict]]) -> dict:
        await asyncio.sleep(0.3)  # a quiet gap: no flood's tail in the next one's window
        start = time.monotonic()
        figures = await body()
        end = time.monotonic()
        rtts = [ms for t, ms in self.sync_samples if start <= t <= end + 0.05]
        return {"flood": name, "seconds": round(end - start, 2), **figures, "others_time_sync_ms": summary(rtts)}


async def counted(coros: list[Awaitable[object]], concurrency: int = 16) -> list[object]:
    sem = asyncio.Semaphore(concurrency)

    async def one(c: Awaitable[object]) -> object:
        async with sem:
            return await c

    return await asyncio.gather(*(one(c) for c in coros))


def tally(values: list[object]) -> dict:
    out: dict = {}
    for v in values:
        out[str(v)] = out.get(str(v), 0) + 1
    return out


async def run(args: argparse.Namespace) -> tuple[dict, str]:
    machine = machine_facts()  # at the start: its load average is the run's starting load
    quiet_client_logs()
    scale = 0.25 if args.quick else 1.0
    n = {k: max(2, int(v * scale)) for k, v in
         {"signin": 100, "rooms": 50, "probe": 400, "cycles": 30, "chat": 100, "guessers": 8,
                   "seeks": 400}.items()}
    st = start_sharetube("single", extra_env={"RATE_LIMIT_EXEMPT_LOOPBACK": "0"})
    results: list[dict] = []
    try:
        async with new_session() as http:
            b = Bench(st.urls[0], http)
            # bystanders: their own room, their own address
            owner_tok = await b.guest("Bystander0", BYSTANDER_IP)
            calm = await b.room(owner_tok, BYSTANDER_IP)
            bystanders = []
            for i in range(args.bystanders):
                tok = owner_tok if i == 0 else await b.guest(f"Bystander{i}", BYSTANDER_IP)
                c = await b.socket(tok, BYSTANDER_IP)
                await call(c, "join", {"code": calm})
                bystanders.append(c)
            loops = [asyncio.create_task(b.sync_loop(c)) for c in bystanders]
            await asyncio.sleep(1.0)
            results.append({"flood": "none (baseline)", "seconds": 1.0,
                            "others_time_sync_ms": summary([ms for _, ms in b.sync_samples])})

            # 1. wrong room passwords: one address, then one address per guesser
            host_ip = "203.0.113.10"
            host = await b.guest("Host", host_ip)
            locked = await b.room(host, host_ip, password="correct horse battery")
            for label, per_ip in (("password, 1 address", False), ("password, 1 address per guesser", True)):
                guessers = []
                for g in range(n["guessers"]):
                    ip = f"203.0.113.{100 + g}" if per_ip else "203.0.113.99"
                    guessers.append(await b.socket(await b.guest(f"Guess{g}", f"203.0.114.{g}"), ip))

                async def guess(c, g: int) -> list[str]:
                    return [(await call(c, "join", {"code": locked, "password": f"w{g}-{i}"})).get("error")
                            for i in range(5)]

                async def password_flood(gs=guessers) -> dict:
                    errs = [e for lst in await asyncio.gather(*(guess(c, g) for g, c in enumerate(gs))) for e in lst]
                    return {"attempts": len(errs), "outcomes": tally(errs)}
                results.append(await b.flood(label, password_flood))
                for c in guessers:
                    await c.disconnect()

            # 2. guest sign-ins from one address
            async def signin_flood() -> dict:
                statuses = await counted([b.post("/auth/guest", {"name": f"S{i}"}, "203.0.113.20") for i in
                                          range(n["signin"])], 32)
                return {"requests": n["signin"], "outcomes": tally([s for s, _ in statuses])}
            results.append(await b.flood("guest sign-in, 1 address", signin_flood))

            # 3. room creation from one address, a fresh guest each time (made from elsewhere)
            makers = [await b.guest(f"M{i}", f"203.0.115.{i % 250}") for i in range(n["rooms"])]

            async def rooms_flood() -> dict:
                statuses = await counted([b.post("/api/rooms", {}, "203.0.113.30", t) for t in makers], 16)
                return {"requests": len(makers), "outcomes": tally([s for s, _ in statuses])}
            results.append(await b.flood("room creation, 1 address", rooms_flood))

            # 4. /join/<code> probing
            async def probe_flood() -> dict:
                t0 = time.monotonic()
                statuses = await counted([b.get(f"/join/zz{i:06d}", "203.0.113.40") for i in range(n["probe"])], 32)
                return {"requests": n["probe"], "per_s": round(n["probe"] / (time.monotonic() - t0), 1),
                        "outcomes": tally(statuses)}
            results.append(await b.flood("/join/<code> probing, 1 address", probe_flood))

            # 5. join/leave cycling, watched from inside the room
            watcher = await b.socket(host, host_ip, wanted=("chat.message",))
            lines: list[str] = []
            watcher.on("chat.message", lambda m: lines.append(m.get("text", "")) if m.get("kind") == "system" else None)
            open_room = await b.room(host, host_ip)
            await call(watcher, "join", {"code": open_room})
            cycler = await b.socket(await b.guest("Cycler", "203.0.116.1"), "203.0.113.50")

            async def cycle_flood() -> dict:
                await asyncio.sleep(0.2)
                lines.clear()  # the watcher's own "joined" line is not the flood's
                acks = []
                for _ in range(n["cycles"]):
                    acks.append((await call(cycler, "join", {"code": open_room})).get("error"))
                    acks.append((await call(cycler, "leave", {})).get("error"))
                await asyncio.sleep(0.3)
                return {"events": len(acks), "outcomes": tally(acks), "system_lines_seen": len(lines)}
            results.append(await b.flood("join/leave cycling", cycle_flood))

            # 6. chat flood from one member (the cycler has used up its joins for a minute)
            member = await b.socket(await b.guest("Member", "203.0.116.2"), "203.0.113.60")
            await call(member, "join", {"code": open_room})

            async def chat_flood() -> dict:
                acks = [(await call(member, "chat.send", {"text": f"spam {i}"})).get("error") for i in range(n["chat"])]
                return {"messages": n["chat"], "outcomes": tally(acks)}
            results.append(await b.flood("chat.send, 1 member", chat_flood))

            # 7. player reports in an owner_only room
            await call(watcher, "room.settings", {"control_mode": "owner_only"})
            entry = (await call(watcher, "queue.add", {"video_id": "aaaaaaaaaa1"}))["entry"]["id"]
            await call(watcher, "queue.add", {"video_id": "bbbbbbbbbb2"})
            for c in (watcher, member):
                await call(c, "player.ready", {"entry_id": entry, "ready": True})
            await asyncio.sleep(0.5)

            async def report_flood() -> dict:
                dur = await call(member, "player.duration", {"entry_id": entry, "duration_ms": 1})
                await call(member, "player.ended", {"entry_id": entry})
                pb = (await call(watcher, "room.sync", {}))["room"]["playback"]
                await call(member, "player.status", {"entry_id": entry, "position_ms": 0, "rtt_ms": 120_000})
                await call(watcher, "pause", {})
                sent = time.time() * 1000
                resumed = (await call(watcher, "play", {}))["playback"]
                return {"duration_1ms_accepted": dur.get("accepted"), "skipped_by_participant": pb["entry_id"] != entry,
                        "start_lead_ms_after_rtt_claim_120s": round(resumed["anchor_ms"] - sent)}
            results.append(await b.flood("player reports (owner_only room)", report_flood))

            # 8. a script of seeks, 16 in flight at a time: refused ones (no control), then with control
            async def seek_flood() -> dict:
                acks = await counted([call(member, "seek", {"position_ms": 1000 * (i + 1)}) for i in range(n["seeks"])])
                return {"seeks": n["seeks"], "outcomes": tally([a.get("error") for a in acks])}
            results.append(await b.flood("seeks, 1 member without control", seek_flood))
            await asyncio.sleep(2.0)  # (the refused ones counted: a fresh window for the next flood)
            await call(watcher, "room.settings", {"control_mode": "any"})
            results.append(await b.flood("seeks, 1 member with control", seek_flood))

            b.stop_sync.set()
            await asyncio.gather(*loops)
            for c in [*bystanders, watcher, cycler, member]:
                await c.disconnect()
    finally:
        st.stop()
        shutil.rmtree(st.workdir, ignore_errors=True)
    result = {"bench": "abuse", "machine": machine, "bystanders": args.bystanders, "quick": args.quick,
              "results": results}
    rows = [(r["flood"], r["seconds"], r.get("outcomes") or {k: v for k, v in r.items() if k not in
             ("flood", "seconds", "others_time_sync_ms")}, r["others_time_sync_ms"]["p50"],
             r["others_time_sync_ms"]["p99"], r["others_time_sync_ms"]["max"]) for r in results]
    table = md_table(("flood", "s", "outcome", "others' time.sync p50 ms", "p99 ms", "max ms"), rows)
    return result, table


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="a quarter of every flood (the suite's smoke run)")
    p.add_argument("--bystanders", type=int, default=4)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    raise_nofile()
    result, text = asyncio.run(run(parse_args(argv)))
    emit_result(result, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
