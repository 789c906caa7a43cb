"""One Gunicorn config for every way ShareTube runs, chosen by SHARETUBE_POOL.

  single       (default) one process on LISTEN_HOST:LISTEN_PORT; runs the background tasks itself
  interactive  HTTP + websockets on LISTEN_HOST:LISTEN_PORT, WEB_WORKERS workers, BACKGROUND_TASK_SLOTS=0
  background   the periodic tasks; private BG_BIND (health only), BG_WORKERS workers, BACKGROUND_TASK_SLOTS=2

More than one interactive worker, or a background pool, without SOCKETIO_MESSAGE_QUEUE is
refused: sockets on different processes could not reach each other.
"""
import codecs
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
pool = os.environ.get("SHARETUBE_POOL", "single").strip() or "single"
version = os.environ.get("VERSION", "v1-03")
instance = Path(os.environ.get("INSTANCE_DIR", str(ROOT / "instance" / f"ShareTube-{version}")))
instance.mkdir(parents=True, exist_ok=True)
message_queue = os.environ.get("SOCKETIO_MESSAGE_QUEUE", "").strip()
host = os.environ.get("LISTEN_HOST", "127.0.0.1")
port = int(os.environ.get("LISTEN_PORT", "5077"))


def _refuse(message: str) -> None:
    sys.stderr.write(f"ShareTube: refusing to start: {message}\n")
    raise SystemExit(2)


if pool not in ("single", "interactive", "background"):
    _refuse(f"SHARETUBE_POOL must be single, interactive or background, not {pool!r}")

if pool == "background":
    workers = int(os.environ.get("BG_WORKERS", "1"))
    bind = [os.environ.get("BG_BIND", f"127.0.0.1:{port + 100}")]
    os.environ["BACKGROUND_TASK_SLOTS"] = os.environ.get("BACKGROUND_TASK_SLOTS", "2")
    log_name = "ShareTube.bg"
    if not message_queue:
        _refuse("a background pool needs SOCKETIO_MESSAGE_QUEUE (redis://…) to reach the clients")
else:
    workers = int(os.environ.get("WEB_WORKERS", "1"))
    bind = [f"{host}:{port}"]
    log_name = "ShareTube"
    if pool == "interactive":
        os.environ["BACKGROUND_TASK_SLOTS"] = "0"
    if workers > 1 and not message_queue:
        _refuse(f"WEB_WORKERS={workers} needs SOCKETIO_MESSAGE_QUEUE (redis://…); "
                "without it use one worker")

# Each connection's request reader: pywsgi makes it with Python's default 8 KiB buffer and keeps
# it for the websocket's whole life, the largest single thing a connected client costs (issue 15:
# ~8.4 of ~43 KB traced per client). 1 KiB still reads an upgrade request's headers and every
# small frame in one go; a larger frame is read straight into its own bytes.
READ_BUFFER_BYTES = 1024
# An upgraded websocket reads from its socket directly (SocketReader): one receive takes up to this
# much, the client's next frame or frames, and holds the rest only until they are read.
WEBSOCKET_RECEIVE_BYTES = 4096
# What one websocket message may take from the connection, its frames' headers included: a frame's
# header names its length, and Engine.IO refuses a message over 64 KiB — but only once it is
# whole, so without this a client could make the server hold (and wait for) a frame of any size it
# claims, or an endless run of continuation frames.
WEBSOCKET_MESSAGE_MAX_BYTES = 1 << 20


class SocketReader:
    """An upgraded websocket's reader: `read(n)` returns the next n bytes of the connection (fewer
    only at its end), received straight from the socket. pywsgi's buffered reader kept a 1 KiB
    buffer for the websocket's whole life, and its C `read` calling the socket's Python `readinto`
    put one more interpreter level on the C stack the reader greenlet saves each time it waits
    for the client's next frame. Here nothing is held while idle: a receive takes what the client
    sent (one frame, usually whole) and keeps only what the current frame did not use yet.

    A read that would take the current message past WEBSOCKET_MESSAGE_MAX_BYTES fails before
    anything is received for it (gevent-websocket then closes the connection); `new_message()`
    starts the count again."""

    __slots__ = ("_recv", "_pending", "_in_message")

    def __init__(self, recv, pending: bytes = b""):
        self._recv = recv
        self._pending = pending
        self._in_message = 0

    def new_message(self) -> None:
        self._in_message = 0

    def read(self, n: int) -> bytes:
        self._in_message += n
        if self._in_message > WEBSOCKET_MESSAGE_MAX_BYTES:
            from geventwebsocket.exceptions import FrameTooLargeException

            raise FrameTooLargeException(f"a websocket message over {WEBSOCKET_MESSAGE_MAX_BYTES} bytes")
        pending = self._pending
        if len(pending) >= n:
            self._pending = pending[n:]
            return pending[:n]
        parts, have = [pending], len(pending)
        while have < n:
            chunk = self._recv(max(n - have, WEBSOCKET_RECEIVE_BYTES))
            if not chunk:
                break  # the connection ended: fewer bytes, as a file's read returns at its end
            parts.append(chunk)
            have += len(chunk)
        data = b"".join(parts)
        self._pending = data[n:]
        return data[:n]


class MessageValidator:
    """A text message's UTF-8 check for gevent-websocket, in C (`codecs.utf_8_decode`; the library's
    own validator walks a DFA in Python byte by byte, and `read_message` runs it over every frame
    and then over the whole message again: ~19 us for a 164-byte `player.status`, 0.4 here).
    `validate` answers as the library's does (valid?, ends on a code point?, index, index); the
    bytes of a code point split across frames wait in `_pending` (at most 3).

    Its `reset()`, which `read_message` calls when a frame starts a new message (text or binary,
    after that frame is read), also starts the reader's message count again."""

    __slots__ = ("_reader", "_pending")

    def __init__(self, reader: SocketReader):
        self._reader = reader
        self._pending = b""

    def reset(self) -> None:
        self._reader.new_message()
        self._pending = b""

    def validate(self, payload):
        data = self._pending + payload if self._pending else payload
        try:
            _, used = codecs.utf_8_decode(data, "strict", False)
        except UnicodeDecodeError as error:
            self._pending = b""
            return (False, False, error.start, error.start)
        self._pending = bytes(data[used:])
        return (True, not self._pending, len(payload), len(payload))


def unmask_payload(header, payload) -> bytes:
    """A client frame's payload unmasked (RFC 6455 5.3: byte i XOR mask[i % 4]) as one integer XOR,
    in C; gevent-websocket's `Header.unmask_payload` loops over the bytes in Python (~9 us for a
    164-byte `player.status`, 0.8 here). Installed on its Header class by the worker class."""
    n = len(payload)
    if not n:
        return b""
    key = (header.mask * (n // 4 + 1))[:n]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(key, "big")).to_bytes(n, "big")


def take_buffered(rfile, sock) -> bytes | None:
    """What the buffered reader `rfile` already holds past the request (a client may send its first
    frame before it has read the upgrade's answer), without waiting; None when the socket failed."""
    timeout = sock.gettimeout()
    sock.settimeout(0.0)  # a peek at an empty buffer then finds nothing rather than waiting
    try:
        held = rfile.peek(READ_BUFFER_BYTES)
        rfile.read(len(held))  # (from the buffer: what peek returned is there)
        return held
    except OSError:
        return None
    finally:
        sock.settimeout(timeout)


def _lean_worker_class():
    """gevent-websocket's Gunicorn worker, with a connection handler whose reader buffers 1 KiB.
    (Defined here, not in the server package: Gunicorn's master loads the worker class before it
    forks, and the server package must be imported only after gevent has patched the worker.)"""
    from gevent.socket import socket as gevent_socket
    from gevent.ssl import SSLSocket
    from geventwebsocket.gunicorn.workers import GeventWebSocketWorker
    from geventwebsocket.handler import WebSocketHandler
    from geventwebsocket.websocket import Header

    Header.unmask_payload = unmask_payload  # (a client's frames; the server's own are never masked)

    no_headers: list = []  # one empty header set, shared by every upgraded connection

    class LeanWebSocketHandler(WebSocketHandler):
        def __init__(self, sock, address, server, rfile=None):
            super().__init__(sock, address, server, rfile or sock.makefile("rb", READ_BUFFER_BYTES))

        def run_websocket(self):
            # Upgraded: the environ holds the request's headers; the parsed copy (an email
            # Message, ~1.6 KB traced) is never read again for the websocket's whole life.
            if not no_headers:
                no_headers.append(type(self.headers)())
            self.headers = no_headers[0]
            # Flask's __call__ is only `self.wsgi_app(environ, start_response)`: calling that plain
            # function directly keeps one interpreter level (~0.7 KB) off the C stack this reader
            # greenlet saves each time it waits for the client's next frame.
            self.application = getattr(self.application, "wsgi_app", self.application)
            self.read_frames_from_the_socket()
            return super().run_websocket()

        def read_frames_from_the_socket(self):
            """The websocket reads its frames with a SocketReader; the buffered request reader is
            closed (its buffer freed). Only on a plain socket (TLS keeps its own reader)."""
            stream = getattr(getattr(self, "websocket", None), "stream", None)
            if stream is None or not isinstance(self.socket, gevent_socket) or isinstance(self.socket, SSLSocket):
                return
            pending = take_buffered(self.rfile, self.socket)
            if pending is None:
                return
            reader = SocketReader(self.socket.recv, pending)
            stream.read = self.websocket.raw_read = reader.read
            self.websocket.utf8validator = MessageValidator(reader)
            self.rfile.close()

    class ShareTubeWorker(GeventWebSocketWorker):
        wsgi_handler = LeanWebSocketHandler

    return ShareTubeWorker


worker_class = _lean_worker_class()
worker_connections = int(os.environ.get("WORKER_CONNECTIONS", "10000"))
timeout = 60
# Websockets never finish by themselves: a short grace lets restarts happen quickly (clients
# reconnect and resync on their own).
graceful_timeout = 3
keepalive = 5
pidfile = str(instance / f"{log_name}.pid")
control_socket = str(instance / f"{log_name}.{bind[0].rsplit(':', 1)[-1]}.ctl")
errorlog = "-"
accesslog = None
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
proc_name = f"{log_name}.{version}"
# Prometheus metrics add up across workers and pools through files in one directory.
prom_dir = Path(os.environ.get("PROMETHEUS_MULTIPROC_DIR", str(instance / "prometheus")))
os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(prom_dir)
raw_env = [f"SHARETUBE_POOL={pool}", "AUTO_MIGRATE=false", f"PROMETHEUS_MULTIPROC_DIR={prom_dir}"]


def _last_line(output: str) -> str:
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def stale_metric_files(directory: Path) -> list[Path]:
    """prometheus_client's files (`counter_<pid>.db`, `gauge_livesum_<pid>.db`, …) of processes that
    are gone. The workers of another Gunicorn master sharing the directory (the background pool, a
    second interactive master) keep theirs: a value written to a deleted file never reaches /metrics."""
    stale = []
    for path in directory.glob("*.db"):
        pid = path.stem.rsplit("_", 1)[-1]
        if not pid.isdigit() or not _pid_alive(int(pid)):
            stale.append(path)
    return stale


def on_starting(server) -> None:
    """Before any worker starts, in one child process (scripts/preflight.py): check the configuration,
    reach the database, migrate the schema (interactive or single pool only). A failed step stops
    Gunicorn with one line naming it: "ShareTube: refusing to start: <step>: <reason>"."""
    prom_dir.mkdir(parents=True, exist_ok=True)
    if pool != "background":  # the interactive (or single) pool owns the directory's lifetime
        for stale in stale_metric_files(prom_dir):
            stale.unlink(missing_ok=True)
    # The background pool does not migrate: the interactive pool does; its tasks retry until then.
    args = [str(ROOT / "scripts" / "preflight.py")] + (["--migrate"] if pool != "background" else [])
    env = {**os.environ, "AUTO_MIGRATE": "false", "RUN_SCHEDULER": "false", "SOCKETIO_ASYNC_MODE": "threading",
           "SHARETUBE_POOL": "migrate"}
    result = subprocess.run([sys.executable, *args], cwd=str(ROOT), env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout)
        details = result.stderr.strip().splitlines()[:-1]
        if details:  # a traceback (migration): above the one-line reason, which comes last
            sys.stderr.write("\n".join(details) + "\n")
        reason = _last_line(result.stderr)
        _refuse(reason if result.returncode == 2 else f"start-up check crashed: {reason}")


def child_exit(server, worker) -> None:
    """Tell prometheus_client that a worker is gone (its live gauges stop counting)."""
    try:
        from prometheus_client import multiprocess
        multiprocess.mark_process_dead(worker.pid)
    except Exception:
        pass
