#!/usr/bin/env python3
"""Generate ShareTube's production deployment: systemd units, nginx site, env file.

    python3 deploy/setup_deploy.py --this --version v1-03 --output-dir instance/deploy \
        --domain sharetube.example.org --letsencrypt

writes ShareTube.<V>.service (interactive, first port), ShareTube.<V>@.service (the other
interactive processes, when --web-processes > 1), ShareTube.<V>.bg.service (background pool),
ShareTube.<V>.target (both pools), nginx/<V>.conf, sharetube.<V>.env (0600, fresh secrets,
never overwritten without --force) and postgresql.<V>.sql, then prints the commands that
install them. With --letsencrypt it serves HTTPS once certbot's certificate for --domain exists,
and until then plain HTTP plus the certbot step (then run the same command again).
Standard library only; nothing outside --output-dir is touched.
See deploy/README.md.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from deploy_files import (  # noqa: E402  (sibling module of this script)
    ENV_EXAMPLE,
    PER_PROCESS_KEYS,
    SECRET_PLACEHOLDER,
    Plan,
    parse_env,
    postgres_target,
    render_fresh_env,
    render_nginx,
    render_postgres_sql,
    render_units,
)
from install_commands import ADMIN_EMAIL, first_admin_command, install_commands  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
VERSION = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9_-]|\.(?=[A-Za-z0-9])){0,39}$")
ACCOUNT = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")
HOST_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
DOMAIN = re.compile(rf"^{HOST_LABEL}(?:\.{HOST_LABEL})*$")
SAFE_PATH = re.compile(r"^/[A-Za-z0-9._/+@~-]*$")
LETSENCRYPT_DIR = Path("/etc/letsencrypt")


class DeployError(Exception):
    """A bad input or a state the generator refuses to work with; the message says which."""


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="setup_deploy.py",
        description="Generate ShareTube's systemd units, nginx site and env file.",
    )
    p.add_argument("--version", required=True, help="release name, e.g. v1-03 (a leading "
                   "'ShareTube-' is dropped); names the units ShareTube.<V>.*")
    p.add_argument("--output-dir", required=True, type=Path, help="where the files are written")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--app-dir", type=Path, help="checkout the service runs from "
                       "(default: this checkout)")
    where.add_argument("--this", action="store_true", help="run from this checkout")
    p.add_argument("--venv", type=Path, help="virtualenv with gunicorn (default: <app-dir>/.venv)")
    p.add_argument("--instance-dir", type=Path,
                   help="the service's only writable directory (default: <app-dir>/instance/ShareTube-<V>)")
    p.add_argument("--user", default="sharetube", help="service account (default: sharetube)")
    p.add_argument("--group", help="service group (default: same as --user)")
    p.add_argument("--domain", default="localhost", help="nginx server_name and public host")
    p.add_argument("--listen-port", type=int, default=5077,
                   help="first interactive port on 127.0.0.1 (default: 5077)")
    p.add_argument("--web-processes", type=int, default=2,
                   help="interactive processes on consecutive ports (default: 2)")
    p.add_argument("--web-workers", type=int, default=1,
                   help="Gunicorn workers per interactive process, WEB_WORKERS (default: 1)")
    p.add_argument("--bg-workers", type=int, default=2,
                   help="Gunicorn workers of the background pool, BG_WORKERS (default: 2)")
    p.add_argument("--bg-port", type=int, help="private port of the background pool "
                   "(default: the port after the interactive ones)")
    p.add_argument("--tls-cert", type=Path, help="certificate (full chain) for HTTPS")
    p.add_argument("--tls-key", type=Path, help="private key for HTTPS")
    p.add_argument("--letsencrypt", action="store_true",
                   help="HTTPS with certbot's certificate for --domain when it exists; until "
                   "then plain HTTP and the printed certbot step (then run the same command again)")
    p.add_argument("--letsencrypt-dir", type=Path, default=LETSENCRYPT_DIR,
                   help=f"certbot's configuration directory (default: {LETSENCRYPT_DIR})")
    p.add_argument("--http-port", type=int, default=80, help="nginx HTTP port (default: 80)")
    p.add_argument("--https-port", type=int, default=443, help="nginx HTTPS port (default: 443)")
    p.add_argument("--nginx-address", help="listen on this address only (default: all)")
    p.add_argument("--no-ipv6", action="store_true", help="no [::] listen lines in nginx")
    p.add_argument("--force", action="store_true",
                   help="rewrite the env file with new secrets (the old one is kept as .bak)")
    return p


def _port(name: str, value: int, lowest: int = 1024) -> int:
    if not lowest <= value <= 65535:
        raise DeployError(f"{name} must be between {lowest} and 65535, got {value}")
    return value


def _count(name: str, value: int, highest: int) -> int:
    if not 1 <= value <= highest:
        raise DeployError(f"{name} must be between 1 and {highest}, got {value}")
    return value


def _path(name: str, value: Path) -> Path:
    path = Path(os.path.abspath(value.expanduser()))
    if not SAFE_PATH.match(str(path)):
        raise DeployError(f"{name} {str(path)!r}: only letters, digits and ._/+@~- are "
                          "supported in paths (they go into systemd and nginx files)")
    return path


def _version(raw: str) -> str:
    version = re.sub(r"^ShareTube[-.]", "", raw)
    if not VERSION.match(version) or version.endswith(".bg"):
        raise DeployError(f"--version {raw!r}: use letters, digits, '-', '_' and single inner "
                          "dots, at most 40 characters, e.g. v1-03")
    return version


def _domain(raw: str) -> str:
    try:
        if ipaddress.ip_address(raw).version == 4:
            return raw
    except ValueError:
        if DOMAIN.match(raw) and len(raw) <= 253:
            return raw
    raise DeployError(f"--domain {raw!r}: give a host name (e.g. sharetube.example.org) "
                      "or an IPv4 address")


def make_plan(args: argparse.Namespace) -> Plan:
    version = _version(args.version)
    app_dir = _path("--app-dir", args.app_dir or REPO_ROOT)
    if not app_dir.is_dir():
        raise DeployError(f"--app-dir {app_dir} is not a directory")
    for name, account in (("--user", args.user), ("--group", args.group or args.user)):
        if not ACCOUNT.match(account):
            raise DeployError(f"{name} {account!r} is not a valid system account name")
        if account == "root":
            raise DeployError(f"{name} root: the service runs as an unprivileged account")
    web_processes = _count("--web-processes", args.web_processes, 32)
    listen_port = _port("--listen-port", args.listen_port)
    last_web_port = _port("--listen-port + --web-processes - 1", listen_port + web_processes - 1)
    bg_port = _port("--bg-port", args.bg_port or last_web_port + 1)
    if listen_port <= bg_port <= last_web_port:
        raise DeployError(f"--bg-port {bg_port} is one of the interactive ports "
                          f"{listen_port}-{last_web_port}")
    if (args.tls_cert is None) != (args.tls_key is None):
        raise DeployError("--tls-cert and --tls-key go together: give both or neither")
    tls_cert = tls_key = None
    certificate_pending = False
    if args.letsencrypt:
        if args.tls_cert is not None:
            raise DeployError("--letsencrypt finds the certificate itself: drop --tls-cert and --tls-key")
        tls_cert, tls_key, certificate_pending = _letsencrypt(args.domain, args.letsencrypt_dir)
    elif args.tls_cert is not None:
        tls_cert, tls_key = _path("--tls-cert", args.tls_cert), _path("--tls-key", args.tls_key)
        for name, path in (("--tls-cert", tls_cert), ("--tls-key", tls_key)):
            if not path.is_file():
                raise DeployError(f"{name} {path} does not exist (nginx -t would fail); on a fresh "
                                  "host use --letsencrypt, which starts on plain HTTP")
    http_port = _port("--http-port", args.http_port, lowest=1)
    https_port = _port("--https-port", args.https_port, lowest=1)
    nginx_ports = {http_port, https_port} if tls_cert else {http_port}
    if tls_cert and http_port == https_port:
        raise DeployError("--http-port and --https-port must differ")
    clash = nginx_ports & {*range(listen_port, last_web_port + 1), bg_port}
    if clash:
        raise DeployError(f"nginx port {min(clash)} is also a Gunicorn port")
    if args.nginx_address:
        try:
            ipaddress.ip_address(args.nginx_address)
        except ValueError as error:
            raise DeployError(
                f"--nginx-address {args.nginx_address!r} is not an IP address"
            ) from error
    return Plan(
        version=version,
        app_dir=app_dir,
        venv=_path("--venv", args.venv or app_dir / ".venv"),
        user=args.user,
        group=args.group or args.user,
        domain=_domain(args.domain),
        listen_port=listen_port,
        web_processes=web_processes,
        web_workers=_count("--web-workers", args.web_workers, 64),
        bg_workers=_count("--bg-workers", args.bg_workers, 32),
        bg_port=bg_port,
        instance_dir=_path("--instance-dir", args.instance_dir or app_dir / "instance" / f"ShareTube-{version}"),
        output_dir=_path("--output-dir", args.output_dir),
        tls_cert=tls_cert,
        tls_key=tls_key,
        http_port=http_port,
        https_port=https_port,
        nginx_address=args.nginx_address,
        ipv6=not args.no_ipv6,
        certificate_pending=certificate_pending,
    )


def _letsencrypt(raw_domain: str, config_dir: Path) -> tuple[Path | None, Path | None, bool]:
    """certbot's live files for the domain when both exist; else (None, None, pending)."""
    domain = _domain(raw_domain)
    if domain == "localhost" or re.fullmatch(r"[0-9.]+", domain):
        raise DeployError(f"--letsencrypt needs the public host name in --domain, not {domain!r}")
    live = _path("--letsencrypt-dir", config_dir) / "live" / domain
    cert, key = live / "fullchain.pem", live / "privkey.pem"
    if cert.is_file() and key.is_file():
        return cert, key, False
    return None, None, True


def check_env(values: dict[str, str], env_file: Path) -> list[str]:
    """Refuse an env file that breaks the pools; return warnings for the rest."""
    set_per_process = [key for key in PER_PROCESS_KEYS if values.get(key)]
    if set_per_process:
        raise DeployError(f"{env_file} sets {', '.join(set_per_process)}: the units set these "
                          "per process and the env file would override them; remove them")
    if not values.get("SOCKETIO_MESSAGE_QUEUE"):
        raise DeployError(f"{env_file} has no SOCKETIO_MESSAGE_QUEUE: several processes and a "
                          "background pool need one (e.g. redis://127.0.0.1:6379/0)")
    return [f"{env_file}: {key} is still the placeholder; the app will refuse to start"
            for key in ("SECRET_KEY", "JWT_SECRET")
            if values.get(key, SECRET_PLACEHOLDER) == SECRET_PLACEHOLDER]


def write_file(path: Path, content: str, mode: int = 0o644) -> bool:
    """Write atomically with `mode`; False when the file already had exactly this content."""
    if path.is_file() and path.read_text(encoding="utf-8") == content:
        os.chmod(path, mode)
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(content)
    os.chmod(temporary, mode)
    os.replace(temporary, path)
    return True


def previous_members(target_file: Path) -> list[str]:
    """Units a previously generated target wanted (to stop the ones no longer wanted)."""
    if not target_file.is_file():
        return []
    for line in target_file.read_text(encoding="utf-8").splitlines():
        if line.startswith("Wants="):
            return line[len("Wants="):].split()
    return []


def generate(plan: Plan, force: bool) -> tuple[list[str], list[str]]:
    """Write every file; return (install commands, warnings)."""
    warnings: list[str] = []
    env_file = plan.env_file
    if env_file.exists() and not force:
        env_text, env_note = env_file.read_text(encoding="utf-8"), "kept (existing secrets)"
        if env_file.stat().st_mode & 0o077:
            warnings.append(f"{env_file} holds secrets but others can read it: chmod 600 it")
    else:
        if env_file.exists():
            write_file(env_file.with_name(env_file.name + ".bak"),
                       env_file.read_text(encoding="utf-8"), 0o600)
        env_text = render_fresh_env(ENV_EXAMPLE.read_text(encoding="utf-8"))
        write_file(env_file, env_text, 0o600)
        env_note = "written with new secrets"
    env = parse_env(env_text)
    warnings += check_env(env, env_file)
    try:
        database = postgres_target(env.get("DATABASE_URL", ""))
    except ValueError as error:
        raise DeployError(f"{env_file}: {error}") from error

    units = render_units(plan)
    wanted = {plan.web_unit, *plan.web_instance_units, plan.bg_unit}
    stale = [unit for unit in previous_members(plan.output_dir / plan.target_unit)
             if unit not in wanted]
    stale_template = plan.web_template_unit not in units and (
        plan.output_dir / plan.web_template_unit).exists()
    if stale_template:
        (plan.output_dir / plan.web_template_unit).unlink()
    for name, content in units.items():
        write_file(plan.output_dir / name, content)
    write_file(plan.nginx_site, render_nginx(plan))
    if database is not None:
        write_file(plan.sql_file, render_postgres_sql(database, plan.version), 0o600)
    elif plan.sql_file.exists():
        plan.sql_file.unlink()

    for path in (plan.app_dir / "gunicorn.conf.py", plan.venv / "bin" / "gunicorn"):
        if not path.exists():
            warnings.append(f"{path} does not exist yet; the units start it")
    for portal in ("mobile_remote/dist", "dashboard/dist"):
        if not (plan.app_dir / portal / "index.html").is_file():
            warnings.append(f"{plan.app_dir / portal} is not built; nginx passes its URLs to "
                            "the app until it is")
    print(f"ShareTube {plan.version}: files in {plan.output_dir} (env file {env_note})")
    for name in sorted(units):
        print(f"  {name}")
    print(f"  {plan.nginx_site.relative_to(plan.output_dir)}")
    print(f"  {env_file.name}  (0600)")
    if database is not None:
        print(f"  {plan.sql_file.name}  (0600)")
    commands = install_commands(plan, units, env, database, stale, stale_template)
    return commands, warnings


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        plan = make_plan(args)
        commands, warnings = generate(plan, force=args.force)
    except DeployError as error:
        parser.error(str(error))
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print("\nInstall (as root):")
    for command in commands:
        if command.startswith("# ") and command[2:3].isdigit():
            print()
        print(command)
    print(f"\nFirst dashboard admin (as root, once the service runs; {ADMIN_EMAIL} is yours):")
    print(first_admin_command(plan))
    return 0


if __name__ == "__main__":
    sys.exit(main())
