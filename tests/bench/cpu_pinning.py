"""`--server-cpu`: the server on its own core(s), the client processes (and this orchestrator) on
the others, with `taskset` — so a figure taken on a shared 2-core box says what one server core
does, not how the scheduler happened to share two cores between the server and its clients."""
from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass


@dataclass(frozen=True)
class Pinning:
    server: str | None = None  # taskset CPU list for the server processes (and Redis)
    clients: str | None = None  # for the client processes and the orchestrator

    def prefix(self) -> list[str]:
        """Put in front of a server's command line (its workers inherit the affinity)."""
        return ["taskset", "-c", self.server] if self.server else []

    def pin_clients(self, pids: list[int]) -> None:
        """Move running client processes (every thread) onto the clients' cores."""
        if self.clients:
            for pid in pids:
                subprocess.run(["taskset", "-a", "-p", "-c", self.clients, str(pid)], check=True,
                               capture_output=True)

    def facts(self) -> dict:
        return {"server_cpus": self.server, "client_cpus": self.clients}


def parse_cpus(spec: str) -> list[int]:
    cpus: list[int] = []
    for part in spec.split(","):
        lo, _, hi = part.strip().partition("-")
        cpus += list(range(int(lo), int(hi or lo) + 1))
    return cpus


def pinning(server_cpu: str | None) -> Pinning:
    """`--server-cpu 0` → server on CPU 0, clients on every other CPU this process may use.
    None: no pinning. Pins the orchestrator at once (its owner clients measure too)."""
    if not server_cpu:
        return Pinning()
    if shutil.which("taskset") is None:
        raise SystemExit("--server-cpu needs taskset (util-linux)")
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
