"""The due board with Redis (services/due_board.py): a sorted set every process notes into and the
clock's process reads; notes ride in the publisher's pipeline when there is one."""
from __future__ import annotations

import pytest

from server.services.due_board import REDIS_KEY, RedisDueBoard

pytestmark = [pytest.mark.redis]


class HeldPublisher:
    """Stands in for EncodeOnceRedisManager.queue_commands: keeps the commands until `run`."""

    def __init__(self, client, accept=True):
        self.client, self.accept, self.held = client, accept, []

    def queue_commands(self, add):
        if self.accept:
            self.held.append(add)
        return self.accept

    def run(self):
        pipe = self.client.pipeline(transaction=False)
        for add in self.held:
            add(pipe)
        pipe.execute()
        self.held.clear()


def test_notes_due_and_removal_on_a_real_redis(redis_client):
    board = RedisDueBoard(redis_client)
    board.note("B", 200)
    board.note("A", 100)
    board.note("C", 300)
    assert board.due(99, 10) == []
    assert board.due(250, 10) == ["A", "B"]
    assert board.due(1000, 2) == ["A", "B"]
    board.note("A", None)
    assert board.entries() == {"B": 200, "C": 300}


def test_note_earlier_never_moves_a_time_later(redis_client):
    board = RedisDueBoard(redis_client)
    board.note("A", 100)
    board.note("B", 500)
    board.note_earlier({"A": 300, "B": 200, "C": 400})
    assert board.entries() == {"A": 100, "B": 200, "C": 400}


def test_notes_go_through_the_publishers_pipeline_in_order(redis_client):
    publisher = HeldPublisher(redis_client)
    board = RedisDueBoard(redis_client, lambda: publisher)
    board.note("A", 100)
    board.note("A", 900)  # the room's next version: the later note wins
    assert redis_client.exists(REDIS_KEY) == 0, "nothing is written until the publisher's turn"
    publisher.run()
    assert board.entries() == {"A": 900}


def test_without_a_publisher_that_takes_it_a_note_is_written_at_once(redis_client):
    board = RedisDueBoard(redis_client, lambda: HeldPublisher(redis_client, accept=False))
    board.note("A", 100)
    assert board.entries() == {"A": 100}
