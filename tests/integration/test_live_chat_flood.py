"""On the real server (Gunicorn + gevent): one user's chat flood does not delay anyone else."""
from __future__ import annotations

import statistics
import threading
import time

import pytest

from tests.support.cluster import ServerProc
from tests.support.sio import Client, new_room

pytestmark = pytest.mark.live


@pytest.fixture
def server(tmp_path, fresh_db_url):
    proc = ServerProc(tmp_path, fresh_db_url).start()
    yield proc
    proc.stop()


def round_trips(client: Client, n: int) -> list[float]:
    out = []
    for i in range(n):
        t0 = time.perf_counter()
        assert client.call("chat.send", {"text": f"hello {i}"})["ok"]
        out.append((time.perf_counter() - t0) * 1000)
        time.sleep(1.05)  # stay under the 1/s rate limit
    return out


def test_a_flood_from_one_user_does_not_delay_others(server):
    ann = Client.guest(server.base_url, "Ann").connect()
    code = new_room(server.base_url, ann.token)
    ann.join(code)
    spammer = Client.guest(server.base_url, "Spam").connect()
    spammer.join(code)
    baseline = round_trips(ann, 3)
    stop = threading.Event()
    sent = [0]

    def flood():
        while not stop.is_set():
            spammer.sio.emit("chat.send", {"text": "flood"})  # fire and forget, as fast as it can
            sent[0] += 1
            time.sleep(0.001)

    thread = threading.Thread(target=flood, daemon=True)
    thread.start()
    try:
        time.sleep(0.3)
        during = round_trips(ann, 4)
    finally:
        stop.set()
        thread.join()
    assert sent[0] > 1000
    delay = statistics.median(during) - statistics.median(baseline)
    assert delay < 5, f"flood added {delay:.1f} ms (baseline {baseline}, during {during})"
    floods = [m for m in ann.of("chat.message") if m["text"] == "flood"]
    assert len(floods) <= 10  # the burst of 5 (+1/s) got through; the rest was refused
    ann.close()
    spammer.close()
