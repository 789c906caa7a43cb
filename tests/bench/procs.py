"""Client processes: the bench's clients run in 1–2 separate OS processes (multiprocessing, spawn),
each with its own asyncio loop, driven by the parent over a Pipe with small dict messages."""
from __future__ import annotations

import asyncio
import multiprocessing as mp
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection

import psutil


@dataclass
class Worker:
    index: int
    proc: mp.Process
    conn: Connection

    def send(self, message: dict) -> None:
        self.conn.send(message)

    def recv(self, timeout: float) -> dict:
        if not self.conn.poll(timeout):
            raise TimeoutError(f"client process {self.index} did not answer in {timeout:.0f}s")
        return self.conn.recv()

    def cpu_seconds(self) -> float:
        try:
            t = psutil.Process(self.proc.pid).cpu_times()
            return t.user + t.system
        except psutil.Error:
            return 0.0

    def stop(self, timeout: float = 15) -> None:
        try:
            self.send({"op": "stop"})
        except (BrokenPipeError, OSError):
            pass
        self.proc.join(timeout)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(5)


def spawn(target: Callable, jobs: list[dict]) -> list[Worker]:
    """Start one process per job: target(conn, job) runs in a fresh interpreter."""
    ctx = mp.get_context("spawn")
    workers = []
    for i, job in enumerate(jobs):
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=target, args=(child, job), name=f"bench-clients-{i}", daemon=True)
        proc.start()
        workers.append(Worker(i, proc, parent))
    return workers


def gather(workers: list[Worker], timeout: float) -> list[dict]:
    """One answer from every worker (each within what is left of `timeout`)."""
    deadline = time.monotonic() + timeout
    return [w.recv(max(0.1, deadline - time.monotonic())) for w in workers]


def split(items: list, parts: int) -> list[list]:
    parts = max(1, min(parts, len(items))) if items else 1
    return [items[i::parts] for i in range(parts)]


async def next_message(conn: Connection) -> dict:
    """Await the parent's next message without blocking the loop."""
    loop = asyncio.get_running_loop()
    while True:
        if await loop.run_in_executor(None, conn.poll, 0.2):
            return conn.recv()
