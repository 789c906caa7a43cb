"""fanout: how long from a control command's emit until the LAST of N clients has the matching
`room.playback` — ShareTube (one `single` process) against the bare floor app on the same stack.

    .venv/bin/python -m tests.bench.fanout --clients 200,1000 --commands 50

For each N both servers run side by side (fresh ones per N), each with a room of N clients. One
client per room (the owner, in this process) issues pause / seek / play in turn, each awaited
with its ack, then 100–200 ms apart; the commands alternate between ShareTube and the floor so
both see the same background load. The other N-1 clients per room run in `--procs` separate
client processes (default 2). Each command is matched to receipts by its `version`.
Prints one `BENCH_JSON {…}` line and a markdown table.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import socketio

from tests.bench import clients as C
from tests.bench import profiling
from tests.bench.common import (
    ProcSampler,
    emit_result,
    loadavg,
    machine_facts,
    md_table,
    raise_nofile,
    ratio,
    summary,
)
from tests.bench.cpu_pinning import Pinning, pinning
from tests.bench.fanout_clients import WANTED, client_process
from tests.bench.procs import gather, spawn, split
from tests.bench.server_options import add_server_options, server_env
from tests.bench.servers import start_floor, start_sharetube

VIDEO = {"video_id": "dQw4w9WgXcQ", "title": "Bench video", "duration_ms": 4 * 3600 * 1000}
ACTIONS = ("pause", "seek", "play")
SETTLE_S = 15.0
P99_TARGET_RATIO = 1.25


# --- one measured case: both targets, commands interleaved ---------------------------------------------

@dataclass
class Target:
    name: str
    server: object
    url: str = ""
    code: str = ""
    tokens: list = field(default_factory=list)
    owner: object = None
    owner_seen: dict = field(default_factory=dict)
    sent: list = field(default_factory=list)  # (version, t_emit, t_ack)
    refused: list = field(default_factory=list)
    cpu: ProcSampler | None = None
    setup: dict = field(default_factory=dict)
    log: dict = field(default_factory=dict)


async def prepare_playing(owner) -> None:
    """Queue a long video and mark the owner ready, so the room is `playing` before anyone else joins."""
    ack = await C.must(owner, "queue.add", VIDEO)
    await C.must(owner, "player.ready", {"entry_id": ack["entry"]["id"], "ready": True})
    state = (await C.must(owner, "room.sync", {}))["room"]["playback"]["state"]
    if state != "playing":
        raise RuntimeError(f"room did not reach playing (state={state})")


def command(target: str, code: str, i: int) -> tuple[str, dict]:
    action = ACTIONS[i % len(ACTIONS)]
    position = random.randrange(0, 3 * 3600 * 1000)
    if target == "floor":
        return "cmd", {"code": code, "action": action, "position_ms": position}
    return action, ({"position_ms": position} if action == "seek" else {})


async def open_target(name: str, n: int, workdir: Path, session, args: argparse.Namespace,
                      pins: Pinning) -> Target:
    one_guest = args.one_guest
    folder = workdir / f"{name}-{n}"
    if name == "sharetube":
        server = await asyncio.to_thread(start_sharetube, workdir=folder, extra_env=server_env(args),
                                         cpu_prefix=pins.prefix())
    else:
        server = await asyncio.to_thread(start_floor, workdir=folder, cpu_prefix=pins.prefix())
    t = Target(name, server, url=server.urls[0])
    if name == "sharetube":
        if one_guest:  # the owner, then n-1 sockets of one guest: the roster stays at 2 members
            owner, guest = await C.sign_in_many(t.url, ["fan-owner", "fan-guest"])
            t.tokens = [owner] + [guest] * (n - 1)
        else:
            t.tokens = await C.sign_in_many(t.url, [f"fan{i}" for i in range(n)])
        t.code = await C.create_room(t.url, t.tokens[0])
    else:
        t.tokens, t.code = [None] * n, "bench"
    t.owner = C.make_client(session, WANTED)
    t.owner.on("room.playback", lambda d: t.owner_seen.setdefault(d.get("version"), time.monotonic()))
    await t.owner.connect(t.url, auth={"token": t.tokens[0]} if t.tokens[0] else None, transports=["websocket"])
    await C.must(t.owner, "join", {"code": t.code})
    if name == "sharetube":
        await prepare_playing(t.owner)
    return t


async def run_case(n: int, args: argparse.Namespace, workdir: Path, pins: Pinning) -> list[dict]:
    """Both targets with a room of n; a target whose room could not be filled in time is reported
    (`setup_complete: false`, how far it got, what the server logged) and gets no commands."""
    session = C.new_session()
    targets: list[Target] = []
    workers = []
    try:
        opened = await asyncio.gather(
            *(open_target(name, n, workdir, session, args, pins) for name in args.targets), return_exceptions=True)
        targets += [t for t in opened if isinstance(t, Target)]
        failed = [t for t in opened if not isinstance(t, Target)]
        if failed:
            raise failed[0]
        targets.sort(key=lambda t: t.name != "floor")  # the cheap room first: it is always measured
        chunks = {t.name: split(t.tokens[1:], args.procs) for t in targets}
        jobs = [{"ramp": args.ramp / args.procs, "concurrency": args.join_concurrency, "receivers": args.receivers,
                 "targets": [{"target": t.name, "url": t.url, "code": t.code, "tokens": chunks[t.name][i],
                              "deadline_s": args.join_timeout} for t in targets if i < len(chunks[t.name])]}
                for i in range(args.procs)]
        jobs = [j for j in jobs if any(s["tokens"] for s in j["targets"])]
        join_cpu = {t.name: ProcSampler(t.server.interactive_worker_pids()).start() for t in targets}
        join_recorders = [r for t in targets for r in profiling.start(
            t.server.interactive_worker_pids(), Path(args.profile) / f"n{n}-join", t.name)] if args.profile else []
        workers = spawn(client_process, jobs)
        pins.pin_clients([w.proc.pid for w in workers])
        readies = await asyncio.to_thread(gather, workers, args.join_timeout * len(targets) + 120)
        profiling.stop(join_recorders)
        for t in targets:
            parts = [r["setup"].get(t.name, {}) for r in readies]
            chars = Counter()
            for p in parts:
                chars.update(p.get("chars", {}))
            joined = 1 + sum(p.get("joined", 0) for p in parts)
            t.setup = {"joined": joined, "setup_complete": joined == n and t.owner.connected,
                       "join_s": max((p.get("setup_s", 0) for p in parts), default=0),
                       "join_errors": sum(p.get("n_errors", 0) for p in parts),
                       "join_error_samples": [e for p in parts for e in p.get("errors", [])][:3],
                       "join_mb_received": {k: round(v / 2**20, 1) for k, v in chars.items()},
                       "join_disconnects": sum(p.get("disconnects", 0) for p in parts),
                       # one client's connect + join once the ramp started it (the ramp allows
                       # --join-concurrency in flight per process: beyond that latency the fill slows)
                       "join_latency_ms": summary([v for p in parts for v in p.get("join_ms", [])]),
                       "join_server_cpu_pct": join_cpu[t.name].cpu_percent()}
        live = [t for t in targets if t.setup["setup_complete"]]
        for t in targets:
            if t not in live:  # its backlog must not load the machine while the others are measured
                t.log = t.server.log_summary()
                t.server.stop()

        await asyncio.sleep(1.0)  # let the last joins' broadcasts drain before the first command
        for t in targets:
            t.cpu = ProcSampler(t.server.interactive_worker_pids()).start()
        recorders = [r for t in live for r in profiling.start(
            t.server.interactive_worker_pids(), Path(args.profile) / f"n{n}", t.name)] if args.profile else []
        client_cpu0, t_cmd = sum(w.cpu_seconds() for w in workers), time.monotonic()
        for i in range(args.commands if live else 0):
            for t in (live if i % 2 == 0 else live[::-1]):  # neither target always goes first
                await one_command(t, i, args)
                await asyncio.sleep(random.uniform(0.1, 0.2))
        reports = await settle(workers, live)
        wall = max(1e-6, time.monotonic() - t_cmd)
        profiling.stop(recorders)
        client_cpu_pct = round(100 * (sum(w.cpu_seconds() for w in workers) - client_cpu0) / wall, 1)
        return [case_result(t, n, reports, client_cpu_pct, [len(s["tokens"]) for j in jobs for s in j["targets"]
                                                            if s["target"] == t.name]) for t in targets]
    finally:
        for t in targets:
            t.log = t.log or t.server.log_summary()
            t.server.stop()  # first: no O(N) disconnect handling on the way out
        for w in workers:
            w.stop()
        await session.close()


async def one_command(t: Target, i: int, args: argparse.Namespace) -> None:
    event, data = command(t.name, t.code, i)
    t0 = time.monotonic()
    try:
        ack = await C.call(t.owner, event, data, timeout=args.ack_timeout)
    except socketio.exceptions.TimeoutError:
        ack = {"ok": False, "error": "ack_timeout"}
    except socketio.exceptions.BadNamespaceError:
        ack = {"ok": False, "error": "owner_disconnected"}
    t1 = time.monotonic()
    if ack.get("ok"):
        t.sent.append((ack["playback"]["version"], t0, t1))
    else:
        t.refused.append(ack.get("error"))


def receipts(t: Target, reports: list[dict], version: int) -> tuple[int, list[float]]:
    times = [r["seen"][t.name][version] for r in reports if version in r["seen"].get(t.name, {})]
    got = sum(r["count"].get(t.name, {}).get(version, 0) for r in reports)
    if version in t.owner_seen:
        times.append(t.owner_seen[version])
        got += 1
    return got, times


def case_result(t: Target, n: int, reports: list[dict], client_cpu_pct: float, per_proc: list[int]) -> dict:
    last_ms, ack_ms, incomplete = [], [], 0
    for version, t0, t1 in t.sent:
        got, times = receipts(t, reports, version)
        ack_ms.append((t1 - t0) * 1000)
        if got < t.setup["joined"]:
            incomplete += 1
            continue
        last_ms.append((max(times) - t0) * 1000)
    return {"target": t.name, "n": n, **t.setup, "last_ms": summary(last_ms), "ack_ms": summary(ack_ms),
            "server_log": t.log,
            "commands": len(t.sent), "refused": len(t.refused), "refused_codes": dict(Counter(t.refused)),
            "incomplete": incomplete,
            "disconnects": (sum(r["disconnects"].get(t.name, 0) for r in reports) + (0 if t.owner.connected else 1))
            if t.setup["setup_complete"] else None,
            "server_cpu_pct": t.cpu.cpu_percent(), "client_procs_cpu_pct": client_cpu_pct,
            "clients_per_proc": per_proc}


async def settle(workers, targets: list[Target]) -> list[dict]:
    """Ask the client processes for their receipts until every command reached everyone (or SETTLE_S)."""
    deadline = time.monotonic() + SETTLE_S
    while True:
        for w in workers:
            w.send({"op": "report"})
        reports = await asyncio.to_thread(gather, workers, 60)
        complete = all(receipts(t, reports, v)[0] >= t.setup["joined"] for t in targets for v, _, _ in t.sent)
        if complete or time.monotonic() > deadline:
            return reports
        await asyncio.sleep(0.5)


# --- the run ------------------------------------------------------------------------------------------

def build_output(results: list[dict], machine: dict, args: argparse.Namespace) -> tuple[dict, str]:
    ratios = []
    for n in args.clients:
        st = next((r for r in results if r.get("target") == "sharetube" and r["n"] == n), None)
        fl = next((r for r in results if r.get("target") == "floor" and r["n"] == n), None)
        if st and fl and st.get("last_ms", {}).get("n") and fl.get("last_ms", {}).get("n"):
            ratios.append({"n": n, **{q: ratio(st["last_ms"][q], fl["last_ms"][q]) for q in ("p50", "p90", "p99")}})
    big = next((r for r in ratios if r["n"] == 1000), None)
    result = {"bench": "fanout", "machine": machine, "results": results, "ratio_sharetube_over_floor": ratios,
              "target": {"p99_ratio_at_1000_max": P99_TARGET_RATIO,
                         "p99_ratio_at_1000": big["p99"] if big else None,
                         "met": (big["p99"] <= P99_TARGET_RATIO) if big and big["p99"] is not None else None},
              "setup": {"client_procs": args.procs, "commands": args.commands, "spacing_ms": [100, 200],
                        "ramp_per_s": args.ramp, "server": "gunicorn 1 GeventWebSocketWorker, SQLite",
                        "owner_in_orchestrator": True, "one_guest": args.one_guest,
                        "receivers": args.receivers, "server_env": server_env(args),
                        **pinning_facts(args)}}
    ok = [r for r in results if "error" not in r]
    rows = [(r["target"], r["n"], r["joined"], r["last_ms"]["p50"], r["last_ms"]["p90"], r["last_ms"]["p99"],
             r["last_ms"]["max"], r["ack_ms"]["p50"], r["incomplete"], r["refused"], r["disconnects"], r["join_s"],
             sum(r["join_mb_received"].values()), r["server_cpu_pct"], r["client_procs_cpu_pct"]) for r in ok]
    table = md_table(["target", "N", "joined", "last p50 ms", "p90", "p99", "max", "ack p50 ms", "incomplete",
                      "refused", "disconnects", "join s", "join MB to clients", "server CPU %",
                      "client procs CPU %"], rows)
    for r in results:
        if "error" in r:
            table += f"\n\nN={r['n']}: the case failed: {r['error']}"
        elif not r["setup_complete"]:
            table += (f"\n\n{r['target']} N={r['n']}: the room did not fill ({r['joined']} of {r['n']} in "
                      f"{r['join_s']} s; errors {r['join_error_samples'][:1]}; "
                      f"server log {r['server_log'].get('by_level')})")
    if ratios:
        table += "\n\n" + md_table(["N", "ShareTube/floor p50", "p90", "p99"],
                                   [(r["n"], r["p50"], r["p90"], r["p99"]) for r in ratios])
    table += (f"\n\nloadavg start {machine['loadavg_start']} · end {loadavg()} · nproc "
              f"{machine['nproc']} · receivers {args.receivers} · server CPUs {args.server_cpu or 'any'}")
    return result, table


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clients", default="200,1000", help="comma-separated room sizes N")
    p.add_argument("--commands", type=int, default=50)
    p.add_argument("--procs", type=int, default=2, help="client processes (1–2 on a 2-core box)")
    p.add_argument("--targets", default="sharetube,floor")
    p.add_argument("--ramp", type=float, default=100.0, help="connections started per second (all procs)")
    p.add_argument("--join-concurrency", type=int, default=20, help="connects+joins in flight per process")
    p.add_argument("--join-timeout", type=float, default=300.0,
                   help="seconds each room may take to fill; a room not full by then gets no commands")
    p.add_argument("--ack-timeout", type=float, default=10.0)
    p.add_argument("--profile", default=None,
                   help="directory for py-spy collapsed stacks of both servers: n<N>-join/ while the room fills, "
                        "n<N>/ while the commands run")
    p.add_argument("--one-guest", action="store_true",
                   help="ShareTube's N-1 non-owner sockets are one signed-in guest (N devices of one user): "
                        "the roster stays at 2 members, so filling the room is not O(N^3) bytes of presence")
    p.add_argument("--receivers", choices=("sio", "raw"), default="sio",
                   help="sio: python-socketio AsyncClients (decode every frame they need); raw: aiohttp "
                        "websockets that timestamp the bytes on arrival, parse only room.playback frames and "
                        "answer Engine.IO pings (client decoding does not hide the server's own time)")
    add_server_options(p)
    p.add_argument("--workdir", default=None, help="keep server folders (logs, databases) here")
    p.add_argument("--keep-workdir", action="store_true", help="keep the temporary server folders")
    args = p.parse_args(argv)
    args.clients = [int(x) for x in str(args.clients).split(",") if x.strip()]
    args.targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    return args


async def main_async(args: argparse.Namespace) -> int:
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="st-fanout-"))
    machine = machine_facts()
    results = []
    try:
        await run_all(args, workdir, results)
    finally:
        if not args.workdir and not args.keep_workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    result, table = build_output(results, machine, args)
    emit_result(result, table)
    return 0


def pinning_facts(args: argparse.Namespace) -> dict:
    return {"server_cpus": args.server_cpu}


async def run_all(args: argparse.Namespace, workdir: Path, results: list[dict]) -> None:
    pins = pinning(args.server_cpu)
    for n in args.clients:
        print(f"# fanout N={n} {'+'.join(args.targets)} … (loadavg {loadavg()})", file=sys.stderr, flush=True)
        try:
            cases = await run_case(n, args, workdir, pins)
        except Exception as exc:  # noqa: BLE001 (one failed size does not lose the others)
            cases = [{"n": n, "error": f"{type(exc).__name__}: {str(exc)[:300]}"}]
        for c in cases:
            print(f"# {json.dumps(c)[:600]}", file=sys.stderr, flush=True)
        results += cases


def main(argv: list[str] | None = None) -> int:
    raise_nofile()
    return asyncio.run(main_async(parse_args(argv)))


if __name__ == "__main__":
    raise SystemExit(main())
