"""Fresh databases for tests: a migrated template, cloned per test (SQLite file copy or
PostgreSQL CREATE DATABASE … TEMPLATE), and a real PostgreSQL server started for the run."""
from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path("/usr/lib/postgresql")
_counter = itertools.count(1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def migrate(url: str, instance_dir: Path) -> None:
    env = {**os.environ, "DATABASE_URL": url, "INSTANCE_DIR": str(instance_dir), "AUTO_MIGRATE": "false",
           "RUN_SCHEDULER": "false", "SOCKETIO_ASYNC_MODE": "threading", "PYTHONPATH": str(ROOT)}
    subprocess.run([str(ROOT / ".venv/bin/flask"), "--app", "server", "sharetube", "upgrade-db"], cwd=ROOT,
                   env=env, check=True, capture_output=True)


class SqliteTemplates:
    def __init__(self, base: Path) -> None:
        self.base = base
        self.template = base / "template.db"
        migrate(f"sqlite:///{self.template}", base / "migrate-instance")
        import sqlite3
        with sqlite3.connect(self.template) as conn:  # fold the WAL into the file before copying it
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute("PRAGMA journal_mode=DELETE")

    def fresh_url(self) -> str:
        target = self.base / f"db{next(_counter)}.db"
        shutil.copyfile(self.template, target)
        return f"sqlite:///{target}"


def pg_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(PG_BIN.glob("*/bin"), reverse=True)
    if not versions:
        raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
    return str(versions[0] / name)


class PostgresServer:
    """initdb into a temp dir, start on a free loopback port, stop at the end (su postgres as root)."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="st-pg-"))
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.dir, "postgres", "postgres")
        self.data = self.dir / "data"
        self._run([pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"])
        self._run([pg_bin("pg_ctl"), "-D", str(self.data), "-w", "-t", "60", "-l", str(self.dir / "pg.log"), "-o",
                   f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300", "start"])
        self.admin_url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        self.template = "st_template"
        self._psql(f"CREATE DATABASE {self.template}")
        migrate(self.url(self.template), self.dir / "migrate-instance")

    def _run(self, cmd: list[str]) -> None:
        if self.as_root:
            cmd = ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(f"'{c}'" for c in cmd)]
        subprocess.run(cmd, check=True, capture_output=True, cwd="/")

    def _psql(self, sql: str) -> None:
        import psycopg
        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(sql)

    def url(self, name: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def postmaster_pid(self) -> int:
        """The server's first process (every backend is its child), from its pid file."""
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def fresh_url(self) -> str:
        name = f"st_{os.getpid()}_{next(_counter)}"
        for attempt in range(20):
            try:
                self._psql(f"CREATE DATABASE {name} TEMPLATE {self.template}")
                return self.url(name)
            except Exception:  # template busy for a moment
                time.sleep(0.1 * (attempt + 1))
        raise RuntimeError("could not clone the template database")

    def stop(self) -> None:
        try:
            self._run([pg_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"])
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
