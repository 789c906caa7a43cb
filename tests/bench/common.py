"""Shared bench helpers: machine facts, percentiles, output (one JSON line + a markdown table),
the open-files limit and CPU/RSS sampling of server processes."""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def machine_facts() -> dict:
    mem = psutil.virtual_memory()
    return {"nproc": os.cpu_count(), "mem_total_mb": mem.total // 2**20, "mem_available_mb": mem.available // 2**20,
            "python": platform.python_version(), "platform": platform.platform(terse=True),
            "started_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "loadavg_start": loadavg()}


def raise_nofile(wanted: int = 65536) -> int:
    """Lift the soft open-files limit towards `wanted` (never above the hard limit); return it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = min(wanted, hard) if hard != resource.RLIM_INFINITY else wanted
    if target > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100) of `values`; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def summary(values: Sequence[float], qs: Iterable[int] = (50, 90, 99)) -> dict:
    out: dict = {"n": len(values)}
    for q in qs:
        v = percentile(values, q)
        out[f"p{q}"] = None if v is None else round(v, 2)
    out["max"] = round(max(values), 2) if values else None
    return out


def ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else round(a / b, 2)


def fmt(v: object) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.1f}" if abs(v) >= 10 else f"{v:.2f}"
    return str(v)


def md_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(fmt(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def emit_result(result: dict, table: str) -> None:
    """The bench's output contract: exactly one JSON line (prefixed for grep), then the table."""
    result["machine"]["loadavg_end"] = loadavg()
    print("BENCH_JSON " + json.dumps(result, sort_keys=True), flush=True)
    print(table, flush=True)


def parse_json_line(stdout: str) -> dict:
    for line in stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line[len("BENCH_JSON "):])
    raise ValueError("no BENCH_JSON line in the output")


@dataclass
class ProcSampler:
    """CPU (cpu_times user+system delta / wall) and RSS of a fixed set of server processes."""

    pids: list[int]
    procs: list[psutil.Process] = field(default_factory=list)
    t0: float = 0.0
    cpu0: float = 0.0
    system0: float = 0.0
    peak_rss: int = 0

    def start(self) -> ProcSampler:
        self.procs = [psutil.Process(p) for p in self.pids]
        self.t0 = time.monotonic()
        self.cpu0, self.system0 = self._times()
        return self

    def _times(self) -> tuple[float, float]:
        """(user + system, system) CPU seconds, summed over the processes."""
        total = system = 0.0
        for p in self.procs:
            try:
                t = p.cpu_times()
                total += t.user + t.system
                system += t.system
            except psutil.Error:
                pass
        return total, system

    def _cpu(self) -> float:
        return self._times()[0]

    def system_percent(self) -> float:
        """The kernel's part of cpu_percent() (system time: syscalls, and on loopback the peer's
        TCP receive work done in the sender's context)."""
        wall = time.monotonic() - self.t0
        return round(100 * (self._times()[1] - self.system0) / wall, 1) if wall > 0 else 0.0

    def rss(self) -> int:
        total = 0
        for p in self.procs:
            try:
                total += p.memory_info().rss
            except psutil.Error:
                pass
        self.peak_rss = max(self.peak_rss, total)
        return total

    def cpu_percent(self) -> float:
        """Share of one core used since start(), summed over the processes (200 = two full cores)."""
        wall = time.monotonic() - self.t0
        return round(100 * (self._cpu() - self.cpu0) / wall, 1) if wall > 0 else 0.0


def self_cpu_seconds(pids: Iterable[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            t = psutil.Process(pid).cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total


@contextmanager
def migrated_app(prefix: str, database_url: str | None = None) -> Iterator:
    """A ShareTube app on a fresh, migrated database (SQLite, WAL, in a temporary folder, unless
    `database_url` names another), inside its app context; the folder is removed afterwards. For
    the benches that time the server's own statements in this process (chat_insert, clock_statements)."""
    from server import create_app
    from server.config import TestConfig
    from server.extensions import db

    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        url = database_url or f"sqlite:///{workdir / 'bench.db'}"
        app = create_app(TestConfig(workdir / "instance", DATABASE_URL=url, AUTO_MIGRATE=True))
        with app.app_context():
            try:
                yield app
            finally:
                db.session.remove()
                db.engine.dispose()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def database_name(database_url: str | None) -> str:
    return "sqlite" if database_url is None else database_url.split(":", 1)[0]


def cpu_us_per_call(fn, calls: int) -> float:
    """This process's CPU time (user + system) per call of `fn`, in µs."""
    start = time.process_time()
    for _ in range(calls):
        fn()
    return (time.process_time() - start) / calls * 1e6


def statement_result(bench: str, args: argparse.Namespace, count: str, **figures: object) -> dict:
    """The JSON result of an in-process statement bench: what ran where, then its `figures`."""
    return {"bench": bench, "machine": machine_facts(), count: getattr(args, count), "rounds": args.rounds,
            "database": database_name(args.database_url), **figures}


def statement_bench_args(doc: str, count: str, default: int) -> argparse.Namespace:
    """The options of the in-process statement benches: `--<count>` calls per round, `--rounds`,
    `--database-url`."""
    p = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument(f"--{count}", type=int, default=default)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--database-url", default=None)
    return p.parse_args()
