"""What deploy/setup_deploy.py writes: unit files, the nginx site, the env file, the SQL.

Pure text in, text out (no file system writes here), so every rule is easy to test.
Templates live in deploy/templates/*.in and use @NAME@ placeholders.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

DEPLOY_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = DEPLOY_DIR / "templates"
ENV_EXAMPLE = DEPLOY_DIR / "env.example"

PLACEHOLDER = re.compile(r"@([A-Z][A-Z0-9_]*)@")
ENV_LINE = re.compile(r"^([A-Z][A-Z0-9_]*)=(.*)$")
SECRET_PLACEHOLDER = "change-me"
# Keys the units set per process; an env file setting them would override every unit alike.
PER_PROCESS_KEYS = ("SHARETUBE_POOL", "BACKGROUND_TASK_SLOTS", "LISTEN_HOST", "LISTEN_PORT", "BG_BIND")
SQL_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
LOCAL_DB_HOSTS = ("", "127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class Plan:
    """Everything the generator decided, validated (see setup_deploy.py)."""

    version: str
    app_dir: Path
    venv: Path
    user: str
    group: str
    domain: str
    listen_port: int
    web_processes: int
    web_workers: int
    bg_workers: int
    bg_port: int
    instance_dir: Path
    output_dir: Path
    tls_cert: Path | None
    tls_key: Path | None
    http_port: int
    https_port: int
    nginx_address: str | None
    ipv6: bool
    # --letsencrypt before the certificate exists: plain HTTP now, HTTPS after certbot and a re-run
    certificate_pending: bool = False

    @property
    def web_ports(self) -> list[int]:
        return [self.listen_port + i for i in range(self.web_processes)]

    @property
    def target_unit(self) -> str:
        return f"ShareTube.{self.version}.target"

    @property
    def web_unit(self) -> str:
        return f"ShareTube.{self.version}.service"

    @property
    def web_template_unit(self) -> str:
        return f"ShareTube.{self.version}@.service"

    @property
    def web_instance_units(self) -> list[str]:
        """Extra interactive processes (ports after the first), instances of the template."""
        return [f"ShareTube.{self.version}@{port}.service" for port in self.web_ports[1:]]

    @property
    def bg_unit(self) -> str:
        return f"ShareTube.{self.version}.bg.service"

    @property
    def env_file(self) -> Path:
        return self.output_dir / f"sharetube.{self.version}.env"

    @property
    def nginx_site(self) -> Path:
        return self.output_dir / "nginx" / f"{self.version}.conf"

    @property
    def sql_file(self) -> Path:
        return self.output_dir / f"postgresql.{self.version}.sql"

    @property
    def public_url(self) -> str:
        if self.tls_cert is None:
            port = "" if self.http_port == 80 else f":{self.http_port}"
            return f"http://{self.domain}{port}"
        port = "" if self.https_port == 443 else f":{self.https_port}"
        return f"https://{self.domain}{port}"

    @property
    def protect_home(self) -> str:
        """ProtectHome=yes hides /home, /root and /run/user; keep them readable if we live there."""
        paths = (self.app_dir, self.venv, self.instance_dir, self.output_dir)
        homes = (Path("/home"), Path("/root"), Path("/run/user"))
        inside_home = any(home == p or home in p.parents for p in paths for home in homes)
        return "read-only" if inside_home else "yes"


def fill(template: str, values: dict[str, str]) -> str:
    """Replace every @NAME@; a placeholder without a value is a bug, never left in the output."""

    def value_of(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise KeyError(f"template placeholder @{name}@ has no value")
        return values[name]

    return PLACEHOLDER.sub(value_of, template)


def read_template(name: str) -> str:
    return (TEMPLATES_DIR / name).read_text(encoding="utf-8")


def _unit_values(plan: Plan) -> dict[str, str]:
    return {
        "VERSION": plan.version,
        "APP_DIR": str(plan.app_dir),
        "VENV": str(plan.venv),
        "USER": plan.user,
        "GROUP": plan.group,
        "TARGET": plan.target_unit,
        "INSTANCE_DIR": str(plan.instance_dir),
        "ENV_FILE": str(plan.env_file),
        "BACKEND_BASE_URL": plan.public_url,
        "PROTECT_HOME": plan.protect_home,
        "WEB_WORKERS": str(plan.web_workers),
        "BG_WORKERS": str(plan.bg_workers),
    }


def render_units(plan: Plan) -> dict[str, str]:
    """File name -> content for every systemd unit of this version."""
    web = read_template("ShareTube.service.in")
    services = "network-online.target redis-server.service postgresql.service"
    base = {**_unit_values(plan), "AFTER": f"{services} {plan.web_unit}"}
    units = {
        plan.web_unit: fill(
            web,
            {**base, "AFTER": services, "PORT": str(plan.listen_port),
             "SYSLOG_ID": f"ShareTube.{plan.version}"},
        ),
        plan.bg_unit: fill(
            read_template("ShareTube.bg.service.in"),
            {**base, "PORT": str(plan.bg_port), "SYSLOG_ID": f"ShareTube.{plan.version}.bg"},
        ),
    }
    if plan.web_instance_units:
        units[plan.web_template_unit] = fill(
            web, {**base, "PORT": "%i", "SYSLOG_ID": f"ShareTube.{plan.version}@%i"}
        )
    members = [plan.web_unit, *plan.web_instance_units, plan.bg_unit]
    units[plan.target_unit] = fill(
        read_template("ShareTube.target.in"), {**base, "MEMBERS": " ".join(members)}
    )
    return units


def _listen_lines(plan: Plan, port: int, ssl: bool) -> str:
    options = " ssl http2" if ssl else ""
    if plan.nginx_address:
        address = plan.nginx_address
        host = f"[{address}]" if ":" in address else address
        return f"    listen {host}:{port}{options};"
    lines = [f"    listen {port}{options};"]
    if plan.ipv6:
        lines.append(f"    listen [::]:{port}{options};")
    return "\n".join(lines)


def render_nginx(plan: Plan) -> str:
    name = "sharetube_" + re.sub(r"[^A-Za-z0-9]", "_", plan.version)
    servers = "\n".join(
        f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in plan.web_ports
    )
    if plan.tls_cert is None:
        listen, tls, redirect = _listen_lines(plan, plan.http_port, ssl=False), "", ""
    else:
        listen = _listen_lines(plan, plan.https_port, ssl=True)
        tls = "\n".join(
            [
                f"    ssl_certificate {plan.tls_cert};",
                f"    ssl_certificate_key {plan.tls_key};",
                "    ssl_protocols TLSv1.2 TLSv1.3;",
                f"    ssl_session_cache shared:{name}_tls:10m;",
                "    ssl_session_timeout 1d;",
                "",
            ]
        )
        port = "" if plan.https_port == 443 else f":{plan.https_port}"
        redirect = "\n".join(
            [
                "",
                "# Plain HTTP: certificate renewals, everything else to HTTPS.",
                "server {",
                _listen_lines(plan, plan.http_port, ssl=False),
                f"    server_name {plan.domain};",
                "    location ^~ /.well-known/acme-challenge/ {",
                "        root /var/www/html;",
                "    }",
                "    location / {",
                f"        return 301 https://$host{port}$request_uri;",
                "    }",
                "}",
            ]
        )
    return fill(
        read_template("nginx.conf.in"),
        {
            "VERSION": plan.version,
            "APP_DIR": str(plan.app_dir),
            "DOMAIN": plan.domain,
            "UPSTREAM": name,
            "UPSTREAM_SERVERS": servers,
            "CONNECTION_VAR": f"${name}_connection_upgrade",
            "LISTEN": listen,
            "TLS": tls,
            "REDIRECT_SERVER": redirect,
        },
    )


def parse_env(text: str) -> dict[str, str]:
    """KEY=value lines as systemd reads them (comments and blank lines skipped, quotes removed)."""
    values: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("export "):
            line = line[len("export ") :].lstrip()
        match = ENV_LINE.match(line)
        if not match:
            continue
        value = match.group(2).strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[match.group(1)] = value
    return values


def _with_password(url: str, password: str) -> str:
    parts = urlsplit(url)
    user = parts.username or "sharetube"
    host = parts.hostname or "127.0.0.1"
    host = f"[{host}]" if ":" in host else host
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{host}"
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def render_fresh_env(example: str) -> str:
    """The env example with real secrets: SECRET_KEY, JWT_SECRET and the database password."""
    lines = []
    for line in example.splitlines():
        match = ENV_LINE.match(line)
        key = match.group(1) if match else ""
        if key in ("SECRET_KEY", "JWT_SECRET"):
            line = f"{key}={secrets.token_urlsafe(48)}"
        elif key == "DATABASE_URL" and match.group(2).startswith("postgresql"):
            line = f"{key}={_with_password(match.group(2), secrets.token_hex(24))}"
        lines.append(line)
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class PostgresTarget:
    user: str
    password: str
    database: str
    host: str
    port: int

    @property
    def is_local(self) -> bool:
        return self.host in LOCAL_DB_HOSTS


def postgres_target(database_url: str) -> PostgresTarget | None:
    """The role and database a PostgreSQL DATABASE_URL needs; None for any other database."""
    parts = urlsplit(database_url)
    if not parts.scheme.startswith("postgresql"):
        return None
    user, database = unquote(parts.username or ""), parts.path.lstrip("/")
    for what, name in (("user", user), ("database", database)):
        if not SQL_NAME.match(name):
            raise ValueError(f"DATABASE_URL {what} {name!r} must match {SQL_NAME.pattern}")
    return PostgresTarget(
        user=user,
        password=unquote(parts.password or ""),
        database=database,
        host=parts.hostname or "",
        port=parts.port or 5432,
    )


def render_postgres_sql(target: PostgresTarget, version: str) -> str:
    """Idempotent: creates the role and database when missing, (re)sets the password."""
    password = target.password.replace("'", "''")
    role, db = target.user, target.database
    return "\n".join(
        [
            f"-- ShareTube {version}: PostgreSQL role and database for DATABASE_URL (idempotent).",
            "-- Generated by deploy/setup_deploy.py; run as a database superuser, e.g.",
            "--   runuser -u postgres -- psql -v ON_ERROR_STOP=1 < this-file",
            f"SELECT 'CREATE ROLE \"{role}\" LOGIN'",
            f"  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}')\\gexec",
            f"ALTER ROLE \"{role}\" WITH LOGIN PASSWORD '{password}';",
            f"SELECT 'CREATE DATABASE \"{db}\" OWNER \"{role}\"'",
            f"  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '{db}')\\gexec",
            "",
        ]
    )
