"""A fresh host, as deploy/README.md walks it: no certificate yet, so `--letsencrypt` starts on
plain HTTP and prints the certbot step; the same command, run again once the certificate
exists, moves the site and the units to HTTPS and keeps the env file. Then the printed
first-admin command, run against a real database, prints a sign-in link to the public URL."""

from __future__ import annotations

import re
import shlex
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.deploy.conftest import (
    REPO,
    first_admin_line,
    generate,
    printed_commands,
    run_generator,
    unit_settings,
    wrapper_conf,
)
from tests.deploy.test_deploy_nginx import nginx_test, self_signed

V = "v1-03"
DOMAIN = "watch.example.org"


def args(app: Path, out: Path, letsencrypt: Path) -> list[str | Path]:
    return ["--app-dir", app, "--version", V, "--output-dir", out, "--domain", DOMAIN,
            "--letsencrypt", "--letsencrypt-dir", letsencrypt]


def test_fresh_host_plain_http_then_https_with_the_same_command(tmp_path: Path, built_app: Path) -> None:
    out, letsencrypt = tmp_path / "out", tmp_path / "letsencrypt"
    site, unit, env = out / "nginx" / f"{V}.conf", out / f"ShareTube.{V}.service", out / f"sharetube.{V}.env"

    first = generate(*args(built_app, out, letsencrypt))
    commands = printed_commands(first.stdout)
    assert f"certbot certonly --webroot -w /var/www/html -d {DOMAIN}" in commands
    assert "apt-get install -y certbot" in commands
    assert f"curl -fsS http://{DOMAIN}/api/health" in commands
    assert "ssl_certificate" not in site.read_text() and "listen 80;" in site.read_text()
    assert "location ^~ /.well-known/acme-challenge/" in site.read_text()
    assert f"BACKEND_BASE_URL=http://{DOMAIN}" in unit_settings(unit)["Environment"]
    assert nginx_test(wrapper_conf(tmp_path / "nginx1", [site])).returncode == 0
    secrets_before = env.read_text()

    live = letsencrypt / "live" / DOMAIN  # where certbot puts it
    live.mkdir(parents=True)
    cert, key = self_signed(tmp_path)
    cert.rename(live / "fullchain.pem")
    key.rename(live / "privkey.pem")
    again = generate(*args(built_app, out, letsencrypt))
    commands = printed_commands(again.stdout)
    assert not any("certbot" in line for line in commands)
    assert f"curl -fsS https://{DOMAIN}/api/health" in commands
    text = site.read_text()
    assert f"ssl_certificate {live / 'fullchain.pem'};" in text
    assert f"ssl_certificate_key {live / 'privkey.pem'};" in text
    assert "return 301 https://$host$request_uri;" in text
    assert f"BACKEND_BASE_URL=https://{DOMAIN}" in unit_settings(unit)["Environment"]
    assert env.read_text() == secrets_before, "re-running keeps the env file and its secrets"
    result = nginx_test(wrapper_conf(tmp_path / "nginx2", [site]))
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("domain", ["localhost", "203.0.113.7"])
def test_letsencrypt_needs_a_host_name(tmp_path: Path, built_app: Path, domain: str) -> None:
    result = run_generator("--app-dir", built_app, "--version", V, "--output-dir", tmp_path / "out",
                           "--domain", domain, "--letsencrypt")
    assert result.returncode == 2
    assert "--letsencrypt needs the public host name in --domain" in result.stderr
    assert not (tmp_path / "out").exists()


def test_letsencrypt_and_explicit_certificate_files_exclude_each_other(tmp_path: Path, built_app: Path) -> None:
    cert, key = self_signed(tmp_path)
    result = run_generator("--app-dir", built_app, "--version", V, "--output-dir", tmp_path / "out",
                           "--domain", DOMAIN, "--letsencrypt", "--tls-cert", cert, "--tls-key", key)
    assert result.returncode == 2 and "drop --tls-cert and --tls-key" in result.stderr


def test_a_missing_certificate_file_points_to_letsencrypt(tmp_path: Path, built_app: Path) -> None:
    result = run_generator("--app-dir", built_app, "--version", V, "--output-dir", tmp_path / "out",
                           "--domain", DOMAIN, "--tls-cert", tmp_path / "none.pem", "--tls-key", tmp_path / "k.pem")
    assert result.returncode == 2 and "use --letsencrypt" in result.stderr


def test_the_printed_first_admin_command_makes_an_admin_link_to_the_public_url(tmp_path: Path) -> None:
    """Run the printed line with this checkout as the app (the service account's part, runuser,
    is dropped: the test runs as whoever runs it) on a SQLite database named in the env file."""
    out, instance = tmp_path / "out", tmp_path / "instance"
    result = generate("--app-dir", REPO, "--venv", REPO / ".venv", "--instance-dir", instance,
                      "--version", V, "--output-dir", out, "--domain", DOMAIN)
    line = first_admin_line(result.stdout)
    assert "runuser -u sharetube -- " in line and "you@example.org" in line
    env_file = out / f"sharetube.{V}.env"
    database = tmp_path / "sharetube.db"
    text = env_file.read_text()
    text = re.sub(r"(?m)^DATABASE_URL=.*$", f"DATABASE_URL=sqlite:///{database}", text)
    text = re.sub(r"(?m)^SOCKETIO_MESSAGE_QUEUE=.*$", "SOCKETIO_MESSAGE_QUEUE=", text)  # no Redis here
    env_file.write_text(text)
    instance.mkdir()
    migrate = line.replace("runuser -u sharetube -- ", "").replace(
        "sharetube admin-link you@example.org", "sharetube upgrade-db")
    subprocess.run(["bash", "-c", migrate], check=True, capture_output=True, timeout=120)

    command = line.replace("runuser -u sharetube -- ", "").replace("you@example.org", "first@example.org")
    made = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    link = made.stdout.strip().splitlines()[-1]
    assert link.startswith(f"http://{DOMAIN}/dashboard/login#token="), made.stdout
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT role FROM users WHERE email = 'first@example.org'").fetchall() == [("admin",)]
    assert (instance / "ShareTube.log").exists(), "the app's own INSTANCE_DIR, from the units' values"


def test_readme_first_admin_block_is_what_the_generator_prints_after_https(tmp_path: Path, built_app: Path) -> None:
    readme = (REPO / "deploy" / "README.md").read_text()
    block = readme.split("<!-- first-admin-command -->", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0].strip()
    generate_block = readme.split("<!-- generate-command -->", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    command = shlex.split(generate_block.replace("\\\n", " "))[4:]
    command[command.index("--this")] = f"--app-dir={built_app}"
    live = tmp_path / "letsencrypt" / "live" / "sharetube.example.org"
    live.mkdir(parents=True)
    for name in ("fullchain.pem", "privkey.pem"):  # after certbot (the generator only checks they exist)
        (live / name).write_text("stand-in\n")
    result = generate(*[arg.replace("/srv/sharetube", str(built_app)) for arg in command],
                      "--letsencrypt-dir", tmp_path / "letsencrypt")
    assert first_admin_line(result.stdout).replace(str(built_app), "/srv/sharetube") == block
