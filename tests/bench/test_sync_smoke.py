"""The sync_accuracy bench still runs end to end (figures not asserted), and its delay proxy delays.

The bench runs as a subprocess in its shortest form: 3 Chromium viewers, `--quick`, the skewed
scenario (which also covers the plain viewers, the owner's commands, the probes and the samples).
The delay proxy is checked on its own against a loopback echo server.
"""
from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.bench.common import ROOT, parse_json_line
from tests.bench.delay_proxy import DelayProxy

pytestmark = [pytest.mark.live, pytest.mark.e2e, pytest.mark.timeout(90)]

SYNC = ["-m", "tests.bench.sync_accuracy", "--quick", "--viewers", "3", "--scenario", "skewed",
        "--duration", "3"]
MACHINE_KEYS = {"nproc", "mem_total_mb", "python", "loadavg_start", "loadavg_end"}


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs /usr/bin/chromium")
def test_sync_accuracy_quick_prints_its_json_line() -> None:
    t0 = time.monotonic()
    proc = subprocess.run([sys.executable, *SYNC], cwd=ROOT, capture_output=True, text=True, timeout=80)
    print(f"sync bench took {time.monotonic() - t0:.1f}s\n{proc.stderr[-1500:]}")
    assert proc.returncode == 0, f"bench failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    result = parse_json_line(proc.stdout)
    assert result["bench"] == "sync_accuracy"
    assert MACHINE_KEYS <= set(result["machine"])
    s = result["scenarios"]["skewed"]
    assert "error" not in s, s.get("trace")
    assert [v["kind"] for v in s["viewers"]] == ["normal", "normal", "skewed"]
    assert {"steady", "starts", "seeks", "summary", "members", "special", "loadavg_start", "loadavg_end"} <= set(s)
    assert s["steady"]["ticks"] > 0 and {"p50", "p95", "max"} <= set(s["steady"]["spread_ms"])
    assert {"offset_p95_ms", "start_spread_ms", "converge_after_seek_ms", "converge_after_play_ms",
            "on_clock_after_seek_ms", "start_vs_anchor_ms", "missed_holds"} <= set(s["summary"])
    # The skew is what the bench says it is (a set-up fact, not a figure).
    special = s["special"]
    assert special["kind"] == "skewed" and special["after"]["worker_skew_ms"] == 3000
    assert abs(special["content"]["content_date_minus_page_clock_ms"] - 3000) < 50
    assert "| skewed |" in proc.stdout


def test_delay_proxy_adds_its_round_trip_and_keeps_order() -> None:
    async def run() -> tuple[list[float], bytes, dict]:
        async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            while data := await reader.read(1024):
                writer.write(data)
                await writer.drain()
            writer.close()

        server = await asyncio.start_server(echo, "127.0.0.1", 0)
        proxy = await DelayProxy("127.0.0.1", server.sockets[0].getsockname()[1], delay_ms=40).start()
        reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
        rtts = []
        for i in range(3):
            t = time.monotonic()
            writer.write(b"%d" % i)
            await reader.read(16)
            rtts.append((time.monotonic() - t) * 1000)
        for chunk in (b"a", b"b", b"c"):  # pipelined: sent 5 ms apart, back in order
            writer.write(chunk)
            await asyncio.sleep(0.005)
        got = b""
        while len(got) < 3:
            got += await reader.read(16)
        writer.close()
        stats = proxy.stats()
        await proxy.stop()
        server.close()
        return rtts, got, stats

    rtts, got, stats = asyncio.run(run())
    assert min(rtts) >= 79, rtts  # 2 × 40 ms
    assert got == b"abc"
    assert stats["connections"] == 1 and stats["client_to_server"]["chunks"] >= 6


def test_sync_accuracy_takes_page_variants_by_name() -> None:
    from tests.bench.sync_accuracy import parse_args

    assert parse_args(["--variants", "default,theater,ad_second_video"]).variants == "default,theater,ad_second_video"
    assert parse_args([]).variants == "default"
    with pytest.raises(SystemExit):
        parse_args(["--variants", "default,no_such_page"])
