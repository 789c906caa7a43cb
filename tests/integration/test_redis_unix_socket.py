"""SOCKETIO_MESSAGE_QUEUE may name Redis by a Unix socket (`unix:///path?db=0`, redis-py's form):
the broadcasts, the shared presence and the rate limits all use it. Flask-SocketIO alone knows
Redis only as redis:// and rediss:// and would hand a unix:// URL to Kombu (not installed)."""
from __future__ import annotations

import pytest
from socketio import RedisManager

from server.extensions import socketio
from server.services.presence import RedisStore
from server.services.runtime import rt
from tests.bench.servers import start_redis

pytestmark = [pytest.mark.redis]


@pytest.fixture
def redis_unix(tmp_path):
    server = start_redis(tmp_path, unix=True)
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.parametrize("encode_once", [True, False], ids=["encode-once", "plain"])
def test_a_unix_socket_message_queue_is_redis_everywhere(make_app, redis_unix, encode_once):
    url = redis_unix.url
    assert url.startswith("unix://")
    app = make_app(SOCKETIO_MESSAGE_QUEUE=url, BROADCAST_ENCODE_ONCE=encode_once)
    manager = socketio.server.manager
    assert isinstance(manager, RedisManager), type(manager)
    with app.app_context():
        runtime = rt()
        assert isinstance(runtime.presence.store, RedisStore)
        runtime.presence.store.put("roomU", "sid1", {"user_id": 1, "device": "extension"})
        assert runtime.redis.hlen("st:presence:roomU") == 1  # through the socket, in the same Redis
        assert runtime.limits.uri == "redis+" + url
        assert all(runtime.limits.allow("chat.send", 99) for _ in range(3))
    # a broadcast is published on the queue's channel (what other processes listen to)
    pubsub = runtime.redis.pubsub()
    pubsub.subscribe("flask-socketio")
    pubsub.get_message(timeout=1.0)  # the subscribe confirmation
    with app.app_context():
        socketio.emit("room.settings", {"settings": {}}, to="roomU")
    message = pubsub.get_message(timeout=2.0)
    assert message is not None and message["type"] == "message"
    pubsub.close()
