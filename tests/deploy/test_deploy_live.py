"""The generated units start the real service, and the generated nginx site serves it.

Each unit's ExecStart runs with the environment systemd would give it (Environment= lines,
then the env file on top), from its WorkingDirectory, as systemd would order them (the first
interactive process first). A private Redis is the message queue; SQLite keeps the test light
(PostgreSQL is covered by test_deploy_postgres.py). A guest then signs in and opens a Socket.IO
websocket through nginx.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import signal
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.deploy.conftest import (
    NGINX,
    REPO,
    consecutive_free_ports,
    generate,
    start_nginx,
    unit_settings,
    wrapper_conf,
)

V = "live1"
GUNICORN = REPO / ".venv" / "bin" / "gunicorn"
pytestmark = [
    pytest.mark.live,
    pytest.mark.redis,
    pytest.mark.skipif(not Path(NGINX).exists(), reason="Debian nginx not installed"),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server not installed"),
    pytest.mark.skipif(not GUNICORN.exists(), reason="the repo's .venv has no gunicorn"),
]


def as_systemd_runs(unit: Path, env_file: Path, instance: str = "") -> tuple[dict[str, str], list[str], str]:
    """(environment, argv, working directory) of a unit, %i replaced by `instance`."""
    settings = {key: [v.replace("%i", instance) for v in values]
                for key, values in unit_settings(unit).items()}
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    env.update(item.split("=", 1) for item in settings["Environment"])
    for line in env_file.read_text().splitlines():
        match = re.match(r"^([A-Z][A-Z0-9_]*)=(.*)$", line)
        if match:
            env[match.group(1)] = match.group(2)
    return env, shlex.split(settings["ExecStart"][0]), settings["WorkingDirectory"][0]


def health(port: int, timeout_s: float = 60) -> dict[str, object]:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as answer:
                return json.load(answer)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[dict[str, object]]:
    first = consecutive_free_ports(5)  # web, web, background, nginx, redis
    out, instance = tmp_path / "out", tmp_path / "instance"
    generate("--app-dir", REPO, "--version", V, "--output-dir", out, "--instance-dir", instance,
             "--listen-port", first, "--http-port", first + 3, "--nginx-address", "127.0.0.1")
    instance.mkdir()
    env_file = out / f"sharetube.{V}.env"
    text = re.sub(r"(?m)^DATABASE_URL=.*$", f"DATABASE_URL=sqlite:///{instance}/sharetube.db",
                  env_file.read_text())
    env_file.write_text(re.sub(r"(?m)^SOCKETIO_MESSAGE_QUEUE=.*$",
                               f"SOCKETIO_MESSAGE_QUEUE=redis://127.0.0.1:{first + 4}/0", text))
    processes = [subprocess.Popen(["redis-server", "--port", str(first + 4), "--bind", "127.0.0.1",
                                   "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)]
    units = [(out / f"ShareTube.{V}.service", "", first),
             (out / f"ShareTube.{V}@.service", str(first + 1), first + 1),
             (out / f"ShareTube.{V}.bg.service", "", first + 2)]
    try:
        for unit, instance_name, port in units:
            env, argv, cwd = as_systemd_runs(unit, env_file, instance_name)
            log = (tmp_path / f"{unit.name}{instance_name}.log").open("wb")
            processes.append(subprocess.Popen(argv, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT))
            log.close()
            if not instance_name and port == first:
                health(port)  # After=: the others start once the first has migrated
        conf = wrapper_conf(tmp_path / "nginx", [out / "nginx" / f"{V}.conf"])
        processes.append(start_nginx(conf, first + 3))
        yield {"ports": [first, first + 1, first + 2], "nginx": first + 3, "instance": instance}
    finally:
        for process in reversed(processes):
            stop(process)


def test_units_start_both_pools_and_nginx_carries_a_socket(deployment: dict[str, object]) -> None:
    socketio = pytest.importorskip("socketio")
    web, web2, background = deployment["ports"]
    for port, pool in ((web, "interactive"), (web2, "interactive"), (background, "background")):
        answer = health(port)
        assert (answer["ok"], answer["pool"], answer["version"]) == (True, pool, V)
    pid_files = sorted(p.name for p in deployment["instance"].glob("*.pid"))
    assert pid_files == sorted([f"ShareTube.{web}.pid", f"ShareTube.{web2}.pid", "ShareTube.bg.pid"])

    public = f"http://localhost:{deployment['nginx']}"
    request = urllib.request.Request(f"{public}/auth/guest", data=json.dumps({"name": "Ops"}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        token = json.load(answer)["access_token"]
    client, hello = socketio.Client(reconnection=False), threading.Event()
    client.on("hello", lambda data: hello.set())
    client.connect(public, auth={"token": token}, transports=["websocket"], wait_timeout=10)
    try:
        assert hello.wait(10)
        assert client.transport() == "websocket"
    finally:
        client.disconnect()
