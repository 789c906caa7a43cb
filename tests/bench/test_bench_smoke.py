"""The benches still run end to end against the real server (tiny sizes; figures not asserted).

fanout (N=5, 3 commands, ShareTube + floor, raw receivers, server pinned to CPU 0) and capacity
(10 clients, 5 s) run side by side as subprocesses, each printing one BENCH_JSON line whose keys
are checked here.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from tests.bench.common import ROOT, parse_json_line

pytestmark = [pytest.mark.live, pytest.mark.timeout(120)]

# the raw receivers (tests/bench/raw_receiver.py) and CPU pinning are the newer, riskier paths
FANOUT = ["-m", "tests.bench.fanout", "--clients", "5", "--commands", "3", "--procs", "1", "--receivers", "raw",
          "--server-cpu", "0"]
CAPACITY = ["-m", "tests.bench.capacity", "--clients", "10", "--duration", "5", "--procs", "1"]
MACHINE_KEYS = {"nproc", "mem_total_mb", "python", "loadavg_start", "loadavg_end"}


def run_both() -> tuple[dict, dict, float]:
    t0 = time.monotonic()
    procs = [subprocess.Popen([sys.executable, *argv], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for argv in (FANOUT, CAPACITY)]
    outs = []
    for p in procs:
        try:
            out, err = p.communicate(timeout=100)
        except subprocess.TimeoutExpired:
            for q in procs:
                q.kill()
            raise
        assert p.returncode == 0, f"bench failed ({p.returncode}):\n{out[-3000:]}\n{err[-3000:]}"
        outs.append(parse_json_line(out))
    return outs[0], outs[1], time.monotonic() - t0


def test_fanout_and_capacity_print_their_json_line() -> None:
    fanout, capacity, elapsed = run_both()
    print(f"benches took {elapsed:.1f}s")

    assert fanout["bench"] == "fanout"
    assert MACHINE_KEYS <= set(fanout["machine"])
    assert {"results", "ratio_sharetube_over_floor", "target", "setup"} <= set(fanout)
    assert {r["target"] for r in fanout["results"]} == {"sharetube", "floor"}
    for r in fanout["results"]:
        assert {"n", "joined", "setup_complete", "last_ms", "ack_ms", "incomplete", "disconnects",
                "server_cpu_pct", "join_mb_received", "server_log"} <= set(r)
        assert r["setup_complete"] is True
        assert {"p50", "p90", "p99", "max", "n"} <= set(r["last_ms"])
        assert r["n"] == 5 and r["commands"] == 3
        assert r["incomplete"] == 0, "every receiver timestamped every command's room.playback"
    assert fanout["setup"]["receivers"] == "raw" and fanout["setup"]["server_cpus"] == "0"
    assert fanout["ratio_sharetube_over_floor"][0]["n"] == 5

    assert capacity["bench"] == "capacity" and capacity["mode"] == "single"
    assert MACHINE_KEYS <= set(capacity["machine"])
    assert {"status", "chat", "control", "overall"} <= set(capacity["acks_ms"])
    assert {"p50", "p99", "n", "per_s", "errors"} <= set(capacity["acks_ms"]["overall"])
    assert {"errors_total", "disconnects", "server", "clients", "setup", "server_handler_ms",
            "worst_ack_ms_by_second"} <= set(capacity)
    assert {"cpu_pct", "cpu_ms_per_ack", "rss_end_mb", "rss_per_client_kb"} <= set(capacity["server"])
    assert capacity["clients"]["requested"] == 10


@pytest.mark.parametrize("bench, argv, key, ways", [
    ("chat_insert", ["--lines", "20"], "cpu_us_per_line", None),
    ("clock_statements", ["--calls", "20"], "cpu_us_per_call", {"built each call", "server"}),
])
def test_statement_benches_print_their_json_line(bench: str, argv: list[str], key: str, ways: set | None) -> None:
    out = subprocess.run([sys.executable, "-m", f"tests.bench.{bench}", *argv, "--rounds", "1"],
                         cwd=ROOT, capture_output=True, text=True, timeout=100)
    assert out.returncode == 0, out.stderr[-3000:]
    result = parse_json_line(out.stdout)
    assert result["bench"] == bench and MACHINE_KEYS <= set(result["machine"])
    if ways is None:  # chat_insert: one figure per way
        assert set(result[key]) == {"orm", "insert_line"}
        figures = list(result[key].values())
    else:  # clock_statements: per statement, one figure per way
        assert len(result[key]) == 5 and all(set(w) == ways for w in result[key].values())
        figures = [v for w in result[key].values() for v in w.values()]
    assert all(len(v) == 1 and v[0] > 0 for v in figures)



# `--own-cores 0,1` (each interactive process on a core of its own, the clients spread) rides on the
# two two-process smokes below, one for the floor's cluster and one for ShareTube's pools
OWN_CORES = ["--own-cores", "0,1"] if len(os.sched_getaffinity(0)) >= 2 else []


def assert_own_cores(res: dict) -> None:
    """What the kernel has, not what was asked: interactive process k on CPU k, the other server
    processes and Redis unpinned, the two client processes one on each CPU."""
    if not OWN_CORES:
        return
    every = sorted(os.sched_getaffinity(0))
    layout = res["setup"]["affinity"]
    assert layout["interactive"] == [[0], [1]], layout
    assert all(cpus == every for cpus in layout["other_server"] + layout["redis"]), layout
    assert layout["clients"] == [[0], [1]], layout


FLOOR_REDIS = ["-m", "tests.bench.capacity", "--server", "floor", "--mode", "redis", "--clients", "10",
               "--duration", "4", "--procs", "2", "--chat-s", "1", "--control-s", "2", *OWN_CORES]


def test_capacity_floor_shares_its_rooms_through_redis() -> None:
    """capacity's baseline for the two-process ratio: two floor processes behind one Redis, each room's
    members alternating between them. Every chat line must reach all five members (most of them on the
    other process), or the floor would be cheaper than a real two-process room."""
    out = subprocess.run([sys.executable, *FLOOR_REDIS], cwd=ROOT, capture_output=True, text=True, timeout=100)
    assert out.returncode == 0, f"bench failed ({out.returncode}):\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
    res = parse_json_line(out.stdout)
    assert res["server_kind"] == "floor" and res["mode"] == "redis"
    assert res["errors_total"] == 0 and res["disconnects"] == 0
    assert res["server"]["processes"] == 2 and res["server"]["redis_cpu_pct"] is not None
    chats = res["acks_ms"]["chat"]["n"]
    assert chats >= 20, res["acks_ms"]
    received = res["received_per_s"].get("chat.message", 0) * res["window_s"]
    assert received >= 0.8 * 5 * chats, f"{received:.0f} chat lines received for {chats} sent to rooms of 5"
    assert res["received_per_s"].get("room.playback", 0) > 0
    assert_own_cores(res)


# on the suite's PostgreSQL pass, ShareTube runs on a private PostgreSQL (`--database postgresql`), as the soak does
ON_POSTGRES = os.environ.get("SHARETUBE_TEST_DB") == "postgres"
ROUND_TRIPS = ["-m", "tests.bench.capacity", "--mode", "redis", "--clients", "10", "--duration", "4", "--procs", "2",
               "--chat-s", "1", "--count-round-trips", *OWN_CORES,
               "--database", "postgresql" if ON_POSTGRES else "sqlite"]


def test_capacity_counts_the_servers_redis_round_trips_by_source() -> None:
    """`--count-round-trips`: the shim in the server's processes counts every Redis round trip by
    the server functions that made it; chat lines in the window show as their rate limit's."""
    out = subprocess.run([sys.executable, *ROUND_TRIPS], cwd=ROOT, capture_output=True, text=True, timeout=100)
    assert out.returncode == 0, f"bench failed ({out.returncode}):\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
    res = parse_json_line(out.stdout)
    trips = res["server"]["redis_round_trips_per_s"]
    assert trips["total"] > 0 and trips["total"] >= max(trips["by_source"].values())
    assert any(source.startswith("request_limits.py:hit") and "chat.py:chat_send" in source and rate > 0
               for source, rate in trips["by_source"].items()), trips
    assert "Redis round trips per second" in out.stdout
    assert_own_cores(res)
    assert len(res["setup"]["affinity"]["other_server"]) == 1  # the background process
    if ON_POSTGRES:  # the database's backends did the chat lines' INSERTs: their CPU is counted
        assert res["server"]["database"] == "postgresql" and res["server"]["database_cpu_pct"] > 0, res["server"]
    else:
        assert res["server"]["database"] == "sqlite" and res["server"]["database_cpu_pct"] is None


def test_redis_call_cost_prints_each_call_beside_the_floor() -> None:
    out = subprocess.run([sys.executable, "-m", "tests.bench.redis_call_cost", "--calls", "50", "--gevent"],
                         cwd=ROOT, capture_output=True, text=True, timeout=100)
    assert out.returncode == 0, out.stderr[-3000:]
    res = parse_json_line(out.stdout)
    assert res["bench"] == "redis_call_cost" and MACHINE_KEYS <= set(res["machine"]) and res["gevent"] is True
    assert len(res["results"]) == 5 and all(v["cpu_us"] > 0 for v in res["results"].values())
    assert res["ratio_over_floor"]["floor: PING on a bare socket"] == 1.0
