"""Shared fixtures: a fresh app per test on a migrated database (SQLite by default, PostgreSQL
when SHARETUBE_TEST_DB=postgres), socket test clients, signed-in guests."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.databases import PostgresServer, SqliteTemplates

DB_KIND = os.environ.get("SHARETUBE_TEST_DB", "sqlite")


@pytest.fixture(scope="session")
def db_templates(tmp_path_factory):
    if DB_KIND == "postgres":
        server = PostgresServer()
        yield server
        server.stop()
    else:
        yield SqliteTemplates(tmp_path_factory.mktemp("sqlite-templates"))


@pytest.fixture
def fresh_db_url(db_templates) -> str:
    return db_templates.fresh_url()


@pytest.fixture
def make_app(tmp_path: Path, fresh_db_url: str):
    """Build an app on a fresh database; overrides go to the config."""
    from server import create_app
    from server.config import TestConfig

    apps = []

    def factory(**overrides):
        overrides.setdefault("DATABASE_URL", fresh_db_url)
        overrides.setdefault("AUTO_MIGRATE", False)
        overrides.setdefault("YOUTUBE_OEMBED_URL", "http://127.0.0.1:9/oembed")  # nothing listens: fails fast
        app = create_app(TestConfig(tmp_path / f"instance{len(apps)}", **overrides))
        apps.append(app)
        return app

    yield factory
    from server.extensions import db
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()
