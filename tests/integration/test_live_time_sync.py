"""time.sync on the real server is precise enough for a client to hold its offset within a few ms."""
from __future__ import annotations

import time

import pytest

from tests.support.cluster import ServerProc
from tests.support.sio import Client

pytestmark = pytest.mark.live


def test_ntp_style_offset_on_loopback_is_within_a_few_ms(tmp_path, fresh_db_url):
    server = ServerProc(tmp_path, fresh_db_url).start()
    try:
        c = Client.guest(server.base_url, "Clock").connect()
        samples = []
        for _ in range(16):
            t0 = time.time() * 1000
            ack = c.call("time.sync", {"client_ms": int(t0)})
            t1 = time.time() * 1000
            samples.append((t1 - t0, ack["server_ms"] - (t0 + t1) / 2))
            time.sleep(0.02)
        samples.sort()
        best_rtt, best_offset = samples[0]
        # Same machine, same clock: the true offset is 0; the estimate must be within a few ms.
        assert best_rtt < 20
        assert abs(best_offset) <= 3, samples[:4]
        c.close()
    finally:
        server.stop()
