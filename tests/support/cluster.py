"""Real processes for integration tests: redis-server and Gunicorn pools on loopback ports."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import requests

from tests.support.databases import ROOT, free_port


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
        import redis
        client = redis.Redis(port=self.port)
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


class ServerProc:
    """One Gunicorn pool (`single`, `interactive` or `background`) of ShareTube."""

    def __init__(self, workdir: Path, db_url: str, *, pool: str = "single", redis_url: str | None = None,
                 port: int | None = None, workers: int = 1, env: dict | None = None) -> None:
        self.port = port or free_port()
        self.pool = pool
        self.log_path = workdir / f"gunicorn-{pool}-{self.port}.log"
        self.env = {**os.environ, "INSTANCE_DIR": str(workdir / "instance"), "DATABASE_URL": db_url,
                    "SHARETUBE_POOL": pool, "LISTEN_PORT": str(self.port), "SHARETUBE_LOG_STDOUT": "1",
                    "YOUTUBE_OEMBED_URL": "http://127.0.0.1:9/oembed", "LOG_LEVEL": "INFO",
                    "PYTHONPATH": str(ROOT), "WEB_WORKERS": str(workers), "BG_WORKERS": str(workers),
                    "PROMETHEUS_MULTIPROC_DIR": str(workdir / f"prom-{pool}-{self.port}")}
        if pool == "background":
            self.env["BG_BIND"] = f"127.0.0.1:{self.port}"
        if redis_url:
            self.env["SOCKETIO_MESSAGE_QUEUE"] = redis_url
        self.env.update(env or {})
        self.proc: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, wait: bool = True) -> ServerProc:
        Path(self.env["PROMETHEUS_MULTIPROC_DIR"]).mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"),
                                      "--pid", str(self.log_path.with_suffix(".pid")), "server.wsgi:app"],
                                     cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        log.close()
        if wait:
            self.wait_healthy()
        return self

    def wait_healthy(self, timeout: float = 40) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc and self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.proc.returncode}):\n{self.log()}")
            try:
                if requests.get(self.base_url + "/api/health", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn not healthy in {timeout}s:\n{self.log()}")

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True).stdout
        return [int(p) for p in out.split()]

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Kill the whole pool (master and workers), as a crash would."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            self.proc.wait(15)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-6000:]
        except OSError:
            return ""
