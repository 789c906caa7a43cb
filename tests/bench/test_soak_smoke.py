"""The soak bench's one-minute run (issue 14): traffic across a kill -9 of an interactive worker and
a Redis restart (and a PostgreSQL restart when the suite runs on PostgreSQL). No room may be lost
and no request may fail with an internal error; RSS and fds are printed, not asserted (one
minute is too short for a growth figure)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.bench.common import ROOT, parse_json_line

pytestmark = [pytest.mark.live, pytest.mark.redis, pytest.mark.timeout(300)]


def test_one_minute_soak_loses_no_room_and_answers_no_internal_error() -> None:
    argv = ["-m", "tests.bench.soak", "--clients", "30", "--duration", "60", "--interval", "2", "--sample-s", "5"]
    if os.environ.get("SHARETUBE_TEST_DB") == "postgres":
        argv.append("--postgres")
    proc = subprocess.run([sys.executable, *argv], cwd=ROOT, capture_output=True, text=True, timeout=280)
    assert proc.returncode == 0, f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    result = parse_json_line(proc.stdout)
    print(proc.stdout.split("\n", 1)[1])
    assert [e["what"].split()[0] for e in result["disruptions"]][:2] == ["kill", "Redis"]
    assert result["rooms_lost"] == 0
    assert result["internal_acks"] == 0, result["acks"]
    if result["database"] == "sqlite":
        assert result["health_5xx"] == 0, result["health"]
    assert result["reconnects"] > 0  # the killed worker's clients came back
    assert sum(v for k, v in result["acks"].items() if k.endswith(":ok")) > 500
