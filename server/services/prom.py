"""Prometheus metrics (prometheus_client), multiprocess-safe when PROMETHEUS_MULTIPROC_DIR is set
(gunicorn.conf.py sets it, so every worker of both pools adds up in one /metrics)."""
from __future__ import annotations

import os
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

MULTIPROC = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
_gauge_mode: dict[str, Any] = {"multiprocess_mode": "livesum"} if MULTIPROC else {}
_gauge_max: dict[str, Any] = {"multiprocess_mode": "max"} if MULTIPROC else {}

EVENTS = Counter("sharetube_events_total", "Socket events handled", ["event"])
ERRORS = Counter("sharetube_event_errors_total", "Socket events refused or failed", ["code"])
ACK_SECONDS = Histogram("sharetube_ack_seconds", "Time from receiving an event to its ack",
                        buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5))
SOCKETS = Gauge("sharetube_sockets", "Connected sockets", **_gauge_mode)
ROOMS_ACTIVE = Gauge("sharetube_rooms_active", "Rooms with someone connected", **_gauge_max)
TASK_RUNS = Counter("sharetube_background_task_runs_total", "Background task runs", ["task"])
TASK_LAG = Gauge("sharetube_background_task_lag_seconds", "How late a background task started", ["task"],
                 **_gauge_max)
GC_PAUSE_SECONDS = Histogram("sharetube_gc_pause_seconds", "Pauses of Python's cyclic garbage collector",
                             ["generation"], buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0))
TASK_FAILURES = Counter("sharetube_background_task_failures_total", "Background task failures", ["task"])
PUBLISH_DROPPED = Counter("sharetube_broadcast_publish_dropped_total",
                          "Messages to the other processes not published (Redis away)", ["reason"])


def exposition() -> tuple[bytes, str]:
    if MULTIPROC:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST
