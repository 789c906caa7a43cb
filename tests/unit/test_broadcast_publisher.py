"""Publishing to the other processes (server/services/broadcast.py, EncodeOnceRedisManager): every
message this process publishes waits in one queue and reaches Redis as a pipeline per turn of one
publisher task; the order between broadcasts and the library's own messages (a remote
disconnect, a room closed) is kept; an error reconnects and tries once more; while Redis is
unreachable the backlog is bounded. Redis is a recording stand-in here (what goes into each
pipeline); the real one carries it in tests/integration/test_scale_out.py."""
from __future__ import annotations

import json

import gevent
import pytest
import socketio
from prometheus_client import REGISTRY

from server.domain import constants as C
from server.services.broadcast import FRAMED_PREFIX, EncodeOnceRedisManager, TextPacket


class RecordingRedis:
    """What PUBLISHes reach Redis, pipeline by pipeline; `fail` pipelines fail first."""

    def __init__(self, fail: int = 0) -> None:
        self.pipelines: list[list[str]] = []
        self.fail = fail

    def pipeline(self, transaction: bool = True) -> RecordingPipeline:
        assert transaction is False, "PUBLISH needs no MULTI/EXEC"
        return RecordingPipeline(self)


class RecordingPipeline:
    def __init__(self, redis: RecordingRedis) -> None:
        self.redis, self.commands = redis, []

    def publish(self, channel: str, message: str) -> None:
        assert channel == "flask-socketio"
        self.commands.append(message)

    def eval(self, script: str, numkeys: int, *keys_and_args: str) -> None:
        self.commands.append(("eval", *keys_and_args))

    def execute(self, raise_on_error: bool = True) -> list[int]:
        if self.redis.fail:
            self.redis.fail -= 1
            raise ConnectionError("Redis went away")
        self.redis.pipelines.append(self.commands)
        return [1] * len(self.commands)


@pytest.fixture
def manager():
    mgr = EncodeOnceRedisManager("redis://127.0.0.1:9/0", channel="flask-socketio")
    socketio.Server(async_mode="gevent", client_manager=mgr, serializer=TextPacket)
    redis = RecordingRedis()
    connects = []

    def connect() -> None:  # RedisManager._redis_connect, without a network
        connects.append(1)
        mgr.redis = redis
        mgr.connected = True

    mgr._redis_connect = connect
    mgr.test_redis, mgr.test_connects = redis, connects
    return mgr


def event_of(message: str) -> tuple[str, object]:
    """(event, data) of a published pre-encoded broadcast."""
    assert message.startswith(FRAMED_PREFIX)
    packet = message[len(FRAMED_PREFIX):].partition("\n")[2]
    event, data = json.loads(packet[packet.index("["):])
    return event, data


def test_a_burst_is_one_pipeline_in_order_with_the_librarys_messages_in_their_place(manager):
    for i in range(5):
        manager.emit("chat.message", {"n": i}, namespace="/", room="room-1")
    manager.close_room("room-1", namespace="/")  # the library's own message (a JSON object)
    manager.emit("chat.message", {"n": 5}, namespace="/", room="room-2")
    assert manager.test_redis.pipelines == [], "the emitting greenlet does not wait on Redis"
    gevent.sleep(0.01)  # the publisher's turn
    (pipeline,) = manager.test_redis.pipelines
    assert [event_of(m) for m in pipeline[:5]] == [("chat.message", {"n": i}) for i in range(5)]
    assert json.loads(pipeline[5])["method"] == "close_room"
    assert event_of(pipeline[6]) == ("chat.message", {"n": 5})


def test_messages_published_later_go_in_the_next_pipeline(manager):
    manager.emit("a", {}, namespace="/", room="r")
    gevent.sleep(0.01)
    manager.emit("b", {}, namespace="/", room="r")
    manager.emit("c", {}, namespace="/", room="r")
    gevent.sleep(0.01)
    assert [[event_of(m)[0] for m in p] for p in manager.test_redis.pipelines] == [["a"], ["b", "c"]]


def test_a_pipeline_holds_at_most_the_batch_limit(manager, monkeypatch):
    monkeypatch.setattr(C, "PUBLISH_BATCH_MAX", 4)
    for i in range(10):
        manager.emit("e", {"n": i}, namespace="/", room="r")
    gevent.sleep(0.02)
    sizes = [len(p) for p in manager.test_redis.pipelines]
    assert sizes == [4, 4, 2]
    assert [event_of(m)[1]["n"] for p in manager.test_redis.pipelines for m in p] == list(range(10))


def test_an_error_reconnects_and_sends_the_batch_once_more(manager):
    manager.emit("e", {"n": 0}, namespace="/", room="r")
    gevent.sleep(0.01)
    manager.test_redis.fail = 1
    manager.emit("e", {"n": 1}, namespace="/", room="r")
    manager.emit("e", {"n": 2}, namespace="/", room="r")
    gevent.sleep(0.01)
    sent = [event_of(m)[1]["n"] for p in manager.test_redis.pipelines for m in p]
    assert sent == [0, 1, 2], "each message once, in order"
    assert len(manager.test_connects) == 2, "a reconnect after the error"
    assert manager.dropped == 0


def test_a_batch_that_fails_twice_is_dropped_and_counted_and_the_next_one_goes(manager):
    manager.test_redis.fail = 2
    before = dropped_on_metrics("failed_twice")
    manager.emit("e", {"n": 0}, namespace="/", room="r")
    manager.emit("e", {"n": 1}, namespace="/", room="r")
    gevent.sleep(0.01)
    assert manager.dropped == 2
    assert dropped_on_metrics("failed_twice") - before == 2
    manager.emit("e", {"n": 2}, namespace="/", room="r")
    gevent.sleep(0.01)
    assert [event_of(m)[1]["n"] for p in manager.test_redis.pipelines for m in p] == [2]


def dropped_on_metrics(reason: str) -> float:
    return REGISTRY.get_sample_value("sharetube_broadcast_publish_dropped_total", {"reason": reason}) or 0.0


def test_the_backlog_is_bounded_while_redis_cannot_be_reached(manager, monkeypatch):
    monkeypatch.setattr(C, "PUBLISH_BACKLOG_MAX", 3)
    before = dropped_on_metrics("backlog_full")
    for i in range(5):  # the publisher has not had a turn: the queue fills
        manager.emit("e", {"n": i}, namespace="/", room="r")
    assert manager.dropped == 2
    assert dropped_on_metrics("backlog_full") - before == 2, "an operator sees the drops on /metrics"
    gevent.sleep(0.01)
    assert [event_of(m)[1]["n"] for p in manager.test_redis.pipelines for m in p] == [0, 1, 2]


def test_an_emitter_without_a_server_publishes_at_once():
    """A manager used only to emit (no Socket.IO server, so no task to run a publisher) sends each
    message itself, as the library did."""
    mgr = EncodeOnceRedisManager("redis://127.0.0.1:9/0", channel="flask-socketio")
    redis = RecordingRedis()

    def connect() -> None:
        mgr.redis, mgr.connected = redis, True

    mgr._redis_connect = connect
    mgr.emit("e", {"n": 1}, namespace="/", room="r")
    assert len(redis.pipelines) == 1 and json.loads(redis.pipelines[0][0])["event"] == "e"


def test_commands_after_publishes_go_in_the_same_pipeline_behind_what_was_queued(manager):
    """A room lock's release (services/room_locks.py) runs behind the broadcasts made inside the
    lock, in the publisher's pipeline; the caller waits until Redis ran it."""
    manager.emit("e", {"n": 0}, namespace="/", room="r")
    manager.emit("e", {"n": 1}, namespace="/", room="r")
    ran = manager.run_after_publishes(lambda pipe: pipe.eval("script", 1, "key", "token"), 1.0)
    assert ran is True
    (pipeline,) = manager.test_redis.pipelines
    assert [event_of(m)[1]["n"] for m in pipeline[:2]] == [0, 1]
    assert pipeline[2] == ("eval", "key", "token"), "behind the broadcasts, in the same round trip"


def test_commands_after_publishes_are_given_back_when_they_cannot_run_that_way(manager):
    assert manager.run_after_publishes(lambda pipe: pipe.eval("s", 1, "k", "t"), 1.0) is False, \
        "no publisher yet: nothing queued to be behind; the caller runs them itself"
    manager.emit("e", {"n": 0}, namespace="/", room="r")
    manager.test_redis.fail = 2  # Redis away: given up after the retry, and the waiter is woken
    assert manager.run_after_publishes(lambda pipe: pipe.eval("s", 1, "k", "t"), 1.0) is False
    assert manager.dropped == 1, "the broadcast counted as dropped, the release not"


def test_queued_commands_ride_in_the_pipeline_without_the_caller_waiting(manager):
    """A room's next due time (services/due_board.py) goes behind the broadcasts queued before it;
    the caller does not wait for Redis; with no publisher yet it is handed back."""
    assert manager.queue_commands(lambda pipe: pipe.eval("s", 1, "k", "t")) is False, "no publisher yet"
    manager.emit("e", {"n": 0}, namespace="/", room="r")
    assert manager.queue_commands(lambda pipe: pipe.eval("zadd", 1, "due", "A")) is True
    assert manager.test_redis.pipelines == [], "queued, not yet sent: nobody waited"
    manager.emit("e", {"n": 1}, namespace="/", room="r")
    gevent.sleep(0.05)
    commands = [c for p in manager.test_redis.pipelines for c in p]
    assert event_of(commands[0])[1]["n"] == 0 and commands[1] == ("eval", "due", "A")
    assert event_of(commands[2])[1]["n"] == 1
