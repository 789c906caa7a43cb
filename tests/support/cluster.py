"""Several real processes for integration tests: a redis-server, and Gunicorn pools of ShareTube
(single, interactive, background) sharing one database, one Redis and one set of secrets."""
from __future__ import annotations

import shutil
import signal
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from tests.support.databases import free_port
from tests.support.live_server import LiveServer

SHARED_SECRETS = {"SECRET_KEY": "cluster-secret-" + "s" * 32, "JWT_SECRET": "cluster-jwt-" + "j" * 32}


class RedisServer:
    def __init__(self, workdir: Path) -> None:
        self.dir = workdir
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        exe = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.proc = subprocess.Popen([exe, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no", "--dir", str(self.dir)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = self.client()
        for _ in range(100):
            try:
                client.ping()
                return
            except Exception:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)

    def client(self):
        import redis
        return redis.Redis(port=self.port, decode_responses=True)


class ServerProc(LiveServer):
    """One Gunicorn pool of a cluster: same database, Redis and secrets as its siblings."""

    def __init__(self, workdir: Path, db_url: str, *, pool: str = "single", redis_url: str | None = None,
                 workers: int = 1, env: dict | None = None) -> None:
        extra = {**SHARED_SECRETS, "BG_WORKERS": str(workers), **(env or {})}
        if redis_url:
            extra["SOCKETIO_MESSAGE_QUEUE"] = redis_url
        super().__init__(workdir / "instance", db_url, extra, workers, pool)  # one instance folder, as on a host
        self.pool = pool
        if pool == "background":
            self.env["BG_BIND"] = f"127.0.0.1:{self.port}"

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Kill the whole pool (master and workers) at once, as a crash would."""
        self.stop(sig)


@contextmanager
def processes_on_redis(tmp_path: Path, db_url: str, pools: Sequence[str] = ("interactive", "interactive"),
                       env: Mapping[str, str] | None = None) -> Iterator[list[ServerProc]]:
    """A private redis-server and one ShareTube process per pool on it (one database), all
    stopped at the end: the usual two-process room for state that crosses processes."""
    redis = RedisServer(tmp_path)
    procs: list[ServerProc] = []
    try:
        for pool in pools:
            procs.append(ServerProc(tmp_path, db_url, pool=pool, redis_url=redis.url, env=dict(env or {})).start())
        yield procs
    finally:
        for proc in procs:
            proc.stop()
        redis.stop()
