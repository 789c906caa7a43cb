"""deploy/setup_deploy.py: the files it writes, what it prints, what it refuses."""

from __future__ import annotations

import importlib.util
import re
import shlex
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.deploy.conftest import (
    REPO,
    generate,
    printed_commands,
    run_generator,
    unit_settings,
)
from tests.support.config_vars import env_example_names, python_env_reads

V = "v1-03"


def env_values(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines()
             if re.match(r"^[A-Z_]+=", line))
    return dict(pairs)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "out"


def test_writes_the_files_named_after_the_version(out: Path) -> None:
    result = generate("--this", "--version", f"ShareTube-{V}", "--output-dir", out)
    names = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert names == sorted([
        f"ShareTube.{V}.service", f"ShareTube.{V}@.service", f"ShareTube.{V}.bg.service",
        f"ShareTube.{V}.target", f"nginx/{V}.conf", f"sharetube.{V}.env",
        f"postgresql.{V}.sql",
    ])
    for secret_file in (f"sharetube.{V}.env", f"postgresql.{V}.sql"):
        assert stat.S_IMODE((out / secret_file).stat().st_mode) == 0o600
    assert f"ShareTube {V}: files in {out}" in result.stdout


def test_units_run_each_pool_on_its_own_port_under_one_target(out: Path) -> None:
    generate("--this", "--version", V, "--output-dir", out, "--web-processes", "3",
             "--web-workers", "2", "--bg-workers", "3", "--domain", "watch.example.org")
    web = unit_settings(out / f"ShareTube.{V}.service")
    template = unit_settings(out / f"ShareTube.{V}@.service")
    bg = unit_settings(out / f"ShareTube.{V}.bg.service")
    venv, conf, inst = REPO / ".venv/bin/gunicorn", REPO / "gunicorn.conf.py", REPO / f"instance/ShareTube-{V}"
    gunicorn = f"{venv} -c {conf} --bind 127.0.0.1"
    # Each interactive process has its own pid file (gunicorn.conf.py's is one per pool).
    assert web["ExecStart"] == [f"{gunicorn}:5077 --pid {inst}/ShareTube.5077.pid server.wsgi:app"]
    assert template["ExecStart"] == [f"{gunicorn}:%i --pid {inst}/ShareTube.%i.pid server.wsgi:app"]
    assert bg["ExecStart"] == [f"{gunicorn}:5080 server.wsgi:app"]
    assert "BG_BIND=127.0.0.1:5080" in bg["Environment"]
    # The first interactive process migrates the database before the others start.
    assert web["After"] == ["network-online.target redis-server.service postgresql.service"]
    for later in (template, bg):
        assert later["After"] == [f"{web['After'][0]} ShareTube.{V}.service"]
    for unit, pool, slots, port in ((web, "interactive", "0", "5077"),
                                    (template, "interactive", "0", "%i"),
                                    (bg, "background", "2", "5080")):
        env = unit["Environment"]
        assert {f"SHARETUBE_POOL={pool}", f"BACKGROUND_TASK_SLOTS={slots}",
                f"LISTEN_PORT={port}", "LISTEN_HOST=127.0.0.1", f"VERSION={V}",
                "BACKEND_BASE_URL=http://watch.example.org"} <= set(env)
        assert unit["EnvironmentFile"] == [str(out / f"sharetube.{V}.env")]
        assert unit["PartOf"] == [f"ShareTube.{V}.target"]
        assert unit["User"] == unit["Group"] == ["sharetube"]
        assert unit["WorkingDirectory"] == [str(REPO)]
        assert unit["Restart"] == ["always"] and unit["Type"] == ["notify"]
        assert unit["ReadWritePaths"] == [str(inst)]
        for key, value in (("NoNewPrivileges", "yes"), ("ProtectSystem", "strict"),
                           ("PrivateTmp", "yes"), ("ProtectHome", "yes")):
            assert unit[key] == [value]
    assert "WEB_WORKERS=2" in web["Environment"] and "BG_WORKERS=3" in bg["Environment"]
    target = unit_settings(out / f"ShareTube.{V}.target")
    assert target["Wants"] == [f"ShareTube.{V}.service ShareTube.{V}@5078.service "
                               f"ShareTube.{V}@5079.service ShareTube.{V}.bg.service"]
    assert target["WantedBy"] == ["multi-user.target"]


def test_one_web_process_needs_no_template(out: Path) -> None:
    generate("--this", "--version", V, "--output-dir", out, "--web-processes", "1")
    assert not (out / f"ShareTube.{V}@.service").exists()
    target = unit_settings(out / f"ShareTube.{V}.target")
    assert target["Wants"] == [f"ShareTube.{V}.service ShareTube.{V}.bg.service"]
    assert "BACKGROUND_TASK_SLOTS=2" in unit_settings(
        out / f"ShareTube.{V}.bg.service")["Environment"]


def test_env_example_documents_every_variable_the_app_reads() -> None:
    # the variables come from the code itself (tests/support/config_vars.py)
    missing = sorted(set(python_env_reads()) - env_example_names())
    assert missing == []
    active = env_values(REPO / "deploy" / "env.example")
    assert active["SECRET_KEY"] == active["JWT_SECRET"] == "change-me"
    assert active["ENV"] == "production"
    assert active["TRUSTED_PROXIES"] == "1"  # the generated nginx site is the one proxy in front
    assert active["SOCKETIO_MESSAGE_QUEUE"] == "redis://127.0.0.1:6379/0"
    assert active["DATABASE_URL"].startswith("postgresql+psycopg://sharetube:")
    assert active["DATABASE_URL"].endswith("@127.0.0.1:5432/sharetube")


def test_fresh_env_file_has_real_secrets_and_matching_sql(out: Path) -> None:
    generate("--this", "--version", V, "--output-dir", out)
    env = env_values(out / f"sharetube.{V}.env")
    assert len(env["SECRET_KEY"]) >= 48 and len(env["JWT_SECRET"]) >= 48
    assert env["SECRET_KEY"] != env["JWT_SECRET"]
    password = re.match(r"postgresql\+psycopg://sharetube:([0-9a-f]{48})@127\.0\.0\.1:5432/"
                        r"sharetube$", env["DATABASE_URL"]).group(1)
    assert f"PASSWORD '{password}'" in (out / f"postgresql.{V}.sql").read_text()
    for per_process in ("SHARETUBE_POOL", "LISTEN_PORT", "LISTEN_HOST", "BACKGROUND_TASK_SLOTS"):
        assert per_process not in env


def test_rerun_is_idempotent_and_keeps_secrets_unless_forced(out: Path) -> None:
    args = ("--this", "--version", V, "--output-dir", out)
    generate(*args)
    first = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    result = generate(*args)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == first
    assert "env file kept (existing secrets)" in result.stdout
    env_file = out / f"sharetube.{V}.env"
    generate(*args, "--force")
    assert env_values(env_file)["SECRET_KEY"] != env_values(
        out / f"sharetube.{V}.env.bak")["SECRET_KEY"]
    assert (out / f"sharetube.{V}.env.bak").read_bytes() == first[env_file]
    assert stat.S_IMODE((out / f"sharetube.{V}.env.bak").stat().st_mode) == 0o600


def test_env_file_that_pins_a_port_is_refused(out: Path) -> None:
    generate("--this", "--version", V, "--output-dir", out)
    env_file = out / f"sharetube.{V}.env"
    env_file.write_text(env_file.read_text() + "LISTEN_PORT=5077\n")
    result = run_generator("--this", "--version", V, "--output-dir", out)
    assert result.returncode == 2
    assert "sets LISTEN_PORT: the units set these per process" in result.stderr


def test_env_file_without_message_queue_is_refused(out: Path) -> None:
    generate("--this", "--version", V, "--output-dir", out)
    env_file = out / f"sharetube.{V}.env"
    env_file.write_text(re.sub(r"(?m)^SOCKETIO_MESSAGE_QUEUE=.*$", "SOCKETIO_MESSAGE_QUEUE=",
                               env_file.read_text()))
    result = run_generator("--this", "--version", V, "--output-dir", out)
    assert result.returncode == 2
    assert "has no SOCKETIO_MESSAGE_QUEUE" in result.stderr


def test_checkout_in_a_home_directory_stays_readable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ProtectHome=yes would hide a checkout under /home from its own service."""
    spec = importlib.util.spec_from_file_location("deploy_files", REPO / "deploy" / "deploy_files.py")
    deploy_files = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "deploy_files", deploy_files)  # dataclasses look it up by name
    spec.loader.exec_module(deploy_files)
    home = Path("/home/ops/sharetube")
    plan = deploy_files.Plan(
        version=V, app_dir=home, venv=home / ".venv", user="sharetube", group="sharetube",
        domain="localhost", listen_port=5077, web_processes=1, web_workers=1, bg_workers=1,
        bg_port=5078, instance_dir=home / "instance", output_dir=tmp_path, tls_cert=None,
        tls_key=None, http_port=80, https_port=443, nginx_address=None, ipv6=True)
    assert plan.protect_home == "read-only"
    units = deploy_files.render_units(plan)
    assert "ProtectHome=read-only" in units[plan.web_unit]
    assert "ProtectHome=read-only" in units[plan.bg_unit]


def test_prints_the_exact_install_commands(out: Path) -> None:
    result = generate("--this", "--version", V, "--output-dir", out, "--domain",
                      "watch.example.org")
    venv, inst = REPO / ".venv", REPO / "instance" / f"ShareTube-{V}"
    units = " ".join(str(out / f"ShareTube.{V}{s}") for s in
                     (".service", ".bg.service", "@.service", ".target"))
    assert printed_commands(result.stdout) == [
        "# 1. Packages",
        "apt-get install -y nginx python3-venv redis-server postgresql",
        "systemctl enable --now redis-server postgresql",
        "# 2. PostgreSQL role and database (idempotent; password from the env file)",
        f"runuser -u postgres -- psql -v ON_ERROR_STOP=1 < {out}/postgresql.{V}.sql",
        "# 3. Python environment (kept when it exists)",
        f"test -x {venv}/bin/gunicorn || {{ python3 -m venv {venv} && {venv}/bin/pip install "
        f"-r {REPO}/requirements.txt; }}",
        "# 4. Service account and its writable instance directory",
        f"id -u sharetube >/dev/null 2>&1 || useradd --system --user-group --home-dir {inst} "
        "--no-create-home --shell /usr/sbin/nologin sharetube",
        f"install -d -o sharetube -g sharetube -m 0750 {inst}",
        "# 5. systemd: both pools under one target",
        f"cp {units} /etc/systemd/system/",
        "systemctl daemon-reload",
        f"systemctl enable ShareTube.{V}.target",
        f"systemctl restart ShareTube.{V}.target",
        "# 6. nginx site",
        f"ln -sfn {out}/nginx/{V}.conf /etc/nginx/sites-enabled/ShareTube.{V}.conf",
        "nginx -t",
        "systemctl reload nginx",
        "# 7. Check every process, then the public address",
        "curl -fsS http://127.0.0.1:5077/api/health",
        "curl -fsS http://127.0.0.1:5078/api/health",
        "curl -fsS http://127.0.0.1:5079/api/health",
        "curl -fsS http://watch.example.org/api/health",
        "# 8. The extension this server offers on its homepage, built for http://watch.example.org",
        "command -v npm >/dev/null || apt-get install -y nodejs npm",
        f"cd {REPO} && {{ test -d node_modules || npm ci --no-audit --no-fund; }} && "
        f"node extension/build.mjs --server http://watch.example.org --out {inst}/extension/unpacked && "
        f"node extension/package.mjs --dist {inst}/extension/unpacked --out {inst}/extension",
        f"chown -R sharetube:sharetube {inst}/extension",
    ]


def test_fewer_processes_stops_the_ones_no_longer_wanted(out: Path) -> None:
    generate("--this", "--version", V, "--output-dir", out, "--web-processes", "3")
    result = generate("--this", "--version", V, "--output-dir", out, "--web-processes", "1")
    commands = printed_commands(result.stdout)
    assert f"systemctl stop ShareTube.{V}@5078.service" in commands
    assert f"systemctl stop ShareTube.{V}@5079.service" in commands
    assert f"systemctl stop ShareTube.{V}.bg.service" not in commands
    assert f"rm -f /etc/systemd/system/ShareTube.{V}@.service" in commands
    assert not (out / f"ShareTube.{V}@.service").exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--version", "v1 03"], "--version 'v1 03': use letters"),
        (["--version", "../etc"], "--version '../etc'"),
        (["--version", "v1.bg"], "--version 'v1.bg'"),
        (["--listen-port", "80"], "--listen-port must be between 1024 and 65535, got 80"),
        (["--listen-port", "65535"], "--listen-port + --web-processes - 1 must be between"),
        (["--bg-port", "5078"], "--bg-port 5078 is one of the interactive ports 5077-5078"),
        (["--web-processes", "0"], "--web-processes must be between 1 and 32, got 0"),
        (["--tls-cert", "/etc/hostname"], "--tls-cert and --tls-key go together"),
        (["--tls-cert", "/nope.pem", "--tls-key", "/nope.key"], "--tls-cert /nope.pem does not"),
        (["--user", "root"], "--user root: the service runs as an unprivileged account"),
        (["--domain", "a b;"], "--domain 'a b;': give a host name"),
        (["--app-dir", "/nonexistent/app"], "--app-dir /nonexistent/app is not a directory"),
        (["--http-port", "5077"], "nginx port 5077 is also a Gunicorn port"),
        (["--venv", "/opt/my venv"], "--venv '/opt/my venv': only letters"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(
    out: Path, extra: list[str], message: str
) -> None:
    args = ["--version", V, "--output-dir", str(out), *extra]
    if "--app-dir" not in extra:
        args.append("--this")
    result = run_generator(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert not out.exists()


SYSTEMD_ANALYZE = shutil.which("systemd-analyze")


@pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed")
def test_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    if not (REPO / ".venv" / "bin" / "gunicorn").exists():
        pytest.skip("the repo's .venv has no gunicorn (verify checks ExecStart exists)")
    out = tmp_path / "units"
    generate("--app-dir", REPO, "--venv", REPO / ".venv", "--version", V, "--output-dir", out)
    instance = out / f"ShareTube.{V}@5078.service"
    instance.symlink_to(out / f"ShareTube.{V}@.service")
    units = [out / f"ShareTube.{V}.service", out / f"ShareTube.{V}.bg.service", instance,
             out / f"ShareTube.{V}.target"]
    result = subprocess.run([SYSTEMD_ANALYZE, "verify", "--man=no", *map(str, units)],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    ours = [line for line in (result.stdout + result.stderr).splitlines() if "ShareTube" in line]
    assert ours == []


def readme_block(marker: str) -> str:
    readme = (REPO / "deploy" / "README.md").read_text()
    after = readme.split(f"<!-- {marker} -->", 1)[1]
    return after.split("```sh\n", 1)[1].split("```", 1)[0]


def test_readme_shows_exactly_what_the_generator_prints(tmp_path: Path, built_app: Path) -> None:
    """deploy/README.md's generate command, run against a stand-in for /srv/sharetube on a fresh
    host (no certificate yet: an empty certbot directory)."""
    where = {"/srv/sharetube": str(built_app)}
    command = shlex.split(readme_block("generate-command").replace("\\\n", " "))
    assert command[:2] == ["cd", "/srv/sharetube"] and command[2:4] == ["python3", "deploy/setup_deploy.py"]
    args = command[4:] + ["--letsencrypt-dir", str(tmp_path / "letsencrypt")]
    args[args.index("--this")] = "--app-dir=/srv/sharetube"
    for readme_path, real_path in where.items():
        args = [arg.replace(readme_path, real_path) for arg in args]
    printed = "\n".join(printed_commands(generate(*args).stdout))
    for readme_path, real_path in where.items():
        printed = printed.replace(real_path, readme_path)
    assert printed == readme_block("install-commands").strip()
