"""While Redis restarts, a request that needs it is `unavailable` (retry), never `internal`
(found by the soak bench: player.status and play answered `internal` during a Redis restart)."""
from __future__ import annotations

from redis.exceptions import ConnectionError as RedisConnectionError

from server.services.runtime import rt
from tests.support.socket_clients import create_room, sign_in


def test_a_redis_outage_is_unavailable_not_internal(app, monkeypatch):
    owner = sign_in(app, "Owner").connect()
    code = create_room(app, owner)["code"]
    owner.join(code)

    def down(*_args, **_kwargs):
        raise RedisConnectionError("Connection refused")

    with app.app_context():
        monkeypatch.setattr(rt().presence.store, "put", down)
    ack = owner.emit("player.status", {"position_ms": 1000})
    assert ack["ok"] is False and ack["error"] == "unavailable" and "try again" in ack["message"]
    monkeypatch.undo()
    assert owner.emit("player.status", {"position_ms": 1000})["ok"]
