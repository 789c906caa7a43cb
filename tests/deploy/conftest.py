"""Shared helpers for the deployment generator tests: run it, give it an app to point at."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GENERATOR = REPO / "deploy" / "setup_deploy.py"
NGINX = "/usr/sbin/nginx"


def run_generator(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """deploy/setup_deploy.py as an operator runs it: a separate process, text output."""
    return subprocess.run(
        [sys.executable, str(GENERATOR), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def generate(*args: str | Path) -> subprocess.CompletedProcess[str]:
    result = run_generator(*args)
    assert result.returncode == 0, result.stderr
    return result


def printed_commands(stdout: str) -> list[str]:
    """The lines after 'Install (as root):' up to the first-admin hint, blank lines dropped."""
    tail = stdout.split("Install (as root):", 1)[1].split("\nFirst dashboard admin", 1)[0]
    return [line for line in tail.splitlines() if line.strip()]


def first_admin_line(stdout: str) -> str:
    """The command printed under 'First dashboard admin …:'."""
    return stdout.split("\nFirst dashboard admin", 1)[1].splitlines()[1]


def unit_settings(path: Path) -> dict[str, list[str]]:
    """Key -> every value it has in a unit file (Environment= repeats)."""
    settings: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            settings.setdefault(key, []).append(value)
    return settings


def consecutive_free_ports(count: int) -> int:
    """First of `count` consecutive ports that are free on 127.0.0.1 right now."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first = probe.getsockname()[1]
        if first + count > 65535:
            continue
        sockets = []
        try:
            for port in range(first, first + count):
                sock = socket.socket()
                sockets.append(sock)
                sock.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
    raise RuntimeError(f"no {count} consecutive free ports")


@pytest.fixture
def built_app(tmp_path: Path) -> Path:
    """A checkout with built portals (what nginx serves itself) and a config file."""
    app = tmp_path / "app"
    files = {
        "mobile_remote/dist/index.html": "<!doctype html><title>remote</title>",
        "mobile_remote/dist/remote.js": "console.log('remote');",
        "dashboard/dist/index.html": "<!doctype html><title>dashboard</title>",
        "dashboard/dist/dashboard.js": "console.log('dashboard');",
        "gunicorn.conf.py": "",
    }
    for name, text in files.items():
        (app / name).parent.mkdir(parents=True, exist_ok=True)
        (app / name).write_text(text, encoding="utf-8")
    return app


def wrapper_conf(work: Path, sites: list[Path]) -> Path:
    """A private nginx.conf including the sites, as Debian's includes sites-enabled/*."""
    (work / "temp").mkdir(parents=True, exist_ok=True)
    temp = work / "temp"
    includes = "\n".join(f"    include {site};" for site in sites)
    user = "user root;\n" if os.geteuid() == 0 else ""  # tmp dirs are private to the tester
    conf = work / "nginx.conf"
    conf.write_text(f"""{user}daemon off;
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/error.log;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {work}/access.log;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
{includes}
}}
""")
    return conf


def start_nginx(conf: Path, port: int) -> subprocess.Popen[bytes]:
    """nginx in the foreground with the wrapper config; returns once `port` accepts."""
    work = conf.parent
    process = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(work), "-e", str(work / "error.log")])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError((work / "error.log").read_text())
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.05)
    process.terminate()
    process.wait(timeout=10)
    raise AssertionError(f"nginx did not listen on {port}")
