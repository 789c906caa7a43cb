"""Fixtures shared by the integration tests that need a Redis of their own."""
from __future__ import annotations

import pytest

from tests.support.cluster import RedisServer


@pytest.fixture
def redis_server(tmp_path):
    """A private redis-server on a free loopback port, stopped after the test."""
    server = RedisServer(tmp_path)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_client(redis_server):
    return redis_server.client()
