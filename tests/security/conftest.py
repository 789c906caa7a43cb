"""What the security suites share: one real app per module, per-IP limits lifted for loopback."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from server import create_app
from server.config import TestConfig
from server.extensions import db


@pytest.fixture(scope="module")
def loopback_app(db_templates, tmp_path_factory) -> Iterator[Flask]:
    """A fresh app on a fresh database. Thousands of joins come from one test address here: the
    per-IP limits are not the subject (per-user limits stay on)."""
    app = create_app(TestConfig(tmp_path_factory.mktemp("security"), DATABASE_URL=db_templates.fresh_url(),
                                AUTO_MIGRATE=False, YOUTUBE_OEMBED_URL="http://127.0.0.1:9/oembed",
                                LOG_LEVEL="WARNING", RATE_LIMIT_EXEMPT_LOOPBACK=True))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
