"""`--server-cpu`: the server on its own core(s), the client processes (and this orchestrator) on
the others, with `taskset` — so a figure taken on a shared 2-core box says what one server core
does, not how the scheduler happened to share two cores between the server and its clients.

`--own-cores`: each interactive server process on a core of its own (process k on the k-th CPU
listed), as a deployment runs them; Redis, the background process and this orchestrator unpinned,
and the client processes spread evenly over every CPU. The one-process run takes the same layout
(its server on the first CPU listed, the clients spread the same way), so on a 2-core box the
two runs compare: in both, each server process shares its core with the same share of clients."""
from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass


@dataclass(frozen=True)
class Pinning:
    server: str | None = None  # taskset CPU list for the server processes (and Redis)
    clients: str | None = None  # for the client processes and the orchestrator
    own: tuple[str, ...] = ()  # `--own-cores`: the k-th interactive server process's CPU
    spread: tuple[str, ...] = ()  # `--own-cores`: client process i goes on spread[i % len]

    def prefix(self) -> list[str]:
        """Put in front of a server's command line (its workers inherit the affinity)."""
        return ["taskset", "-c", self.server] if self.server else []

    def process_prefixes(self) -> list[list[str]] | None:
        """`--own-cores`: one prefix per interactive server process, in order; else None."""
        return [["taskset", "-c", cpu] for cpu in self.own] or None

    def pin_clients(self, pids: list[int]) -> None:
        """Move running client processes (every thread) onto the clients' cores."""
        for i, pid in enumerate(pids):
            cpus = self.spread[i % len(self.spread)] if self.spread else self.clients
            if cpus:
                subprocess.run(["taskset", "-a", "-p", "-c", cpus, str(pid)], check=True, capture_output=True)

    def facts(self) -> dict:
        if self.own:
            return {"server_cpus": "one each: " + ",".join(self.own),
                    "client_cpus": "spread: " + ",".join(self.spread)}
        return {"server_cpus": self.server, "client_cpus": self.clients}


def parse_cpus(spec: str) -> list[int]:
    cpus: list[int] = []
    for part in spec.split(","):
        lo, _, hi = part.strip().partition("-")
        cpus += list(range(int(lo), int(hi or lo) + 1))
    return cpus


def _need_taskset(option: str) -> None:
    if shutil.which("taskset") is None:
        raise SystemExit(f"{option} needs taskset (util-linux)")


def own_cores(spec: str) -> Pinning:
    """`--own-cores 0,1` → interactive server process k on the k-th CPU listed (a single process:
    the first), the client processes spread over every CPU this process may use."""
    _need_taskset("--own-cores")
    available = sorted(os.sched_getaffinity(0))
    own = parse_cpus(spec)
    if not own or not set(own) <= set(available) or len(set(own)) != len(own):
        raise SystemExit(f"--own-cores {spec}: wants distinct CPUs from {available}")
    return Pinning(own=tuple(map(str, own)), spread=tuple(map(str, available)))


def pinning(server_cpu: str | None, own: str | None = None) -> Pinning:
    """`--server-cpu 0` → server on CPU 0, clients on every other CPU this process may use.
    None: no pinning. Pins the orchestrator at once (its owner clients measure too)."""
    if own:
        if server_cpu:
            raise SystemExit("--server-cpu and --own-cores are two layouts: give one")
        return own_cores(own)
    if not server_cpu:
        return Pinning()
    _need_taskset("--server-cpu")
    available = sorted(os.sched_getaffinity(0))
    server = parse_cpus(server_cpu)
    if not set(server) <= set(available):
        raise SystemExit(f"--server-cpu {server_cpu}: CPUs {server} not all in {available}")
    clients = [c for c in available if c not in server]
    if not clients:
        raise SystemExit(f"--server-cpu {server_cpu} leaves no CPU for the clients (available {available})")
    pins = Pinning(",".join(map(str, server)), ",".join(map(str, clients)))
    pins.pin_clients([os.getpid()])
    return pins
