"""A real ShareTube for integration tests: Gunicorn + gevent-websocket as RESTART.sh runs it, and
python-socketio clients that talk to it over real websockets.

    from tests.support.live_server import live_server_fixture, sio_client  # noqa: F401  (fixture `live_server`)

    def test_x(live_server):
        server = live_server()                        # started, /api/health answered 200
        with sio_client(server.base_url, token) as c:
            ack = c.call("time.sync", {"client_ms": 1})
        server.restart(signal.SIGKILL)                # same port, same database
        print(server.log)

`live_server(env=None, workers=1, pool="single", wait=True)` is a factory fixture: each call starts one
server on a free port with its own instance folder and a fresh database (`fresh_db_url`: SQLite,
or PostgreSQL when SHARETUBE_TEST_DB=postgres); every server it started is stopped at teardown.
With `wait=False` it does not wait for health (for configurations that must refuse to start:
`server.wait_exit()` returns the exit code).
"""
from __future__ import annotations

import atexit
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
import socketio

from tests.support.databases import free_port

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 15.0
# Inherited settings that would change what the server under test is; tests pass them explicitly.
NOT_INHERITED = ("INSTANCE_DIR", "DATABASE_URL", "LISTEN_HOST", "LISTEN_PORT", "SOCKETIO_ASYNC_MODE",
                 "SOCKETIO_MESSAGE_QUEUE", "WEB_WORKERS", "BG_WORKERS", "BG_BIND", "SHARETUBE_POOL",
                 "SECRET_KEY", "JWT_SECRET", "ENV", "AUTO_MIGRATE", "RUN_SCHEDULER", "BACKGROUND_TASK_SLOTS",
                 "SHARETUBE_TEST_DATABASE_URL", "SHARETUBE_LOG_CONFIGURED", "EXTENSION_IDS", "ALLOW_GUESTS")


class LiveServer:
    """One Gunicorn master (in its own process group) and its workers."""

    def __init__(self, instance_dir: Path, db_url: str, env: dict[str, str] | None = None,
                 workers: int = 1, pool: str = "single") -> None:
        self.instance_dir = Path(instance_dir)
        self.instance_dir.mkdir(parents=True, exist_ok=True)
        self.db_url = db_url
        self.port = free_port()
        self.host = "127.0.0.1"
        self.base_url = f"http://{self.host}:{self.port}"
        self.log_path = self.instance_dir / f"gunicorn.{self.port}.out"
        self.control_socket = self.instance_dir / f"gunicorn.{self.port}.ctl"
        self.proc: subprocess.Popen | None = None
        self.starts = 0
        self.env = self._environment(env or {}, workers, pool)

    def _environment(self, extra: dict[str, str], workers: int, pool: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
        env.update({
            "INSTANCE_DIR": str(self.instance_dir), "LISTEN_HOST": self.host, "LISTEN_PORT": str(self.port),
            "DATABASE_URL": self.db_url, "SHARETUBE_LOG_STDOUT": "1", "YOUTUBE_OEMBED_URL": "http://127.0.0.1:9/oembed",
            "WEB_WORKERS": str(workers), "SHARETUBE_POOL": pool, "PYTHONUNBUFFERED": "1",
            "PYTHONPATH": str(ROOT),
        })
        env.update({k: str(v) for k, v in extra.items()})
        return env

    # -- lifecycle -----------------------------------------------------------------------------------
    def start(self, *, wait: bool = True) -> LiveServer:
        assert self.proc is None or self.proc.poll() is not None, "already running"
        self.starts += 1
        with self.log_path.open("a") as out:
            out.write(f"\n===== start #{self.starts} =====\n")
            out.flush()
            self.proc = subprocess.Popen(
                [str(GUNICORN), "-c", "gunicorn.conf.py", "--control-socket", str(self.control_socket),
                 "--pid", str(self.instance_dir / f"gunicorn.{self.port}.pid"), "server.wsgi:app"],
                cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        atexit.register(self._kill_group)  # its own session: an interrupted run must not leave it behind
        if wait:
            self.wait_healthy()
        return self

    def wait_healthy(self, timeout: float = START_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode} before it was healthy:\n{self.log}")
            try:
                if requests.get(f"{self.base_url}/api/health", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.05)
        raise TimeoutError(f"no healthy /api/health within {timeout}s:\n{self.log}")

    def wait_exit(self, timeout: float = START_TIMEOUT_S) -> int:
        """For a server expected to refuse to start: its exit code."""
        try:
            return self.proc.wait(timeout)
        finally:
            self._kill_group()

    def stop(self, sig: int = signal.SIGTERM) -> int | None:
        """SIGTERM: Gunicorn's graceful stop (workers finish, sockets close). SIGKILL: the whole
        process group dies at once, like a crash or an OOM kill."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            if sig == signal.SIGKILL:
                self._kill_group()
            else:
                self.proc.send_signal(sig)
            try:
                self.proc.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self._kill_group()
                self.proc.wait(5)
        self._kill_group()  # no orphaned worker may keep the port
        self._wait_port_free()
        return self.proc.returncode

    def restart(self, sig: int = signal.SIGTERM) -> LiveServer:
        """Stop with `sig`, then start again on the same port, instance folder and database."""
        self.stop(sig)
        return self.start()

    def _kill_group(self) -> None:
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def _wait_port_free(self, timeout: float = 10.0) -> None:
        import socket

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with socket.socket() as s:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    s.bind((self.host, self.port))
                    return
                except OSError:
                    time.sleep(0.05)

    # -- facts ----------------------------------------------------------------------------------------
    @property
    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def __enter__(self) -> LiveServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@pytest.fixture(name="live_server")
def live_server_fixture(fresh_db_url: str, tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    """Factory: live_server(env=None, workers=1, pool="single", wait=True) → a started LiveServer."""
    started: list[LiveServer] = []

    def start(env: dict | None = None, workers: int = 1, pool: str = "single", *, wait: bool = True) -> LiveServer:
        server = LiveServer(tmp_path / f"live{len(started)}", fresh_db_url, env, workers, pool)
        started.append(server)
        return server.start(wait=wait)

    yield start
    for server in started:
        server.stop(signal.SIGKILL)


# -- python-socketio client -------------------------------------------------------------------------

@dataclass(frozen=True)
class Received:
    name: str
    data: object
    at_ms: float  # local wall clock (epoch ms) when it arrived


@dataclass
class SioClient:
    """A python-socketio sync client (websocket only) that records every event it receives."""

    base_url: str
    token: str | None
    sio: socketio.Client = field(default_factory=lambda: socketio.Client(reconnection=False))
    connect_error: object = None
    _received: list[Received] = field(default_factory=list)
    _cond: threading.Condition = field(default_factory=threading.Condition)

    def __post_init__(self) -> None:
        self.sio.on("*", self._record)
        self.sio.on("connect_error", self._on_connect_error)

    def _record(self, event: str, *args: object) -> None:
        with self._cond:
            self._received.append(Received(event, args[0] if len(args) == 1 else list(args), time.time() * 1000))
            self._cond.notify_all()

    def _on_connect_error(self, data: object = None) -> None:
        with self._cond:
            self.connect_error = data
            self._cond.notify_all()

    def connect(self, auth: object = ..., timeout: float = 5) -> SioClient:
        """Connect with auth {"token": token} (or the given auth); raises socketio.exceptions.ConnectionError
        when refused, with `connect_error` holding the refusal's data."""
        self.sio.connect(self.base_url, auth={"token": self.token} if auth is ... else auth,
                         transports=["websocket"], wait_timeout=timeout)
        return self

    @property
    def connected(self) -> bool:
        return self.sio.connected

    @property
    def ping_interval(self) -> float:
        """The Engine.IO ping interval the server advertised in its handshake, seconds."""
        return self.sio.eio.ping_interval

    def call(self, event: str, data: object = None, timeout: float = 5) -> object:
        """Emit and wait for the ack."""
        return self.sio.call(event, {} if data is None else data, timeout=timeout)

    def received(self, name: str | None = None) -> list[Received]:
        with self._cond:
            return [r for r in self._received if name is None or r.name == name]

    def events(self, name: str | None = None) -> list[object]:
        return [r.data for r in self.received(name)]

    def clear(self) -> None:
        with self._cond:
            self._received.clear()

    def wait_for(self, name: str, predicate: Callable[[object], bool] = lambda _d: True,
                 timeout: float = 5) -> object:
        """The first received `name` event whose data satisfies `predicate` (already arrived or arriving)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for r in self._received:
                    if r.name == name and predicate(r.data):
                        return r.data
                left = deadline - time.monotonic()
                if left <= 0:
                    names = [r.name for r in self._received]
                    raise TimeoutError(f"no {name!r} matching within {timeout}s; got {names}")
                self._cond.wait(left)

    def close(self) -> None:
        if self.sio.connected:
            self.sio.disconnect()

    def __enter__(self) -> SioClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def sio_client(base_url: str, token: str | None, *, connect: bool = True, timeout: float = 5) -> SioClient:
    """A recording python-socketio client for `token`, connected unless connect=False."""
    client = SioClient(base_url, token)
    return client.connect(timeout=timeout) if connect else client
