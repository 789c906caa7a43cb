"""Servers under test: ShareTube (one `single` process, or two `interactive` processes + one
`background` behind a private Redis) and the bare floor app, all on free loopback ports.

Self-contained on purpose (no tests/support imports): the benches start Gunicorn exactly as
production does (`gunicorn -c gunicorn.conf.py server.wsgi:app`), each pool in its own process group."""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import requests

from tests.bench.common import ROOT

BENCH_ENV = {"RATE_LIMIT_EXEMPT_LOOPBACK": "1",  # thousands of clients from 127.0.0.1
             "LOG_LEVEL": "WARNING", "SHARETUBE_LOG_STDOUT": "0", "WORKER_CONNECTIONS": "10000",
             "YOUTUBE_OEMBED_URL": "http://127.0.0.1:9/oembed", "PYTHONUNBUFFERED": "1"}
# settings a developer's shell may carry that would change what the server under test is
NOT_INHERITED = ("INSTANCE_DIR", "DATABASE_URL", "LISTEN_HOST", "LISTEN_PORT", "SOCKETIO_ASYNC_MODE",
                 "SOCKETIO_MESSAGE_QUEUE", "WEB_WORKERS", "BG_WORKERS", "BG_BIND", "SHARETUBE_POOL", "SECRET_KEY",
                 "JWT_SECRET", "ENV", "AUTO_MIGRATE", "RUN_SCHEDULER", "BACKGROUND_TASK_SLOTS", "ALLOW_GUESTS",
                 "PROMETHEUS_MULTIPROC_DIR", "SHARETUBE_LOG_CONFIGURED", "EXTENSION_IDS")
START_TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float, log_path: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url}: exited ({proc.returncode}):\n{tail(log_path)}")
        try:
            if requests.get(f"{url}/api/health", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url}: not healthy in {timeout:.0f}s:\n{tail(log_path)}")


def tail(path: Path, chars: int = 4000) -> str:
    try:
        return path.read_text(errors="replace")[-chars:]
    except OSError:
        return ""


def kill_group(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        proc.wait(10)


@dataclass
class Pool:
    """One Gunicorn pool of ShareTube (`single`, `interactive` or `background`), in its own process group."""

    pool: str
    port: int
    proc: subprocess.Popen
    log_path: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def start_pool(workdir: Path, db_url: str, pool: str, env: dict[str, str], redis_url: str | None = None,
               cpu_prefix: list[str] | None = None) -> Pool:
    port = free_port()
    full = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    full.update({"INSTANCE_DIR": str(workdir / "instance"), "DATABASE_URL": db_url, "SHARETUBE_POOL": pool,
                 "LISTEN_HOST": "127.0.0.1", "LISTEN_PORT": str(port), "PYTHONPATH": str(ROOT),
                 "PROMETHEUS_MULTIPROC_DIR": str(workdir / f"prom-{pool}-{port}"), **env})
    if pool == "background":
        full["BG_BIND"] = f"127.0.0.1:{port}"
    if redis_url:
        full["SOCKETIO_MESSAGE_QUEUE"] = redis_url
    log_path = workdir / f"gunicorn-{pool}-{port}.log"
    with log_path.open("ab") as out:
        proc = subprocess.Popen([*(cpu_prefix or []), str(ROOT / ".venv/bin/gunicorn"), "-c",
                                 str(ROOT / "gunicorn.conf.py"), "--pid", str(workdir / f"gunicorn-{pool}-{port}.pid"),
                                 "server.wsgi:app"],
                                cwd=ROOT, env=full, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    p = Pool(pool, port, proc, log_path)
    try:
        wait_healthy(p.base_url, proc, START_TIMEOUT_S, log_path)
    except Exception:
        kill_group(proc)
        raise
    return p


@dataclass
class Redis:
    """A private redis-server on a free loopback port: no persistence."""

    proc: subprocess.Popen
    port: int
    unix_socket: Path | None = None  # when set, the servers reach Redis through it (`unix://`)

    @property
    def url(self) -> str:
        if self.unix_socket is not None:
            return f"unix://{self.unix_socket}?db=0"
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def start_redis(workdir: Path, port: int | None = None, cpu_prefix: list[str] | None = None,
                unix: bool = False) -> Redis:
    """A fresh redis-server (on `port` when given: a restart of a stopped one); with `unix`, also
    on a Unix socket in `workdir` that the servers then use (no loopback TCP stack per command)."""
    import redis as redis_client

    exe = shutil.which("redis-server") or "/usr/bin/redis-server"
    port = port or free_port()
    sock = Path(workdir) / "redis.sock" if unix else None
    socket_args = ["--unixsocket", str(sock), "--unixsocketperm", "700"] if sock else []
    proc = subprocess.Popen([*(cpu_prefix or []), exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(workdir), *socket_args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis_client.Redis(unix_socket_path=str(sock)) if sock else redis_client.Redis(port=port)
    for _ in range(200):
        try:
            client.ping()
            return Redis(proc, port, sock)
        except redis_client.RedisError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("redis-server did not start")


def worker_pids(master_pid: int) -> list[int]:
    try:
        return [c.pid for c in psutil.Process(master_pid).children()]
    except psutil.Error:
        return []


@dataclass
class ShareTube:
    """A running ShareTube deployment; `urls` are where clients connect (one per interactive process)."""

    mode: str
    workdir: Path
    pools: list[Pool] = field(default_factory=list)
    redis: Redis | None = None

    @property
    def urls(self) -> list[str]:
        return [p.base_url for p in self.pools if p.pool != "background"]

    def interactive_worker_pids(self) -> list[int]:
        return [pid for p in self.pools if p.pool != "background" for pid in worker_pids(p.proc.pid)]

    def all_worker_pids(self) -> list[int]:
        return [pid for p in self.pools for pid in worker_pids(p.proc.pid)]

    def log_tail(self) -> str:
        return "\n".join(tail(p.log_path) for p in self.pools)

    def log_summary(self) -> dict:
        return scan_log(self.workdir / "instance" / "ShareTube.log")

    def stop(self) -> None:
        for p in self.pools:
            kill_group(p.proc)  # SIGKILL: the bench is over, no graceful O(N) disconnect storm
        if self.redis is not None:
            self.redis.stop()


LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d [\d:,]+ (?P<level>ERROR|WARNING|CRITICAL) (?P<logger>\S+) pid=\d+ "
                      r"(?P<msg>.*)$")
VOLATILE = re.compile(r"(sid[= ])\S+|0x[0-9a-f]+|\bu\d+\b|\d{3,}")


def scan_log(path: Path, top: int = 6) -> dict:
    """Warnings and errors the server logged (the log file the server writes at LOG_LEVEL=WARNING):
    counts by level and the most frequent messages, with ids and numbers masked."""
    counts: Counter = Counter()
    messages: Counter = Counter()
    exceptions: Counter = Counter()
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return {"found": False}
    for line in text.splitlines():
        m = LOG_LINE.match(line)
        if m:
            counts[m.group("level")] += 1
            msg = VOLATILE.sub(r"\1…", m.group("msg"))[:120]
            messages[f"{m.group('level')} {m.group('logger')} {msg}"] += 1
        elif re.match(r"^[A-Za-z_.]+(Error|Exception): ", line):
            exceptions[VOLATILE.sub("…", line)[:140]] += 1
    return {"found": True, "by_level": dict(counts), "top_messages": messages.most_common(top),
            "top_exceptions": exceptions.most_common(top)}


def _kth(prefixes: list[list[str]] | None, k: int, default: list[str] | None) -> list[str] | None:
    return prefixes[k % len(prefixes)] if prefixes else default


def start_sharetube(mode: str = "single", workdir: Path | None = None, extra_env: dict | None = None,
                    db_url: str | None = None, cpu_prefix: list[str] | None = None,
                    redis_unix: bool = False, process_prefixes: list[list[str]] | None = None) -> ShareTube:
    """mode: `single` (one process) or `redis` (two interactive processes + background + Redis).
    `db_url`: a database to use (default: SQLite in the work folder). `cpu_prefix`: `taskset -c …`
    for every server process (`--server-cpu`, tests/bench/cpu_pinning.py). `redis_unix`: the
    processes reach Redis through a Unix socket instead of loopback TCP. `process_prefixes`
    (`--own-cores`): the k-th interactive process's own prefix, in place of `cpu_prefix`."""
    workdir = Path(workdir or tempfile.mkdtemp(prefix="st-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    db_url = db_url or f"sqlite:///{workdir / 'bench.db'}"
    env = {**BENCH_ENV, **(extra_env or {})}
    st = ShareTube(mode, workdir)
    try:
        if mode == "single":
            st.pools.append(start_pool(workdir, db_url, "single", env,
                                       cpu_prefix=_kth(process_prefixes, 0, cpu_prefix)))
        elif mode == "redis":
            st.redis = start_redis(workdir, cpu_prefix=cpu_prefix, unix=redis_unix)
            for k in range(2):  # one after the other: the first one migrates the database
                st.pools.append(start_pool(workdir, db_url, "interactive", env, st.redis.url,
                                           _kth(process_prefixes, k, cpu_prefix)))
            st.pools.append(start_pool(workdir, db_url, "background", env, st.redis.url, cpu_prefix))
        else:
            raise ValueError(f"mode must be single or redis, not {mode!r}")
    except Exception:
        st.stop()
        raise
    return st


@dataclass
class FloorServer:
    port: int
    proc: subprocess.Popen
    log_path: Path

    @property
    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{self.port}"]

    def interactive_worker_pids(self) -> list[int]:
        return worker_pids(self.proc.pid)

    def log_tail(self) -> str:
        return tail(self.log_path)

    def log_summary(self) -> dict:
        text = self.log_tail()
        return {"found": True, "by_level": {"ERROR": text.count("ERROR"), "WARNING": text.count("WARNING")}}

    def stop(self) -> None:
        kill_group(self.proc)


FLOOR_CONFIG = """# written by tests/bench/servers.py: the floor app's own Gunicorn config (without one, Gunicorn
# would load the repository's gunicorn.conf.py from the working directory)
worker_class = "geventwebsocket.gunicorn.workers.GeventWebSocketWorker"
workers = 1
worker_connections = 10000
timeout = 60
keepalive = 5
loglevel = "warning"
bind = ["127.0.0.1:{port}"]
pidfile = {pidfile!r}
"""


def start_floor(workdir: Path | None = None, timeout: float = 30, cpu_prefix: list[str] | None = None,
                redis_url: str | None = None) -> FloorServer:
    """The floor app under the same worker class and connection limit as ShareTube's gunicorn.conf.py,
    from a config file of its own in `workdir`; with `redis_url`, sharing rooms with the other floor
    processes through Flask-SocketIO's Redis manager."""
    workdir = Path(workdir or tempfile.mkdtemp(prefix="st-floor-"))
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log_path = workdir / f"floor-{port}.log"
    config = workdir / f"floor-{port}.gunicorn.conf.py"
    config.write_text(FLOOR_CONFIG.format(port=port, pidfile=str(workdir / f"floor-{port}.pid")))
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    env.update({"PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"})
    if redis_url:
        env["FLOOR_MESSAGE_QUEUE"] = redis_url
    with log_path.open("ab") as out:
        proc = subprocess.Popen([*(cpu_prefix or []), str(ROOT / ".venv/bin/gunicorn"), "-c", str(config),
                                 "tests.bench.floor_app:app"],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    floor = FloorServer(port, proc, log_path)
    try:
        wait_healthy(floor.urls[0], proc, timeout, log_path)
    except Exception:
        floor.stop()
        raise
    return floor


@dataclass
class FloorCluster:
    """capacity's floor: one floor process (`single`), or two sharing rooms through a Redis (`redis`),
    with the same face as ShareTube's (urls, worker pids, redis, stop)."""
    mode: str
    servers: list[FloorServer] = field(default_factory=list)
    redis: Redis | None = None

    @property
    def urls(self) -> list[str]:
        return [u for s in self.servers for u in s.urls]

    def interactive_worker_pids(self) -> list[int]:
        return [pid for s in self.servers for pid in s.interactive_worker_pids()]

    def all_worker_pids(self) -> list[int]:
        return self.interactive_worker_pids()

    def log_summary(self) -> dict:
        found = [s.log_summary()["by_level"] for s in self.servers]
        return {"found": True, "by_level": {k: sum(f[k] for f in found) for k in ("ERROR", "WARNING")}}

    def stop(self) -> None:
        for s in self.servers:
            s.stop()
        if self.redis is not None:
            self.redis.stop()


def start_floor_cluster(mode: str, workdir: Path, cpu_prefix: list[str] | None = None,
                        redis_unix: bool = False, process_prefixes: list[list[str]] | None = None) -> FloorCluster:
    cluster = FloorCluster(mode)
    try:
        if mode == "single":
            cluster.servers.append(start_floor(workdir, cpu_prefix=_kth(process_prefixes, 0, cpu_prefix)))
        elif mode == "redis":
            cluster.redis = start_redis(workdir, cpu_prefix=cpu_prefix, unix=redis_unix)
            for k in range(2):
                cluster.servers.append(start_floor(workdir, cpu_prefix=_kth(process_prefixes, k, cpu_prefix),
                                                   redis_url=cluster.redis.url))
        else:
            raise ValueError(f"mode must be single or redis, not {mode!r}")
    except Exception:
        cluster.stop()
        raise
    return cluster
