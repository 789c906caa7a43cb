"""`./RESTART.sh` as a new user runs it, in a fresh checkout (issue 18 items 2 and 3).

A failed start says why in one line, fast (production with the default secrets; a database that
cannot be reached, named without its password); `.env` and a non-default port reach every
command (the service, the next steps it prints, `./RESTART.sh admin-link`); listening on all
interfaces prints the address a phone uses; Ctrl-C while following the logs says the service
keeps running and how to stop it.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.support.checkout import ROOT, make_checkout, restart_env, run_restart, stop_instance
from tests.support.databases import free_port

FAIL_FAST_S = 5.0
DB_FAIL_FAST_S = 10.0


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_checkout(tmp_path_factory.mktemp("fresh-clone") / "ShareTube")


@pytest.fixture
def instance(tmp_path: Path) -> Path:
    return tmp_path / "instance"


def started_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "did not start" in line]


def test_help_is_the_usage_and_nothing_else(checkout: Path) -> None:
    result = run_restart(checkout, "--help", env=restart_env())
    assert result.returncode == 0
    assert result.stdout.splitlines()[0].startswith("Start (or restart) ShareTube")
    assert "admin-link EMAIL" in result.stdout and "stop" in result.stdout
    assert "set -e" not in result.stdout and "#" not in result.stdout, result.stdout
    assert result.stderr == ""


def test_production_with_default_secrets_fails_fast_with_the_reason(checkout: Path, instance: Path) -> None:
    env = restart_env(ENV="production", ST_SKIP_NODE="1", LISTEN_PORT=str(free_port()), INSTANCE_DIR=str(instance))
    began = time.monotonic()
    result = run_restart(checkout, "--no-follow", env=env)
    elapsed = time.monotonic() - began
    assert result.returncode == 1
    lines = started_lines(result.stderr)
    assert len(lines) == 1, result.stderr
    assert "configuration" in lines[0]
    assert "production with the default SECRET_KEY and JWT_SECRET" in lines[0]
    assert "migration" not in result.stderr, "the real reason, not a mislabelled step"
    assert "Traceback" not in result.stderr
    assert elapsed < FAIL_FAST_S, f"took {elapsed:.1f} s"
    assert not (instance / "ShareTube.pid").exists() or not _alive(instance / "ShareTube.pid")


@pytest.mark.parametrize("host", ["127.0.0.1", "db.sharetube.invalid"])
def test_unreachable_database_is_named_without_its_password(checkout: Path, instance: Path, host: str) -> None:
    port = free_port()  # nothing listens there
    password = "pw-Very-S3cret"
    url = f"postgresql+psycopg://sharetube:{password}@{host}:{port}/sharetube_db"
    env = restart_env(ST_SKIP_NODE="1", LISTEN_PORT=str(free_port()), INSTANCE_DIR=str(instance), DATABASE_URL=url)
    began = time.monotonic()
    result = run_restart(checkout, "--no-follow", env=env)
    elapsed = time.monotonic() - began
    assert result.returncode == 1
    lines = started_lines(result.stderr)
    assert len(lines) == 1, result.stderr
    assert "database" in lines[0] and f"{host}:{port}" in lines[0] and "sharetube_db" in lines[0], lines[0]
    assert password not in result.stderr + result.stdout
    assert password not in (instance / "ShareTube.console.log").read_text()
    assert elapsed < DB_FAIL_FAST_S, f"took {elapsed:.1f} s"


def _alive(pid_file: Path) -> bool:
    try:
        os.kill(int(pid_file.read_text()), 0)
        return True
    except (OSError, ValueError):
        return False


@pytest.fixture
def env_file_instance(checkout: Path, tmp_path: Path) -> Iterator[tuple[dict[str, str], int, Path]]:
    """A `.env` in the checkout: a non-default port, its own instance folder and database file."""
    port = free_port()
    instance = tmp_path / "from-dotenv"
    database = tmp_path / "kept-in-dotenv.db"
    (checkout / ".env").write_text(
        f"# settings of this instance\nLISTEN_PORT={port}\nINSTANCE_DIR=\"{instance}\"\n"
        f"export DATABASE_URL=sqlite:///{database}\n")
    env = restart_env(ST_SKIP_NODE="1")
    yield env, port, database
    stop_instance(checkout, env, instance)
    (checkout / ".env").unlink()


def test_env_file_and_port_reach_the_service_next_steps_and_admin_link(checkout: Path, env_file_instance) -> None:
    env, port, database = env_file_instance
    base = f"http://127.0.0.1:{port}"
    result = run_restart(checkout, "--no-follow", env=env)
    assert result.returncode == 0, result.stderr
    assert requests.get(f"{base}/api/health", timeout=5).status_code == 200
    assert database.is_file(), "DATABASE_URL from .env is the database the service uses"
    # Next steps: the real URL, the exact commands for THIS instance (the settings are in .env,
    # so the plain commands work), how to stop.
    out = result.stdout
    assert f"Open {base}/" in out
    assert "./RESTART.sh admin-link you@example.com" in out
    assert "./RESTART.sh stop" in out
    assert ":5077" not in out + result.stderr

    link = run_restart(checkout, "admin-link", "first.admin@example.com", env=env)
    assert link.returncode == 0, link.stderr
    url = link.stdout.strip().splitlines()[-1]
    assert url.startswith(f"{base}/dashboard/login#token="), url
    # The link works on the running service: the code was written to the database it reads.
    code = url.split("#token=", 1)[1]
    opened = requests.post(f"{base}/api/admin/session", json={"code": code}, timeout=5)
    assert opened.status_code == 200, opened.text
    assert opened.json()["user"]["email"] == "first.admin@example.com"

    # The dashboard's sign-in hint, run as shown, is such a command.
    hint = re.search(r'const CLI_HINT = "([^"]+)";', (ROOT / "dashboard/src/views/signin.js").read_text()).group(1)
    shown = subprocess.run(["bash", "-c", hint.replace("you@example.com", "second.admin@example.com")],
                           cwd=checkout, env=env, capture_output=True, text=True, timeout=120)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip().startswith(f"{base}/dashboard/login#token=")
    # The flask CLI itself reads .env too (python-dotenv): same port, same database.
    direct = subprocess.run([str(checkout / ".venv/bin/flask"), "--app", "server", "sharetube", "admin-link",
                             "third.admin@example.com"], cwd=checkout, env={**env, "RUN_SCHEDULER": "false",
                             "SOCKETIO_ASYNC_MODE": "threading", "SHARETUBE_LOG_STDOUT": "0"},
                            capture_output=True, text=True, timeout=120)
    assert direct.returncode == 0, direct.stderr
    direct_code = direct.stdout.strip().split("#token=", 1)[1]
    assert direct.stdout.startswith(f"{base}/dashboard/login#token=")
    assert requests.post(f"{base}/api/admin/session", json={"code": direct_code}, timeout=5).status_code == 200

    stopped = run_restart(checkout, "stop", env=env)
    assert stopped.returncode == 0
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{base}/api/health", timeout=2)


def test_environment_wins_over_env_file_and_is_repeated_in_the_commands(checkout: Path, tmp_path: Path) -> None:
    port = free_port()
    (checkout / ".env").write_text("LISTEN_PORT=5077\n")
    instance = tmp_path / "cli-instance"
    env = restart_env(ST_SKIP_NODE="1", LISTEN_PORT=str(port), INSTANCE_DIR=str(instance))
    try:
        result = run_restart(checkout, "--no-follow", env=env)
        assert result.returncode == 0, result.stderr
        assert f"http://127.0.0.1:{port}/" in result.stdout
        expected = f"INSTANCE_DIR={instance} LISTEN_PORT={port} ./RESTART.sh admin-link you@example.com"
        assert expected in result.stdout, result.stdout
        # The printed stop command, run as printed (without the test's environment), stops this instance.
        printed = re.search(r"Stop the service: (INSTANCE_DIR=\S+ LISTEN_PORT=\d+ ./RESTART.sh stop)$",
                            result.stdout, re.M)
        assert printed, result.stdout
        subprocess.run(["bash", "-c", printed.group(1)], cwd=checkout, env=restart_env(), check=True,
                       capture_output=True, timeout=60)
        with pytest.raises(requests.ConnectionError):
            requests.get(f"http://127.0.0.1:{port}/api/health", timeout=2)
    finally:
        stop_instance(checkout, env, instance)
        (checkout / ".env").unlink()


def _settings(checkout: Path, **env: str) -> str:
    script = ('source scripts/bootstrap.sh; source scripts/restart_lib.sh; st_load_settings /dev/null; '
              'echo "$BACKEND_BASE_URL"')
    return subprocess.run(["bash", "-c", script], cwd=checkout, env=restart_env(**env), capture_output=True,
                          text=True, check=True).stdout.strip()


def test_listening_on_all_interfaces_prints_the_address_a_phone_uses(checkout: Path, tmp_path: Path) -> None:
    url = _settings(checkout, LISTEN_HOST="0.0.0.0", LISTEN_PORT="5211", INSTANCE_DIR=str(tmp_path / "i"))
    assert "0.0.0.0" not in url
    host = re.fullmatch(r"http://([0-9.]+):5211", url)
    assert host, url
    own = subprocess.run(["hostname", "-I"], capture_output=True, text=True).stdout.split()
    assert host.group(1) in own or host.group(1) == "127.0.0.1", (url, own)
    # An explicit public URL is kept as given.
    assert _settings(checkout, LISTEN_HOST="0.0.0.0", BACKEND_BASE_URL="https://watch.example.org/",
                     INSTANCE_DIR=str(tmp_path / "i")) == "https://watch.example.org"


def test_ctrl_c_while_following_says_the_service_keeps_running(checkout: Path, tmp_path: Path) -> None:
    port = free_port()
    instance = tmp_path / "follow"
    env = restart_env(ST_SKIP_NODE="1", LISTEN_PORT=str(port), INSTANCE_DIR=str(instance))
    proc = subprocess.Popen(["./RESTART.sh"], cwd=checkout, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        time.sleep(1.0)  # RESTART.sh prints its next steps and starts following
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the whole foreground group
        out, err = proc.communicate(timeout=20)
        assert proc.returncode == 0, err
        assert "Next steps:" in out
        assert "ShareTube keeps running" in err and f"LISTEN_PORT={port} ./RESTART.sh stop" in err, err
        assert requests.get(f"http://127.0.0.1:{port}/api/health", timeout=5).status_code == 200
    finally:
        if proc.poll() is None:
            proc.kill()
        stop_instance(checkout, env, instance)


def test_restart_reads_env_like_the_flask_cli_does(checkout: Path, tmp_path: Path) -> None:
    """RESTART.sh and `flask` (python-dotenv) must read the same .env the same way, or the admin
    link and the service could disagree about the instance."""
    from dotenv import dotenv_values

    env_file = tmp_path / "sample.env"
    env_file.write_text("# comment\nA=1 # note\nB=\"x # y\"\nexport C='q'\nE=http://h:1/#frag\nF=\n"
                        "INSTANCE_DIR=/srv/x y\n")
    names = ["A", "B", "C", "E", "F", "INSTANCE_DIR"]
    script = ("source scripts/bootstrap.sh; source scripts/restart_lib.sh; st_load_env_file \"$1\"; "
              + "; ".join(f'printf "%s\\n" "${name}"' for name in names))
    out = subprocess.run(["bash", "-c", script, "bash", str(env_file)], cwd=checkout,
                         env=restart_env(), capture_output=True, text=True, check=True).stdout.splitlines()
    assert dict(zip(names, out, strict=True)) == {k: v for k, v in dotenv_values(env_file).items() if k in names}
    # The environment wins over .env, in both.
    kept = subprocess.run(["bash", "-c", 'source scripts/bootstrap.sh; source scripts/restart_lib.sh; '
                           'st_load_env_file "$1"; echo "$A"', "bash", str(env_file)], cwd=checkout,
                          env=restart_env(A="from-environment"), capture_output=True, text=True, check=True)
    assert kept.stdout.strip() == "from-environment"


def test_printed_commands_never_show_the_database_password(checkout: Path, tmp_path: Path) -> None:
    url = "postgresql+psycopg://st:pa%40ss-S3cret@db.example.org:5432/sharetube"
    script = 'source scripts/bootstrap.sh; source scripts/restart_lib.sh; st_load_settings /dev/null; st_command stop'
    out = subprocess.run(["bash", "-c", script], cwd=checkout, capture_output=True, text=True, check=True,
                         env=restart_env(DATABASE_URL=url, INSTANCE_DIR=str(tmp_path / "i"))).stdout
    assert "S3cret" not in out and "pa%40ss" not in out
    assert "DATABASE_URL=postgresql+psycopg://st:PASSWORD@db.example.org:5432/sharetube" in out
