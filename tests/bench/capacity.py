"""capacity: many rooms of 5 clients doing what people do; ack latency, errors, disconnects,
server CPU and memory per connected client — one process, or two interactive processes + Redis.

    .venv/bin/python -m tests.bench.capacity --clients 2000 --duration 60 --mode single
    .venv/bin/python -m tests.bench.capacity --clients 2000 --duration 60 --mode redis

Clients run in `--procs` client processes (default 2), whole rooms per process, connecting at
`--ramp` per second in total. Once every client is in its room, a `--duration` second window is
measured (activity starts at each join; only events sent inside the window count). In redis mode the
members of a room alternate between the two interactive processes, so room broadcasts cross Redis
(`--split rooms`: each room's members on one process, the rooms alternating).
`--profile DIR` records the server workers with py-spy during the window (collapsed stacks).
`--count-round-trips` counts every server process's Redis round trips in the window by the server
functions that made them (tests/bench/round_trips/sitecustomize.py; not for a CPU figure).
`--server floor` runs the same clients and mix against the floor (tests/bench/floor_app.py: the bare
Flask-SocketIO app on the same worker, acking and re-broadcasting with no work of its own; in redis
mode two of them through Flask-SocketIO's Redis manager): the baseline of CPU per ack and of the
two-process ratio, to run beside ShareTube in the same minutes.
CPU layouts: `--server-cpu 0` puts every server process (and Redis) on CPU 0 and the clients on the
others; `--own-cores 0,1` gives each interactive process a core of its own, as a deployment does,
with the clients spread over every core (the one-process run takes the same layout, so the two
compare). The kernel's affinity of every process is in the JSON (`setup.affinity`).
`--database postgresql` runs ShareTube on a private PostgreSQL server, as deployed (default: SQLite
in the work folder), and reports the database's CPU (every backend) beside the server's.
Prints one `BENCH_JSON {…}` line and a markdown table.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import aiohttp
import psutil
import redis

from tests.bench import clients as C
from tests.bench import profiling
from tests.bench.capacity_clients import client_process
from tests.bench.common import ProcSampler, emit_result, loadavg, machine_facts, md_table, raise_nofile, summary
from tests.bench.cpu_pinning import pinning
from tests.bench.procs import gather, spawn, split
from tests.bench.server_options import add_server_options, server_env
from tests.bench.servers import ShareTube, start_floor_cluster, start_sharetube

TARGET_P99_MS = 100.0
KINDS = ("status", "chat", "control")


def redis_command_calls(redis_server) -> dict[str, int] | None:
    """Redis's own count of each command it ran (INFO commandstats), or None without Redis."""
    if redis_server is None:
        return None
    stats = redis.Redis.from_url(redis_server.url).info("commandstats")
    return {name.removeprefix("cmdstat_"): int(v["calls"]) for name, v in stats.items()}


def calls_per_s(before: dict[str, int] | None, after: dict[str, int] | None, window_s: float) -> dict | None:
    """Commands per second over the window, busiest first, with the total (the bench's own INFO calls
    are a handful over the run)."""
    if before is None or after is None:
        return None
    rates = {k: round((n - before.get(k, 0)) / window_s, 1) for k, n in after.items()}
    rates = {k: v for k, v in sorted(rates.items(), key=lambda kv: -kv[1]) if v > 0}
    return {"total": round(sum(rates.values()), 1), **rates}


def member_url(urls: list[str], room: int, member: int, split: str) -> str:
    """Which interactive process a room's member connects to: `members` (the default) alternates a
    room's members between the processes, so every room is shared; `rooms` puts all of a room's
    members on one process, the rooms alternating (what routing by room would do)."""
    return urls[(room + (member if split == "members" else 0)) % len(urls)]


def prepare_floor(urls: list[str], n: int, room_size: int, split: str = "members") -> list[dict]:
    """The floor's rooms: named, not created; no sign-in (the floor has no accounts)."""
    rooms = []
    for r in range(math.ceil(n / room_size)):
        size = min(room_size, n - r * room_size)
        rooms.append({"code": f"FLOOR{r}", "members": [(member_url(urls, r, i, split), "") for i in range(size)]})
    return rooms


async def prepare(st: ShareTube, n: int, room_size: int, split: str = "members") -> list[dict]:
    """Sign in n guests and create ceil(n / room_size) rooms (control_mode any): the room specs."""
    urls = st.urls
    names = [f"cap{i}" for i in range(n)]
    tokens: list[str] = []
    for k, url in enumerate(urls):  # each interactive process signs in its share
        tokens += await C.sign_in_many(url, names[k::len(urls)])
    if len(tokens) < n:
        raise RuntimeError(f"only {len(tokens)} of {n} guests signed in")
    n_rooms = math.ceil(n / room_size)
    sem = asyncio.Semaphore(16)

    async def make_room(r: int) -> dict:
        async with sem:
            owner = tokens[r * room_size]
            code = await C.create_room(urls[r % len(urls)], owner, {"control_mode": "any"})
        members = tokens[r * room_size:(r + 1) * room_size]
        return {"code": code, "members": [(member_url(urls, r, i, split), t) for i, t in enumerate(members)]}

    return list(await asyncio.gather(*(make_room(r) for r in range(n_rooms))))


ROUND_TRIPS_SHIM = Path(__file__).resolve().parent / "round_trips"


def round_trips_env(args: argparse.Namespace, workdir: Path) -> dict[str, str]:
    """The server's environment for `--count-round-trips`: the counting shim first on its path."""
    if not args.count_round_trips:
        return {}
    out = workdir / "round-trips"
    out.mkdir(parents=True, exist_ok=True)
    path = os.pathsep.join(p for p in (str(ROUND_TRIPS_SHIM), os.environ.get("PYTHONPATH", "")) if p)
    return {"PYTHONPATH": path, "ST_ROUND_TRIPS_DIR": str(out)}


def read_round_trips(workdir: Path) -> dict[str, dict]:
    """Each server process's counts as last written: pid → {"t": seconds, "counts": {source: n}}."""
    found = {}
    for path in (workdir / "round-trips").glob("rt-*.json"):
        try:
            found[path.stem] = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
    return found


def start_postgres(args: argparse.Namespace):
    """`--database postgresql`: a private PostgreSQL server (tests/support/databases.py: loopback, a
    free port, fsync off as in the tests), unpinned like Redis; None for SQLite."""
    if args.database != "postgresql":
        return None
    if args.server == "floor":
        raise SystemExit("--database is ShareTube's: the floor has no database")
    from tests.support.databases import PostgresServer
    return PostgresServer()


class TreeCpu:
    """CPU of a process and every descendant over a window (a database's backends), a process
    born during the window counted from zero. What a process that ended inside the window used
    is lost; the bench's connection pools open their backends before the window and keep them."""

    def __init__(self, pid: int) -> None:
        self.root = psutil.Process(pid)
        self.t0 = 0.0
        self.cpu0: dict[int, float] = {}

    def _tree(self) -> dict[int, float]:
        found: dict[int, float] = {}
        for p in [self.root, *self.root.children(recursive=True)]:
            try:
                t = p.cpu_times()
                found[p.pid] = t.user + t.system
            except psutil.Error:
                continue
        return found

    def start(self) -> TreeCpu:
        self.t0, self.cpu0 = time.monotonic(), self._tree()
        return self

    def cpu_percent(self) -> float:
        wall = time.monotonic() - self.t0
        used = sum(cpu - self.cpu0.get(pid, 0.0) for pid, cpu in self._tree().items())
        return round(100 * used / wall, 1) if wall > 0 else 0.0


def affinity(st, workers: list) -> dict:
    """The CPUs each process may run on, as the kernel has them (what the pinning did, not what it
    meant to do): the interactive server processes in start order, then the rest."""
    def cpus(pid: int) -> list[int] | None:
        try:
            return sorted(psutil.Process(pid).cpu_affinity())
        except (psutil.Error, AttributeError):
            return None
    interactive = st.interactive_worker_pids()
    others = [pid for pid in st.all_worker_pids() if pid not in interactive]
    redis_pid = [st.redis.proc.pid] if st.redis else []
    return {"interactive": [cpus(pid) for pid in interactive], "other_server": [cpus(pid) for pid in others],
            "redis": [cpus(pid) for pid in redis_pid], "clients": [cpus(w.proc.pid) for w in workers]}


def round_trips_per_s(before: dict | None, after: dict | None, top: int = 25) -> dict | None:
    """Round trips per second by source over the window (each process over its own interval)."""
    if not after:  # not asked for, or nothing counted (the floor has no shim)
        return None
    rates: dict[str, float] = {}
    for pid, end in after.items():
        start = (before or {}).get(pid, {"t": end["t"], "counts": {}})
        span = end["t"] - start["t"]
        if span <= 0:
            continue
        for source, n in end["counts"].items():
            rates[source] = rates.get(source, 0.0) + (n - start["counts"].get(source, 0)) / span
    ranked = sorted(((k, round(v, 1)) for k, v in rates.items() if v >= 0.05), key=lambda kv: -kv[1])
    return {"total": round(sum(rates.values()), 1), "by_source": dict(ranked[:top])}


async def run(args: argparse.Namespace) -> tuple[dict, str]:
    machine = machine_facts()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="st-capacity-"))
    pins = pinning(args.server_cpu, args.own_cores)
    unix = args.redis_transport == "unix"
    pg = start_postgres(args)
    try:
        st = (start_floor_cluster(args.mode, workdir, cpu_prefix=pins.prefix(), redis_unix=unix,
                                  process_prefixes=pins.process_prefixes())
              if args.server == "floor" else
              start_sharetube(args.mode, workdir, extra_env={**server_env(args), **round_trips_env(args, workdir)},
                              cpu_prefix=pins.prefix(), redis_unix=unix, process_prefixes=pins.process_prefixes(),
                              db_url=pg.fresh_url() if pg else None))
    except BaseException:
        if pg:
            pg.stop()
        raise
    workers = []
    try:
        server_pids = st.all_worker_pids()
        mem = ProcSampler(server_pids).start()
        rss_baseline = mem.rss()
        t_prep = time.monotonic()
        rooms = (prepare_floor(st.urls, args.clients, args.room_size, args.split) if args.server == "floor"
                 else await prepare(st, args.clients, args.room_size, args.split))
        prep_s = round(time.monotonic() - t_prep, 1)
        progress(f"{args.clients} guests signed in, {len(rooms)} rooms in {prep_s} s; connecting at {args.ramp}/s")
        jobs = [{"rooms": chunk, "ramp": args.ramp / args.procs, "concurrency": max(1, int(args.ramp)),
                 "status_s": args.status_s, "chat_s": args.chat_s, "control_s": args.control_s, "seed": i}
                for i, chunk in enumerate(split(rooms, args.procs))]
        t_ramp = time.monotonic()
        workers = spawn(client_process, jobs)
        pins.pin_clients([w.proc.pid for w in workers])
        readies = await asyncio.to_thread(gather, workers, args.setup_timeout)
        ramp_s = round(time.monotonic() - t_ramp, 1)
        connected0 = sum(r["connected"] for r in readies)
        progress(f"{connected0} connected and joined in {ramp_s} s; measuring {args.duration} s")
        await asyncio.sleep(min(5.0, args.status_s * 1.5))  # every behaviour loop is past its first phase

        cpu = ProcSampler(server_pids).start()
        per_proc = {pid: ProcSampler([pid]).start() for pid in server_pids}
        redis_cpu = ProcSampler([st.redis.proc.pid]).start() if st.redis else None
        db_cpu = TreeCpu(pg.postmaster_pid()).start() if pg else None
        redis_calls0 = redis_command_calls(st.redis)
        trips0 = read_round_trips(workdir) if args.count_round_trips else None
        client_cpu0 = sum(w.cpu_seconds() for w in workers)
        recorders = profiling.start(st.interactive_worker_pids(), Path(args.profile)) if args.profile else []
        hist0 = await ack_histogram(st.urls) if args.server == "sharetube" else {}
        for w in workers:
            w.send({"op": "go"})
        t_go = time.monotonic()
        loads = []
        while time.monotonic() - t_go < args.duration:
            await asyncio.sleep(min(5.0, max(0.0, args.duration - (time.monotonic() - t_go))))
            mem.rss()
            loads.append(psutil.getloadavg()[0])
        for w in workers:
            w.send({"op": "report"})
        window = time.monotonic() - t_go
        hist1 = await ack_histogram(st.urls) if args.server == "sharetube" else {}
        profiling.stop(recorders)
        reports = await asyncio.to_thread(gather, workers, 120)
        server_cpu, server_system = cpu.cpu_percent(), cpu.system_percent()
        redis_calls1 = redis_command_calls(st.redis)
        trips1 = read_round_trips(workdir) if args.count_round_trips else None
        rss_end = mem.rss()
        client_cpu_pct = round(100 * (sum(w.cpu_seconds() for w in workers) - client_cpu0) / window, 1)
        result = aggregate(args, machine, readies, reports, window)
        connected = sum(r["connected"] for r in reports)
        result["setup"] = {**pins.facts(), "affinity": affinity(st, workers),
                           "server_env": server_env(args), "redis_transport": args.redis_transport,
                           "prepare_s": prep_s, "ramp_s": ramp_s, "connected_after_ramp": connected0,
                           "setup_errors": sum(r["setup_errors"] for r in readies),
                           "setup_error_samples": [e for r in readies for e in r["setup_error_samples"]][:5],
                           "setup_disconnects": sum(r["setup_disconnects"] for r in readies),
                           "connect_ms": summary([x for r in readies for x in r["setup_latency"].get("connect", [])]),
                           "join_ms": summary([x for r in readies for x in r["setup_latency"].get("join", [])])}
        result["server"] = {
            "processes": len(server_pids), "cpu_pct": server_cpu, "cpu_system_pct": server_system,
            "cpu_pct_per_process": {str(pid): s.cpu_percent() for pid, s in per_proc.items()},
            "redis_cpu_pct": redis_cpu.cpu_percent() if redis_cpu else None,
            "database": None if args.server == "floor" else "postgresql" if pg else "sqlite",
            "database_cpu_pct": db_cpu.cpu_percent() if db_cpu else None,
            "redis_calls_per_s": calls_per_s(redis_calls0, redis_calls1, window),
            "redis_round_trips_per_s": round_trips_per_s(trips0, trips1),
            "rss_baseline_mb": round(rss_baseline / 2**20, 1), "rss_end_mb": round(rss_end / 2**20, 1),
            "rss_peak_mb": round(mem.peak_rss / 2**20, 1),
            "rss_per_client_kb": round((rss_end - rss_baseline) / 1024 / connected, 1) if connected else None,
            "cpu_ms_per_ack": round(10 * server_cpu / result["acks_ms"]["overall"]["per_s"], 2)
            if result["acks_ms"]["overall"]["per_s"] else None}
        result["clients"] = {"requested": args.clients, "connected_end": connected, "rooms": len(rooms),
                             "room_size": args.room_size, "split": args.split, "client_procs": len(workers),
                             "client_procs_cpu_pct": client_cpu_pct,
                             "clients_per_proc": [sum(len(r["members"]) for r in j["rooms"]) for j in jobs]}
        result["loadavg_1m_during"] = [round(x, 2) for x in loads]
        if args.profile:  # the recordings cover this window: its acks let runs at other loads compare per ack
            profiling.write_run(Path(args.profile), result["acks_ms"]["overall"]["n"], window)
        result["server_handler_ms"] = server_side_acks(hist0, hist1)
        return result, table(result)
    finally:
        st.stop()  # first: no disconnect storm to handle
        for w in workers:
            w.stop()
        if pg:
            pg.stop()
        if not args.workdir and not args.keep_workdir:
            shutil.rmtree(workdir, ignore_errors=True)


HIST = re.compile(r'^sharetube_ack_seconds_bucket\{le="([^"]+)"\} ([0-9.e+]+)$')


async def ack_histogram(urls: list[str]) -> dict[str, float]:
    """The server's own handler-time histogram (cumulative counts by bucket), summed over processes."""
    total: dict[str, float] = {}
    async with aiohttp.ClientSession() as http:
        for url in urls:
            try:
                async with http.get(f"{url}/metrics", timeout=aiohttp.ClientTimeout(total=20)) as resp:
                    text = await resp.text()
            except (aiohttp.ClientError, TimeoutError):
                continue
            for line in text.splitlines():
                m = HIST.match(line)
                if m:
                    total[m.group(1)] = total.get(m.group(1), 0.0) + float(m.group(2))
    return total


def server_side_acks(before: dict[str, float], after: dict[str, float]) -> dict:
    """Handler time inside the server during the window (from /metrics): share within each bucket bound,
    and p50/p99 as the bucket bound they fall under. Client ack minus this is queueing + transport."""
    diff = {le: after.get(le, 0.0) - before.get(le, 0.0) for le in after}
    count = diff.get("+Inf", 0.0)
    if count <= 0:
        return {"n": 0}
    bounds = sorted((float(le), n) for le, n in diff.items() if le != "+Inf")

    def bound(q: float) -> str:
        return next((f"<= {b * 1000:g} ms" for b, n in bounds if n >= q * count), f"> {bounds[-1][0] * 1000:g} ms")
    return {"n": int(count), "p50": bound(0.5), "p99": bound(0.99),
            "share_within_ms": {f"{b * 1000:g}": round(n / count, 3) for b, n in bounds}}


def progress(text: str) -> None:
    print(f"# capacity: {text} (loadavg {loadavg()})", file=sys.stderr, flush=True)


def aggregate(args, machine: dict, readies: list[dict], reports: list[dict], window: float) -> dict:
    latency = {k: [x for r in reports for x in r["latency"].get(k, [])] for k in KINDS}
    errors: dict[str, Counter] = {k: Counter() for k in KINDS}
    for r in reports:
        for k, codes in r["errors"].items():
            errors.setdefault(k, Counter()).update(codes)
    overall = [x for k in KINDS for x in latency[k]]
    received = Counter()
    worst: dict[int, float] = {}
    for r in reports:
        received.update(r["received"])
        for sec, ms in r["worst_by_second"].items():
            worst[int(sec)] = max(worst.get(int(sec), 0.0), ms)
    acks = {k: {**summary(latency[k], (50, 99)), "per_s": round(len(latency[k]) / window, 1),
                "errors": dict(errors[k])} for k in KINDS}
    acks["overall"] = {**summary(overall, (50, 99)), "per_s": round(len(overall) / window, 1),
                       "errors": dict(sum(errors.values(), Counter()))}
    errors_total = sum(sum(c.values()) for c in errors.values())
    disconnects = sum(r["disconnects"] for r in reports)
    p99 = acks["overall"]["p99"]
    return {"bench": "capacity", "server_kind": args.server, "mode": args.mode, "machine": machine,
            "window_s": round(window, 1),
            "acks_ms": acks, "errors_total": errors_total, "disconnects": disconnects,
            "received_per_s": {k: round(v / window, 1) for k, v in sorted(received.items())},
            "worst_ack_ms_by_second": [round(worst.get(i, 0.0)) for i in range(int(window) + 1)],
            "seconds_with_an_ack_over_100ms": sum(1 for i in range(int(window) + 1)
                                                  if worst.get(i, 0.0) > TARGET_P99_MS),
            "client_gc_pauses_ms": {"n": sum(len(r.get("gc_pauses_ms", [])) for r in reports),
                                    "max": max((x for r in reports for x in r.get("gc_pauses_ms", [])), default=0.0)},
            "intervals_s": {"status": args.status_s, "chat": args.chat_s, "control": args.control_s},
            "target": {"clients": 2000, "p99_ms_max": TARGET_P99_MS,
                       "met": bool(args.clients >= 2000 and args.mode == "single" and p99 is not None
                                   and p99 < TARGET_P99_MS and errors_total == 0 and disconnects == 0)}}


def database_cell(s: dict) -> str:
    if not s.get("database"):
        return "–"  # the floor: none
    return f'{"–" if s.get("database_cpu_pct") is None else s["database_cpu_pct"]} ({s["database"]})'


def table(res: dict) -> str:
    rows = [(k, a["n"], a["per_s"], a["p50"], a["p99"], a["max"], sum(a["errors"].values()),
             ", ".join(f"{c}:{v}" for c, v in a["errors"].items()) or "–")
            for k, a in res["acks_ms"].items()]
    out = md_table(["event", "acks", "per s", "p50 ms", "p99 ms", "max ms", "errors", "by code"], rows)
    s, c = res["server"], res["clients"]
    out += "\n\n" + md_table(
        ["mode", "clients", "connected", "rooms", "disconnects", "server CPU %", "CPU ms/ack", "redis CPU %",
         "database CPU %", "RSS MB", "RSS/client KB", "client procs CPU %", "ramp s"],
        [(f'{res["server_kind"]} {res["mode"]}', c["requested"], c["connected_end"], c["rooms"], res["disconnects"],
          f'{s["cpu_pct"]} ({s["cpu_system_pct"]} system)',
          s["cpu_ms_per_ack"], s["redis_cpu_pct"],
          database_cell(s),
          s["rss_end_mb"], s["rss_per_client_kb"],
          c["client_procs_cpu_pct"], res["setup"]["ramp_s"])])
    h = res.get("server_handler_ms", {})
    out += (f"\n\nserver-side handler time (from /metrics): p50 {h.get('p50', '–')}, p99 {h.get('p99', '–')}; "
            f"seconds of the window with an ack over {TARGET_P99_MS:g} ms: {res['seconds_with_an_ack_over_100ms']}"
            f" of {len(res['worst_ack_ms_by_second'])}; the client processes' own collector pauses: "
            f"{res['client_gc_pauses_ms']['n']}, longest {res['client_gc_pauses_ms']['max']} ms")
    m = res["machine"]
    out += f"\n\nloadavg start {m['loadavg_start']} · during {res['loadavg_1m_during']} · nproc {m['nproc']}"
    st = res["setup"]
    out += f" · server CPUs {st.get('server_cpus') or 'any'} · client CPUs {st.get('client_cpus') or 'any'}"
    calls = s.get("redis_calls_per_s")
    if calls:
        out += "\n\nRedis commands per second: " + ", ".join(f"{k} {v}" for k, v in calls.items())
    trips = s.get("redis_round_trips_per_s")
    if trips:
        out += (f"\n\nRedis round trips per second (every server process; counted, so this run's CPU figures "
                f"are not comparable with a plain run's): total {trips['total']}\n")
        out += "\n".join(f"  {n:7.1f}  {source}" for source, n in trips["by_source"].items())
    return out


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clients", type=int, default=2000)
    p.add_argument("--duration", type=float, default=60.0, help="measured window, seconds")
    p.add_argument("--mode", choices=("single", "redis"), default="single")
    p.add_argument("--server", choices=("sharetube", "floor"), default="sharetube",
                   help="floor: the same mix against the bare Flask-SocketIO app (the baseline)")
    p.add_argument("--redis-transport", choices=("tcp", "unix"), default="tcp",
                   help="--mode redis: the processes reach Redis over loopback TCP or a Unix socket")
    p.add_argument("--room-size", type=int, default=5)
    p.add_argument("--procs", type=int, default=2, help="client processes (1–2 on a 2-core box)")
    p.add_argument("--ramp", type=float, default=100.0, help="connections started per second (all procs)")
    p.add_argument("--status-s", type=float, default=2.0)
    p.add_argument("--chat-s", type=float, default=20.0)
    p.add_argument("--control-s", type=float, default=60.0)
    p.add_argument("--setup-timeout", type=float, default=600.0)
    p.add_argument("--profile", default=None, help="directory for py-spy collapsed stacks of the server")
    p.add_argument("--count-round-trips", action="store_true",
                   help="count ShareTube's Redis round trips during the window by the functions that "
                        "made them (tests/bench/round_trips; costs CPU: not for a CPU figure)")
    add_server_options(p)
    p.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite",
                   help="ShareTube's database: SQLite in the work folder (the embedded default), or a private "
                        "PostgreSQL server started for the run (as deployed), its CPU reported beside the server's")
    p.add_argument("--split", choices=("members", "rooms"), default="members",
                   help="two processes: alternate each room's members between them (members, the default: "
                        "every room shared), or keep each room's members on one process, the rooms "
                        "alternating (rooms: what routing by room would do)")
    p.add_argument("--own-cores", default=None, metavar="CPUS",
                   help="each interactive server process on a CPU of its own (process k on the k-th of "
                        "CPUS, e.g. 0,1; one process: the first), Redis and the background process "
                        "unpinned, the client processes spread over every CPU; the one-process run "
                        "takes the same layout, so the two compare. Instead of --server-cpu")
    p.add_argument("--workdir", default=None, help="keep the server folder (logs, database) here")
    p.add_argument("--keep-workdir", action="store_true", help="keep the temporary server folder")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    raise_nofile()
    args = parse_args(argv)
    result, text = asyncio.run(run(args))
    emit_result(result, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
