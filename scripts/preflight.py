"""Checks a ShareTube configuration before Gunicorn starts any worker (gunicorn.conf.py runs it).

    python scripts/preflight.py [--migrate]   exit 0: fine; exit 2: one line on stderr says what is wrong

Steps, each named in the message: "configuration" (server/config.py refuses it, e.g. production
with the default secrets) and "database" (it cannot be reached within DB_CONNECT_TIMEOUT_S; the
message names the host, port, database and user, never the password); with --migrate also
"database migration" (Alembic upgrade to the newest schema, in this same process: one child
process per start, as before).
"""
from __future__ import annotations

import sys
import traceback
import types
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DB_CONNECT_TIMEOUT_S = 5


def fail(step: str, reason: str) -> int:
    one_line = " ".join(reason.split())
    sys.stderr.write(f"{step}: {one_line}\n")
    return 2


def describe_database(url: str) -> str:
    """'postgresql at db.example.org:5432, database sharetube, user st' (no password)."""
    from sqlalchemy.engine import make_url
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return f"sqlite at {parsed.database}"
    where = f"{parsed.host or 'localhost'}:{parsed.port or 'default port'}"
    return f"{backend} at {where}, database {parsed.database or '?'}, user {parsed.username or '?'}"


def short_reason(error: BaseException, password: str | None) -> str:
    reason = str(getattr(error, "orig", None) or error).strip().splitlines()
    text = reason[0] if reason else type(error).__name__
    if password:
        for form in {password, quote(password, safe="")}:
            text = text.replace(form, "***")
    return text


def check_database(url: str) -> str | None:
    """None when `SELECT 1` works; else why not (without the password)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    parsed = make_url(url)
    connect_args: dict[str, object] = {}
    if parsed.get_backend_name() == "postgresql":
        connect_args["connect_timeout"] = DB_CONNECT_TIMEOUT_S
    elif parsed.get_backend_name() == "sqlite":
        connect_args["timeout"] = DB_CONNECT_TIMEOUT_S
        folder = Path(parsed.database or "").parent
        if parsed.database and not folder.is_dir():
            return f"cannot open sqlite at {parsed.database}: the folder {folder} does not exist"
    engine = create_engine(url, connect_args=connect_args)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - every driver error becomes one line
        return f"cannot connect to {describe_database(url)}: {short_reason(exc, parsed.password)}"
    finally:
        engine.dispose()
    return None


def migrate() -> str | None:
    """Upgrades the schema; None on success, else the error's last line (the traceback goes first)."""
    from server import create_app, upgrade_schema
    try:
        upgrade_schema(create_app())
    except Exception as exc:  # noqa: BLE001 - reported with its traceback, then as one line
        traceback.print_exc()
        return f"{type(exc).__name__}: {exc}"
    return None


def load_config_module() -> types.ModuleType:
    """server/config.py without running server/__init__.py (Flask, SQLAlchemy, Socket.IO: a second
    of imports on a busy machine), so a refused configuration is reported at once. The stand-in
    package is removed again; a later `import server` gets the real one."""
    stand_in = types.ModuleType("server")
    stand_in.__path__ = [str(ROOT / "server")]  # type: ignore[attr-defined]
    sys.modules["server"] = stand_in
    try:
        import server.config as config
        return config
    finally:
        for name in [n for n in sys.modules if n == "server" or n.startswith("server.")]:
            del sys.modules[name]


def main(argv: list[str]) -> int:
    config = load_config_module()
    try:
        cfg = config.Config()
        cfg.finalize()
    except config.ConfigError as exc:
        return fail("configuration", str(exc))
    problem = check_database(cfg.DATABASE_URL)
    if problem:
        return fail("database", problem)
    if "--migrate" in argv:
        problem = migrate()
        if problem:
            return fail("database migration", problem)
        print("database is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
