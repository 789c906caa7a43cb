"""The abuse bench still runs end to end (quick sizes; its figures are printed, not asserted,
except the few outcomes that are the point of issue 14 and do not depend on machine speed)."""
from __future__ import annotations

import subprocess
import sys

import pytest

from tests.bench.common import ROOT, parse_json_line

pytestmark = [pytest.mark.live, pytest.mark.timeout(180)]


def test_abuse_bench_quick_run_prints_its_json_line() -> None:
    proc = subprocess.run([sys.executable, "-m", "tests.bench.abuse", "--quick", "--bystanders", "2"], cwd=ROOT,
                          capture_output=True, text=True, timeout=170)
    assert proc.returncode == 0, f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    result = parse_json_line(proc.stdout)
    print(proc.stdout.split("\n", 1)[1])
    assert result["bench"] == "abuse" and {"nproc", "loadavg_start", "loadavg_end"} <= set(result["machine"])
    floods = {r["flood"]: r for r in result["results"]}
    for r in floods.values():
        assert {"p50", "p99", "max", "n"} <= set(r["others_time_sync_ms"])
    assert floods["/join/<code> probing, 1 address"]["outcomes"].get("429", 0) > 0
    assert floods["chat.send, 1 member"]["outcomes"].get("rate_limited", 0) > 0
    reports = floods["player reports (owner_only room)"]
    assert reports["duration_1ms_accepted"] is False and reports["skipped_by_participant"] is False
    assert reports["start_lead_ms_after_rtt_claim_120s"] <= 3_000
    assert floods["join/leave cycling"]["system_lines_seen"] <= 2
    for name in ("seeks, 1 member without control", "seeks, 1 member with control"):
        assert floods[name]["outcomes"].get("rate_limited", 0) > 0, name
