"""postgresql.<V>.sql against a real PostgreSQL: the printed psql command creates the role and
database of the env file's DATABASE_URL, twice without error, and that URL then works."""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.deploy.conftest import consecutive_free_ports, generate, printed_commands

V = "v1-03"


def pg_tool(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)
    return str(versions[0]) if versions else None


def as_server_user(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    """PostgreSQL refuses to run as root; as root, run it as `postgres` (like the install does)."""
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, cwd="/", check=False,
                          **kwargs)


@pytest.fixture
def postgres() -> Iterator[tuple[Path, int]]:
    """A throwaway cluster with Debian's authentication: local trust, TCP passwords (scram)."""
    initdb, pg_ctl = pg_tool("initdb"), pg_tool("pg_ctl")
    if initdb is None or pg_ctl is None:
        pytest.skip("PostgreSQL server binaries are not installed")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no postgres account")
    work = Path(tempfile.mkdtemp(prefix="st-deploy-pg-"))
    if os.geteuid() == 0:
        shutil.chown(work, "postgres", "postgres")
    port = consecutive_free_ports(1)
    data = work / "data"
    init = as_server_user([initdb, "-D", str(data), "-U", "postgres", "--auth-local=trust",
                           "--auth-host=scram-sha-256", "--no-sync", "-E", "UTF8"])
    assert init.returncode == 0, init.stderr
    start = as_server_user([pg_ctl, "-D", str(data), "-w", "-t", "60", "-l", str(work / "pg.log"), "-o",
                            f"-p {port} -k {work} -c listen_addresses=127.0.0.1 -c fsync=off", "start"])
    assert start.returncode == 0, start.stderr
    try:
        yield work, port
    finally:
        as_server_user([pg_ctl, "-D", str(data), "-m", "immediate", "stop"])
        shutil.rmtree(work, ignore_errors=True)


def test_printed_sql_creates_the_role_and_database_of_database_url(
    tmp_path: Path, postgres: tuple[Path, int]
) -> None:
    psycopg = pytest.importorskip("psycopg")
    socket_dir, port = postgres
    out = tmp_path / "out"
    result = generate("--this", "--version", V, "--output-dir", out)
    sql_file = out / f"postgresql.{V}.sql"
    printed = f"runuser -u postgres -- psql -v ON_ERROR_STOP=1 < {sql_file}"
    assert printed in printed_commands(result.stdout)

    psql = pg_tool("psql")
    for _ in range(2):  # idempotent: a second install run changes nothing and does not fail
        with sql_file.open() as sql:  # the root shell opens the 0600 file, as in the printed line
            run = as_server_user([psql, "-h", str(socket_dir), "-p", str(port), "-v", "ON_ERROR_STOP=1"],
                                 stdin=sql)
        assert run.returncode == 0, run.stderr

    env = (out / f"sharetube.{V}.env").read_text()
    url = re.search(r"^DATABASE_URL=(.+)$", env, flags=re.MULTILINE).group(1)
    conninfo = url.replace("postgresql+psycopg://", "postgresql://").replace(":5432/", f":{port}/")
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute("CREATE TABLE deploy_check (id integer PRIMARY KEY)")
        owner = connection.execute("SELECT pg_catalog.pg_get_userbyid(datdba) FROM pg_database "
                                   "WHERE datname = current_database()").fetchone()[0]
    assert owner == "sharetube"
    wrong = re.sub(r"sharetube:[0-9a-f]+@", "sharetube:wrong@", conninfo)
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(wrong).close()
