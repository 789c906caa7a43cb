"""Python's cyclic garbage collector stops the whole process (every greenlet) while it runs: with
thousands of sockets a full collection walks every live object. Each collection is timed into
`sharetube_gc_pause_seconds{generation}` (/metrics), and one over GC_PAUSE_LOG_MS is logged."""
from __future__ import annotations

import gc
import logging
import sys
import time

from server.services import prom

log = logging.getLogger("sharetube.gc")
GC_PAUSE_LOG_MS = 50.0
_started: list[float] = []


def _on_gc(phase: str, info: dict) -> None:
    if phase == "start":
        _started[:] = [time.perf_counter()]
        return
    if not _started:
        return
    ms = (time.perf_counter() - _started[0]) * 1000
    _started.clear()
    generation = info.get("generation", -1)
    prom.GC_PAUSE_SECONDS.labels(str(generation)).observe(ms / 1000)
    if ms >= GC_PAUSE_LOG_MS and not sys.is_finalizing():  # (at exit the log's streams may be closed)
        log.warning("event=gc_pause generation=%s ms=%.0f collected=%s", generation, ms, info.get("collected"))


def install() -> None:
    if _on_gc not in gc.callbacks:
        gc.callbacks.append(_on_gc)
