"""Which player reports a deferring presence store (Redis) shares at once: a socket's first in its
room (so other processes count a player that just joined as watching), not the frequent rest."""
from __future__ import annotations

from server.services.presence.store import Conn, LocalStore, Presence


class DeferringStore(LocalStore):
    DEFERS_REPORTS = True

    def __init__(self) -> None:
        super().__init__()
        self.shared: list[dict | None] = []

    def put(self, code, sid, record):
        self.shared.append(record["status"])
        super().put(code, sid, record)


def test_the_first_report_in_a_room_is_shared_at_once_and_later_ones_wait_for_the_heartbeat():
    store = DeferringStore()
    presence = Presence(store)
    presence.add(Conn(sid="s1", user_id=1, name="A", picture=None, device="extension"))
    presence.enter("s1", "room1")
    assert store.shared == [None]
    presence.update("s1", report=True, status={"at_ms": 1})
    presence.update("s1", report=True, status={"at_ms": 2})
    presence.update("s1", report=True, status={"at_ms": 3})
    assert store.shared == [None, {"at_ms": 1}], "only the first report is shared before the heartbeat"
    assert store.records("room1")[0]["status"] == {"at_ms": 1}
    presence.heartbeat()
    assert store.records("room1")[0]["status"] == {"at_ms": 3}
    presence.enter("s1", "room2")  # another room: its first report is shared at once again
    presence.update("s1", report=True, status={"at_ms": 4})
    assert store.records("room2")[0]["status"] == {"at_ms": 4}
    presence.update("s1", report=False, rtt_ms=5)  # a non-report fact is always shared
    assert store.shared[-1] == {"at_ms": 4} and len(store.shared) == 6


def test_a_socket_record_takes_only_its_known_facts():
    """Conn has slots (no instance dict, one per connected socket): a misspelt fact is an error
    where it is set, not a new attribute nothing reads."""
    import pytest

    presence = Presence(LocalStore())
    conn = Conn(sid="s1", user_id=1, name="A", picture=None, device="extension")
    presence.add(conn)
    assert not hasattr(conn, "__dict__")
    with pytest.raises(AttributeError):
        presence.update("s1", rtt=5)
    assert presence.update("s1", rtt_ms=5) is conn and conn.rtt_ms == 5
