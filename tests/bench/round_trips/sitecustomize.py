"""Loaded by the server's processes only when the capacity bench runs with `--count-round-trips`
(its directory is put first on PYTHONPATH): counts every Redis round trip (redis-py's
`send_packed_command`: one per command, or one per pipeline) by the server functions that led
to it, and writes the counts to $ST_ROUND_TRIPS_DIR/rt-<pid>.json about once a second. The
stack walk costs CPU: a counting run's CPU figures are not comparable with a plain run's."""
from __future__ import annotations

import collections
import json
import os
import sys
import time

OUT_DIR = os.environ.get("ST_ROUND_TRIPS_DIR", "")
DEPTH = 4  # server frames named per round trip


def _install() -> None:
    try:
        import redis.connection as connection
    except ImportError:
        return
    state: dict = {"counts": collections.Counter(), "written": 0.0}
    os.register_at_fork(after_in_child=lambda: state.update(counts=collections.Counter(), written=0.0))
    original = connection.AbstractConnection.send_packed_command

    def send_packed_command(self, command, check_health=True):
        frame, names = sys._getframe(1), []
        while frame is not None and len(names) < DEPTH:
            path = frame.f_code.co_filename
            if "/server/" in path:
                names.append(f"{path.rsplit('/', 1)[-1]}:{frame.f_code.co_name}")
            frame = frame.f_back
        state["counts"][" < ".join(names) or "(outside server/)"] += 1
        now = time.time()
        if now - state["written"] >= 1.0:
            state["written"] = now
            _write(now, state["counts"])
        return original(self, command, check_health)

    connection.AbstractConnection.send_packed_command = send_packed_command


def _write(now: float, counts: collections.Counter) -> None:
    path = os.path.join(OUT_DIR, f"rt-{os.getpid()}.json")
    try:
        with open(path + ".tmp", "w") as fh:
            json.dump({"t": now, "counts": dict(counts)}, fh)
        os.replace(path + ".tmp", path)
    except OSError:
        pass


if OUT_DIR:
    _install()
