"""The shell commands that install what deploy/setup_deploy.py generated (printed, never run)."""

from __future__ import annotations

from urllib.parse import urlsplit

from deploy_files import LOCAL_DB_HOSTS, Plan, PostgresTarget

SYSTEMD_DIR = "/etc/systemd/system"
ACME_WEBROOT = "/var/www/html"  # the nginx site answers /.well-known/acme-challenge/ from here
ADMIN_EMAIL = "you@example.org"
NGINX_SITES = "/etc/nginx/sites-enabled"


def _uses_local_redis(env: dict[str, str]) -> bool:
    queue = urlsplit(env.get("SOCKETIO_MESSAGE_QUEUE", ""))
    return queue.scheme.startswith("redis") and (queue.hostname or "") in LOCAL_DB_HOSTS


def _account_commands(plan: Plan) -> list[str]:
    user, group, home = plan.user, plan.group, plan.instance_dir
    exists = f"id -u {user} >/dev/null 2>&1 ||"
    shell = f"--home-dir {home} --no-create-home --shell /usr/sbin/nologin"
    if group == user:
        lines = [f"{exists} useradd --system --user-group {shell} {user}"]
    else:
        lines = [
            f"getent group {group} >/dev/null || groupadd --system {group}",
            f"{exists} useradd --system --gid {group} {shell} {user}",
        ]
    return [*lines, f"install -d -o {user} -g {group} -m 0750 {home}"]


def install_commands(
    plan: Plan,
    units: dict[str, str],
    env: dict[str, str],
    database: PostgresTarget | None,
    stale_units: list[str],
    stale_template: bool,
) -> list[str]:
    """Copy-pasteable root shell lines; '#' lines say what the next ones do."""
    out, venv, app = plan.output_dir, plan.venv, plan.app_dir
    local_pg = database is not None and database.is_local
    services = [name for name, on in (("redis-server", _uses_local_redis(env)),
                                      ("postgresql", local_pg)) if on]
    commands = ["# 1. Packages", f"apt-get install -y nginx python3-venv {' '.join(services)}"
                .rstrip()]
    if services:
        commands.append(f"systemctl enable --now {' '.join(services)}")
    if database is not None:
        commands.append("# 2. PostgreSQL role and database (idempotent; password from the env file)")
        if local_pg:
            commands.append(f"runuser -u postgres -- psql -v ON_ERROR_STOP=1 < {plan.sql_file}")
        else:
            commands.append(f"# the database is on {database.host}: run {plan.sql_file} there "
                            "as a superuser (psql -v ON_ERROR_STOP=1 < file)")
    commands += [
        "# 3. Python environment (kept when it exists)",
        f"test -x {venv}/bin/gunicorn || {{ python3 -m venv {venv} && "
        f"{venv}/bin/pip install -r {app}/requirements.txt; }}",
        "# 4. Service account and its writable instance directory",
        *_account_commands(plan),
        "# 5. systemd: both pools under one target",
    ]
    commands += [f"systemctl stop {unit}" for unit in stale_units]
    if stale_template:
        commands.append(f"rm -f {SYSTEMD_DIR}/{plan.web_template_unit}")
    unit_files = " ".join(str(out / name) for name in units)
    commands += [
        f"cp {unit_files} {SYSTEMD_DIR}/",
        "systemctl daemon-reload",
        f"systemctl enable {plan.target_unit}",
        f"systemctl restart {plan.target_unit}",
        "# 6. nginx site",
        f"ln -sfn {plan.nginx_site} {NGINX_SITES}/ShareTube.{plan.version}.conf",
        "nginx -t",
        "systemctl reload nginx",
        "# 7. Check every process, then the public address",
        *[f"curl -fsS http://127.0.0.1:{port}/api/health" for port in plan.web_ports],
        f"curl -fsS http://127.0.0.1:{plan.bg_port}/api/health",
        f"curl -fsS {plan.public_url}/api/health",
    ]
    commands += extension_commands(plan, env, next_step(commands))
    if plan.certificate_pending:  # last: what follows it is running the generator again
        commands += certificate_commands(plan, next_step(commands))
    return commands


def extension_commands(plan: Plan, env: dict[str, str], step: int) -> list[str]:
    """Build the extension for this server's public URL and package it where the homepage
    offers it (<instance>/extension/ShareTube-extension-<version>.zip), as RESTART.sh does."""
    public = (env.get("BACKEND_BASE_URL") or plan.public_url).rstrip("/")
    built = plan.instance_dir / "extension"
    return [
        f"# {step}. The extension this server offers on its homepage, built for {public}",
        "command -v npm >/dev/null || apt-get install -y nodejs npm",
        f"cd {plan.app_dir} && {{ test -d node_modules || npm ci --no-audit --no-fund; }} && "
        f"node extension/build.mjs --server {public} --out {built}/unpacked && "
        f"node extension/package.mjs --dist {built}/unpacked --out {built}",
        f"chown -R {plan.user}:{plan.group} {built}",
    ]


def next_step(commands: list[str]) -> int:
    """The number after the last '# N.' heading."""
    numbers = [int(line[2:].split(".", 1)[0]) for line in commands
               if line.startswith("# ") and line[2:].split(".", 1)[0].isdigit()]
    return max(numbers, default=0) + 1


def certificate_commands(plan: Plan, step: int) -> list[str]:
    """--letsencrypt before the certificate exists: get it by the webroot the site already serves."""
    return [
        f"# {step}. HTTPS: get the certificate (nginx answers the challenge on port {plan.http_port}), then run the",
        "#    same setup_deploy.py command again and its printed commands: the site moves to HTTPS",
        "apt-get install -y certbot",
        f"certbot certonly --webroot -w {ACME_WEBROOT} -d {plan.domain}",
    ]


def first_admin_command(plan: Plan) -> str:
    """The dashboard's first admin: a one-time sign-in link, made with the service's own
    environment (the units' values, then the env file over them, as systemd does), as its account."""
    return (f"(cd {plan.app_dir} && export VERSION={plan.version} INSTANCE_DIR={plan.instance_dir} "
            f"BACKEND_BASE_URL={plan.public_url} && set -a && . {plan.env_file} && set +a && "
            "AUTO_MIGRATE=false RUN_SCHEDULER=false SOCKETIO_ASYNC_MODE=threading "
            f"runuser -u {plan.user} -- {plan.venv}/bin/flask --app server sharetube admin-link {ADMIN_EMAIL})")
