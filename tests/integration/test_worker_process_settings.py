"""What server/wsgi.py sets up in each Gunicorn worker for thousands of sockets (issue 15): no
greenlet spawning trees, the start-up heap frozen out of the cyclic collector, full collections
rare — and every collector pause timed (server/services/gc_watch.py)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import gc, json
import server.wsgi
from gevent import config
print(json.dumps({"threshold": gc.get_threshold(), "frozen": gc.get_freeze_count(),
                  "tree": bool(config.track_greenlet_tree),
                  "watched": any(cb.__module__ == "server.services.gc_watch" for cb in gc.callbacks)}))
"""


def test_the_wsgi_module_tunes_the_worker_for_many_sockets(tmp_path):
    env = {**os.environ, "INSTANCE_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'w.db'}",
           "AUTO_MIGRATE": "true", "RUN_SCHEDULER": "false", "SHARETUBE_LOG_STDOUT": "0"}
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    facts = json.loads(out.stdout.strip().splitlines()[-1])
    assert facts["threshold"] == [50_000, 20, 10]
    assert facts["frozen"] > 50_000, "the start-up heap (modules, metadata, the app) is frozen"
    assert facts["tree"] is False
    assert facts["watched"]


def test_building_an_app_alone_does_not_watch_the_collector(tmp_path):
    """The watch belongs to a serving process (server/wsgi.py); a process that only builds apps
    (tests, the CLI) keeps its collections to itself."""
    probe = ("import gc, json\nfrom server import create_app\ncreate_app()\n"
             "print(json.dumps(any(cb.__module__ == 'server.services.gc_watch' for cb in gc.callbacks)))")
    env = {**os.environ, "INSTANCE_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'w.db'}",
           "AUTO_MIGRATE": "true", "RUN_SCHEDULER": "false", "SHARETUBE_LOG_STDOUT": "0"}
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "false"


def test_a_long_collector_pause_is_timed_and_logged(caplog, monkeypatch):
    import gc

    from server.services import gc_watch, prom
    monkeypatch.setattr(gc_watch, "GC_PAUSE_LOG_MS", 0.0)
    gc_watch.install()
    before = prom.GC_PAUSE_SECONDS.labels("2")._sum.get()
    try:
        with caplog.at_level("WARNING", logger="sharetube.gc"):
            gc.collect(2)
    finally:
        gc.callbacks.remove(gc_watch._on_gc)  # the test process does not watch itself afterwards
    assert prom.GC_PAUSE_SECONDS.labels("2")._sum.get() > before
    assert any("event=gc_pause generation=2" in r.getMessage() for r in caplog.records)


def gunicorn_conf(tmp_path, monkeypatch) -> dict:
    """gunicorn.conf.py's names (its worker class, SocketReader, …), loaded as Gunicorn loads the
    file. It sets environment variables for the worker processes; they are put back afterwards (a
    later test's subprocess must not inherit a prometheus folder that tmp_path has since removed)."""
    import runpy

    monkeypatch.setenv("INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("SHARETUBE_POOL", "single")
    for name in ("PROMETHEUS_MULTIPROC_DIR", "BACKGROUND_TASK_SLOTS"):
        monkeypatch.setenv(name, "")  # (so monkeypatch remembers them as they were, set or not)
        monkeypatch.delenv(name)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def gunicorn_worker_class(tmp_path, monkeypatch):
    return gunicorn_conf(tmp_path, monkeypatch)["worker_class"]


def test_a_connection_keeps_a_small_read_buffer(tmp_path, monkeypatch):
    """Gunicorn's worker is gevent-websocket's with a handler whose request reader buffers
    READ_BUFFER_BYTES (1 KiB), not Python's default 8 KiB: pywsgi keeps that reader for a
    websocket's whole life, the largest single thing a connected client cost. It still reads a
    request, however long its headers."""
    import socket

    from geventwebsocket.gunicorn.workers import GeventWebSocketWorker

    worker = gunicorn_worker_class(tmp_path, monkeypatch)
    assert issubclass(worker, GeventWebSocketWorker)
    a, b = socket.socketpair()
    try:
        handler = worker.wsgi_handler(a, ("127.0.0.1", 1), None)
        default = a.makefile("rb", -1)
        assert sys.getsizeof(default) - sys.getsizeof(handler.rfile) >= 7 * 1024  # the buffer is inside
        long_header = "X-Long: " + "y" * 5000
        b.sendall(f"GET /socket.io/ HTTP/1.1\r\nHost: h\r\n{long_header}\r\n\r\n".encode())
        assert handler.rfile.readline() == b"GET /socket.io/ HTTP/1.1\r\n"
        assert handler.rfile.readline() == b"Host: h\r\n"
        assert handler.rfile.readline().decode().rstrip() == long_header
        default.close()
    finally:
        a.close()
        b.close()


def test_an_upgraded_connection_drops_its_parsed_request_headers(tmp_path, monkeypatch):
    """Once a connection is a websocket, its handler no longer holds the parsed request headers
    (an email Message, ~1.6 KB per connected client); the environ the application reads keeps them."""
    import io
    import socket
    from types import SimpleNamespace

    from gevent.pywsgi import headers_factory

    worker = gunicorn_worker_class(tmp_path, monkeypatch)
    seen: list = []
    a, b = socket.socketpair()
    try:
        handlers = []
        for _ in range(2):
            handler = worker.wsgi_handler(a, ("127.0.0.1", 1), SimpleNamespace(clients={}))
            handler.headers = headers_factory(io.BytesIO(b"Upgrade: websocket\r\nUser-Agent: x\r\n\r\n"))
            handler.environ = {"HTTP_UPGRADE": "websocket", "HTTP_USER_AGENT": "x"}
            handler.websocket = SimpleNamespace(closed=True)
            handler.application = lambda environ, start, h=handler: seen.append(
                (len(h.headers), h.headers.get("Upgrade"), dict(environ))) or []
            handler.run_websocket()
            handlers.append(handler)
    finally:
        a.close()
        b.close()
    assert [s[:2] for s in seen] == [(0, None), (0, None)]  # nothing parsed kept while it runs
    assert seen[0][2]["HTTP_USER_AGENT"] == "x" and seen[0][2]["HTTP_UPGRADE"] == "websocket"
    assert handlers[0].headers is handlers[1].headers  # one shared empty set, not one per connection


def test_an_upgraded_connection_calls_the_flask_apps_wsgi_app_directly(tmp_path, monkeypatch):
    """A websocket's reader greenlet saves its C stack each time it waits: Flask's __call__ (only
    `self.wsgi_app(environ, start_response)`) is skipped, one interpreter level less to save."""
    import socket
    from types import SimpleNamespace

    worker = gunicorn_worker_class(tmp_path, monkeypatch)
    calls: list[str] = []

    class FlaskLike:
        def __call__(self, environ, start):
            calls.append("__call__")
            return self.wsgi_app(environ, start)

        def wsgi_app(self, environ, start):
            calls.append("wsgi_app")
            return []

    a, b = socket.socketpair()
    try:
        handler = worker.wsgi_handler(a, ("127.0.0.1", 1), SimpleNamespace(clients={}))
        handler.headers, handler.environ = {}, {}
        handler.websocket = SimpleNamespace(closed=True)
        handler.application = FlaskLike()
        handler.run_websocket()
    finally:
        a.close()
        b.close()
    assert calls == ["wsgi_app"]


def test_a_socket_reader_returns_exactly_what_is_asked_and_holds_nothing_while_idle(tmp_path, monkeypatch):
    """`read(n)` is a file's read over the socket: the next n bytes whatever the client's sends
    were cut into, a large read across many receives, fewer bytes only at the end; between frames
    nothing is held."""
    import socket
    import threading

    reader_class = gunicorn_conf(tmp_path, monkeypatch)["SocketReader"]
    a, b = socket.socketpair()
    try:
        reader = reader_class(a.recv, b"\x81")  # a byte the buffered reader held
        b.sendall(b"\x05hel")
        b.sendall(b"lo")
        assert reader.read(2) == b"\x81\x05"
        assert reader.read(5) == b"hello"
        assert reader._pending == b""  # read exactly what came: nothing kept
        b.sendall(b"ab" + b"cd")  # two small frames in one receive: the second waits in pending
        assert reader.read(2) == b"ab"
        assert reader._pending == b"cd"
        assert reader.read(2) == b"cd"
        big = bytes(range(256)) * 400  # 100 KiB: many receives
        sender = threading.Thread(target=b.sendall, args=(big,))
        sender.start()
        assert reader.read(len(big)) == big
        sender.join()
        b.sendall(b"xyz")
        b.shutdown(socket.SHUT_WR)
        assert reader.read(10) == b"xyz"  # the connection ended: what there was
        assert reader.read(2) == b""
    finally:
        a.close()
        b.close()


def test_what_the_buffered_reader_held_past_the_request_is_taken_without_waiting(tmp_path, monkeypatch):
    """A client may send its first frame right behind the upgrade request: the buffered reader read
    it with the request, so the websocket's reader starts with it. With nothing there, the look
    returns at once (it must not wait for the client) and the socket's timeout is put back."""
    import gevent.socket

    conf = gunicorn_conf(tmp_path, monkeypatch)
    take_buffered = conf["take_buffered"]
    a, b = gevent.socket.socketpair()  # the worker's sockets are gevent's
    try:
        rfile = a.makefile("rb", conf["READ_BUFFER_BYTES"])
        b.sendall(b"GET / HTTP/1.1\r\n\r\n\x81\x02hi")
        assert rfile.readline() == b"GET / HTTP/1.1\r\n" and rfile.readline() == b"\r\n"
        a.settimeout(7.5)
        assert take_buffered(rfile, a) == b"\x81\x02hi"
        assert a.gettimeout() == 7.5
        assert take_buffered(rfile, a) == b""  # nothing held, nothing sent: no wait
        b.sendall(b"\x81\x01z")  # sent later: in the socket, for the reader, not in the buffer
        assert a.recv(16) == b"\x81\x01z"
    finally:
        a.close()
        b.close()


def test_an_upgraded_connection_reads_its_frames_from_the_socket_and_frees_the_buffer(tmp_path, monkeypatch):
    """Once upgraded, the websocket's frames are read by a SocketReader, starting with any bytes the
    buffered reader held; the buffered reader is closed (its 1 KiB freed for the connection's life)."""
    import io
    import os

    import gevent.socket
    from gevent.pywsgi import headers_factory
    from geventwebsocket.websocket import Stream, WebSocket

    worker = gunicorn_conf(tmp_path, monkeypatch)["worker_class"]
    a, b = gevent.socket.socketpair()

    def masked_text(text: bytes) -> bytes:
        mask = os.urandom(4)
        return bytes([0x81, 0x80 | len(text)]) + mask + bytes(c ^ mask[i % 4] for i, c in enumerate(text))

    received: list = []
    try:
        handler = worker.wsgi_handler(a, ("127.0.0.1", 1), type("S", (), {"clients": {}})())
        handler.headers = headers_factory(io.BytesIO(b"Upgrade: websocket\r\n\r\n"))
        handler.environ = {}
        b.sendall(b"GET /socket.io/ HTTP/1.1\r\n\r\n" + masked_text(b"first"))
        assert handler.rfile.readline() and handler.rfile.readline() == b"\r\n"
        handler.websocket = WebSocket(handler.environ, Stream(handler), handler)
        rfile = handler.rfile

        def application(environ, start):
            received.append(type(handler.websocket.raw_read.__self__).__name__)
            received.append(handler.websocket.receive())
            b.sendall(masked_text(b"second"))
            received.append(handler.websocket.receive())
            return []

        handler.application = application
        handler.run_websocket()
        assert received == ["SocketReader", "first", "second"]
        assert rfile.closed
    finally:
        a.close()
        b.close()


def _upgraded(conf, sock):
    """A handler of gunicorn.conf.py's worker over `sock`, upgraded as gevent-websocket makes it."""
    import io

    from gevent.pywsgi import headers_factory
    from geventwebsocket.websocket import Stream, WebSocket

    server = type("S", (), {"clients": {}, "application": None})()  # (as Gunicorn's has)
    handler = conf["worker_class"].wsgi_handler(sock, ("127.0.0.1", 1), server)
    handler.headers = headers_factory(io.BytesIO(b"Upgrade: websocket\r\n\r\n"))
    handler.environ = {}
    handler.websocket = WebSocket(handler.environ, Stream(handler), handler)
    return handler


def _frame(opcode: int, payload: bytes, *, fin: bool = True, length: int | None = None) -> bytes:
    """A client's (masked) websocket frame; `length` claims another length than the payload's."""
    import os

    n = len(payload) if length is None else length
    head = bytes([(0x80 if fin else 0) | opcode])
    if n < 126:
        head += bytes([0x80 | n])
    elif n < 1 << 16:
        head += bytes([0x80 | 126]) + n.to_bytes(2, "big")
    else:
        head += bytes([0x80 | 127]) + n.to_bytes(8, "big")
    mask = os.urandom(4)
    return head + mask + bytes(c ^ mask[i % 4] for i, c in enumerate(payload))


def _receive_all(handler) -> list:
    """What the websocket's receive() returns until the connection closes (None), and whether it did."""
    import gevent

    outcome: list = []

    def application(environ, start):
        while True:
            message = handler.websocket.receive()
            outcome.append(message)
            if message is None:
                outcome.append(handler.websocket.closed)
                return []

    handler.application = application
    with gevent.Timeout(10):
        handler.run_websocket()
    return outcome


def test_a_message_claiming_more_than_any_message_needs_closes_the_connection_unread(tmp_path, monkeypatch):
    """A frame's header names its length: one whose message would pass WEBSOCKET_MESSAGE_MAX_BYTES
    (16 x Engine.IO's 64 KiB message limit) is not waited for or held — the read fails and the
    websocket closes. Unbounded, the read would hold a buffer for it and wait for the rest."""
    import gevent.socket

    conf = gunicorn_conf(tmp_path, monkeypatch)
    limit = conf["WEBSOCKET_MESSAGE_MAX_BYTES"]
    assert limit >= 16 * 64 * 1024
    with pytest.raises(OSError, match="over"):
        conf["SocketReader"](lambda n: b"", b"").read(limit + 1)

    a, b = gevent.socket.socketpair()
    try:
        handler = _upgraded(conf, a)
        b.sendall(_frame(0x1, b"", length=1 << 27))  # claims 128 MiB, then sends nothing
        assert _receive_all(handler) == [None, True]
    finally:
        a.close()
        b.close()


def test_an_endless_run_of_continuation_frames_closes_the_connection(tmp_path, monkeypatch):
    """Small frames that never finish their message (no FIN) add up to the same limit: the
    connection closes once they pass it, rather than the server assembling them for ever. Whole
    messages one after another, each well under the limit, never add up."""
    import gevent
    import gevent.socket

    conf = gunicorn_conf(tmp_path, monkeypatch)
    limit = conf["WEBSOCKET_MESSAGE_MAX_BYTES"]
    a, b = gevent.socket.socketpair()
    try:
        handler = _upgraded(conf, a)
        piece = b"x" * 60_000
        whole = limit // len(piece) + 5  # together well over the limit, each message far under it

        def client() -> None:
            for _ in range(whole):
                b.sendall(_frame(0x1, piece))
            b.sendall(_frame(0x1, b"{", fin=False))
            for _ in range(limit // len(piece) + 5):
                b.sendall(_frame(0x0, piece, fin=False))

        sender = gevent.spawn(client)
        outcome = _receive_all(handler)
        sender.kill()
    finally:
        a.close()
        b.close()
    assert outcome[:whole] == [piece.decode()] * whole
    assert outcome[whole:] == [None, True]


def test_a_client_frame_is_unmasked_as_rfc_6455_says_at_every_length(tmp_path, monkeypatch):
    """The worker's unmask (one integer XOR) gives byte i XOR mask[i % 4] for every length, including
    the empty payload and lengths that are not a multiple of the mask's 4 bytes; the worker class
    installs it on gevent-websocket's Header."""
    import os
    import random

    from geventwebsocket.websocket import Header

    conf = gunicorn_conf(tmp_path, monkeypatch)
    unmask = conf["unmask_payload"]
    assert Header.unmask_payload is unmask
    rng = random.Random(15)
    for n in [0, 1, 2, 3, 4, 5, 7, 8, 125, 126, 127, 164, 4099, 65_536 + 3]:
        header = Header(fin=True, opcode=1, length=n)
        header.mask = os.urandom(4)
        payload = bytes(rng.randrange(256) for _ in range(n))
        assert unmask(header, payload) == bytes(c ^ header.mask[i % 4] for i, c in enumerate(payload))
    header.mask = b"\x00\x00\x00\x00"
    assert unmask(header, b"\x00\x00keep") == b"\x00\x00keep"  # leading zero bytes are kept


def test_the_message_validator_checks_utf8_across_frames_and_restarts_per_message(tmp_path, monkeypatch):
    """It answers as gevent-websocket's validator does: valid text (a code point split between
    frames included) passes, an invalid byte fails; `reset()` forgets a half code point and starts
    the reader's message count again."""
    conf = gunicorn_conf(tmp_path, monkeypatch)
    reader = conf["SocketReader"](lambda n: b"", b"x" * 10)
    validator = conf["MessageValidator"](reader)
    text = "café ✓ 🎬".encode()
    assert validator.validate(text)[0:2] == (True, True)
    assert validator.validate(text[:3])[0:2] == (True, True)
    assert validator.validate(text[3:4])[0:2] == (True, False)  # the first byte of "é" only
    assert validator.validate(text[4:])[0:2] == (True, True)  # … and the rest of it
    assert validator.validate(b"ok \xff")[0] is False
    assert validator.validate(b"\xed\xa0\x80")[0] is False  # a surrogate is not UTF-8
    validator.validate(text[:4])
    reader.read(9)
    validator.reset()
    assert validator.validate(b"\xa9 fresh")[0] is False  # the half "é" was forgotten
    validator.reset()
    assert reader._in_message == 0


def test_text_over_the_wire_is_checked_and_invalid_utf8_closes_the_connection(tmp_path, monkeypatch):
    """Through a real upgraded websocket: a message whose code point is split between two frames
    arrives whole; a frame with invalid UTF-8 closes the connection."""
    import gevent.socket

    conf = gunicorn_conf(tmp_path, monkeypatch)
    a, b = gevent.socket.socketpair()
    try:
        handler = _upgraded(conf, a)
        text = '42["chat.send",{"text":"café ✓ 🎬"}]'.encode()
        cut = text.index("é".encode()) + 1
        b.sendall(_frame(0x1, text[:cut], fin=False) + _frame(0x0, text[cut:]) + _frame(0x1, b"bad \xc3("))
        websocket = handler.websocket  # (the handler lets go of it when the connection ends)
        outcome = _receive_all(handler)
        checked_by = type(websocket.utf8validator).__name__
    finally:
        a.close()
        b.close()
    assert checked_by == "MessageValidator"  # (the library's own validator answers the same, slowly)
    assert outcome == [text.decode(), None, True]


def test_the_interactive_pool_removes_only_metric_files_of_processes_that_are_gone(tmp_path, monkeypatch):
    """Metrics add up through prometheus_client's files in one folder shared by every Gunicorn
    master. A starting interactive master removed every file, also those of the background pool's
    (or a second master's) live workers, whose values then went to a deleted file and were lost to
    /metrics (a counter made at import showed it: test_scale_out's events vanished)."""
    import subprocess
    import sys

    stale_metric_files = gunicorn_conf(tmp_path, monkeypatch)["stale_metric_files"]
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True)
    dead_pid = int(gone.stdout)
    folder = tmp_path / "prom"
    folder.mkdir()
    live = [folder / f"counter_{os.getpid()}.db", folder / f"gauge_livesum_{os.getppid()}.db"]
    dead = [folder / f"counter_{dead_pid}.db", folder / f"histogram_{dead_pid}.db", folder / "counter_x.db"]
    for path in live + dead:
        path.write_bytes(b"")
    assert sorted(stale_metric_files(folder)) == sorted(dead)
