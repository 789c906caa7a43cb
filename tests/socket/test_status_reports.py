"""player.status: kept in memory, folded into the roster at most every 2 s (by the scheduler's
tick, not the report's handler), no database writes."""
from __future__ import annotations

import time
from unittest.mock import patch

from sqlalchemy import event

from server.extensions import db
from server.services.presence.status_reports import PRESENCE_FOLD_MS, flush_pending
from server.services.runtime import rt
from tests.support.socket_clients import create_room, sign_in


def test_status_reports_reach_the_roster_throttled_and_never_touch_the_database(app):
    owner, bob = sign_in(app, "Owner"), sign_in(app, "Bob")
    code = create_room(app, owner)["code"]
    owner.connect().join(code)
    bob.connect().join(code)
    entry = owner.emit("queue.add", {"video_id": "aaaaaaaaaa1"})["entry"]["id"]
    for g in (owner, bob):
        g.emit("player.ready", {"entry_id": entry, "ready": True})
    time.sleep(PRESENCE_FOLD_MS / 1000 + 0.05)  # let any earlier fold interval pass
    owner.received()
    writes: list[str] = []
    with app.app_context():
        engine = db.engine

    def count(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            writes.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        for i in range(20):
            ack = bob.emit("player.status", {"entry_id": entry, "position_ms": 1000 + i, "offset_ms": -37,
                                             "rtt_ms": 12, "buffering": False})
            assert ack["ok"]
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert writes == []
    assert owner.received("presence.update") == []  # a report only marks the room: no fold inline
    with app.app_context():
        assert flush_pending() == 1  # the scheduler's next tick (100 ms) sends the roster once
    updates = owner.received("presence.update")
    assert len(updates) == 1  # one roster for all 20 reports; the next waits for the interval
    bob_row = next(m for m in updates[0]["members"] if m["user_id"] == bob.user["id"])
    assert bob_row["offset_ms"] == -37 and bob_row["rtt_ms"] == 12
    assert bob_row["position_ms"] == 1019 and bob_row["drift_ms"] is not None  # the latest report
    assert bob.emit("player.status", {"entry_id": entry, "position_ms": 2000})["ok"]
    with app.app_context():
        assert flush_pending() == 0  # too early: the interval since the last roster has not passed
    assert owner.received("presence.update") == []
    time.sleep(PRESENCE_FOLD_MS / 1000 + 0.05)
    with app.app_context():
        assert flush_pending() == 1
    last = owner.received("presence.update")[-1]
    bob_row = next(m for m in last["members"] if m["user_id"] == bob.user["id"])
    assert bob_row["position_ms"] == 2000


def test_time_sync_answers_with_the_server_clock(app):
    g = sign_in(app, "Clock").connect()
    before = int(time.time() * 1000)
    ack = g.emit("time.sync", {"client_ms": 123})
    after = int(time.time() * 1000)
    assert ack["ok"] and ack["client_ms"] == 123 and before <= ack["server_ms"] <= after


def test_big_rooms_fold_joins_into_the_periodic_roster(app, monkeypatch):
    """In a crowd, a join is not re-broadcast to everyone at once (O(N²)); the roster catches up."""
    from server.services.presence import connections
    monkeypatch.setattr(connections, "IMMEDIATE_ROSTER_MAX", 2)
    owner, bob, cat = sign_in(app, "Owner"), sign_in(app, "Bob"), sign_in(app, "Cat")
    code = create_room(app, owner)["code"]
    owner.connect().join(code)
    bob.connect().join(code)
    time.sleep(PRESENCE_FOLD_MS / 1000 + 0.05)
    owner.received()
    room = cat.connect().join(code)
    assert {m["user_id"] for m in room["members"]} == {owner.user["id"], bob.user["id"], cat.user["id"]}
    got = owner.received()
    assert [m for m in got if m.get("kind") == "system"] == []  # no "Cat joined" line in a crowd
    updates = [m for m in got if isinstance(m, dict) and "members" in m]
    if not updates:  # folded: it comes with the next periodic roster
        time.sleep(PRESENCE_FOLD_MS / 1000 + 0.05)
        with app.app_context():
            flush_pending()
        updates = owner.received("presence.update")
    assert len(updates) == 1 and len(updates[0]["members"]) == 3


def _rooms_due_at_once(app, n: int) -> list:
    """n rooms of two (A{i} and B{i}), each with a status report whose roster is due now."""
    rooms = []
    for i in range(n):
        a, b = sign_in(app, f"A{i}"), sign_in(app, f"B{i}")
        code = create_room(app, a)["code"]
        a.connect().join(code)
        b.connect().join(code)
        rooms.append((code, a, b))
    time.sleep(PRESENCE_FOLD_MS / 1000 + 0.05)
    for _code, a, b in rooms:
        assert b.emit("player.status", {"position_ms": 500})["ok"]
        a.received()
    return rooms


def test_many_rosters_due_at_once_are_read_in_one_query(app):
    """Every room of a busy process falls due in the same 2 s: their rooms are read with one
    SELECT (not one each), their presence with one read (FOLD_PRESENCE_CHUNK rooms per Redis
    round trip), and each room still gets its own roster with its own members."""
    rooms = _rooms_due_at_once(app, 4)
    selects: list[str] = []
    with app.app_context():
        engine = db.engine

    def count(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT") and "FROM rooms" in statement:
            selects.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    with app.app_context():
        store = rt().presence.store
    chunks: list[list[str]] = []
    read_many = store.records_many

    def records_many(codes):
        chunks.append(list(codes))
        return read_many(codes)

    def one_room(_code):
        raise AssertionError("a fold read one room's presence on its own")

    try:
        with app.app_context(), patch.object(store, "records_many", records_many), \
                patch.object(store, "records", one_room):
            assert flush_pending() == 4
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(selects) == 1, selects
    assert len(chunks) == 1 and sorted(chunks[0]) == sorted(code for code, _a, _b in rooms), \
        "the rooms' presence in one read (one Redis round trip)"
    for _code, a, b in rooms:
        [update] = a.received("presence.update")
        assert {m["user_id"] for m in update["members"]} == {a.user["id"], b.user["id"]}


def test_the_joins_vote_count_reads_the_same_players_as_the_clock(app):
    """A join's ack counts the votes from the roster it builds (roster_and_players); the clock
    reads connected_views. Both must agree on who has a player: a member on a phone remote alone
    has none, a member with both devices one (its latest report)."""
    from server.models import Room
    from server.services.presence.roster import connected_views, roster_and_players
    from server.services.rooms import load_playback
    from tests.socket.test_pairing import remote_guest

    owner, bob = sign_in(app, "Owner").connect(), sign_in(app, "Bob").connect()
    code = create_room(app, owner)["code"]
    owner.join(code)
    bob.join(code)
    entry = owner.emit("queue.add", {"video_id": "aaaaaaaaaa1"})["entry"]["id"]
    assert bob.emit("player.status", {"entry_id": entry, "position_ms": 1000})["ok"]
    phone, _answer = remote_guest(app, owner, code)
    phone.connect().join(code)

    def both() -> tuple[list, list]:
        with app.app_context():
            room = db.session.execute(db.select(Room).filter_by(code=code)).scalar_one()
            return roster_and_players(room, load_playback(room))[1], connected_views(room)

    players, views = both()
    assert players == views and [v.user_id for v in views] == sorted([owner.user["id"], bob.user["id"]])
    assert next(v for v in views if v.user_id == bob.user["id"]).reported_ms is not None
    owner.sio.disconnect()  # the owner's phone stays: no player left for the owner
    players, views = both()
    assert players == views and [v.user_id for v in views] == [bob.user["id"]]


def test_a_burst_of_folds_and_the_role_reconcile_give_the_event_loop_turns(app, monkeypatch):
    """Every room of a busy process falls due in the same 2 s: the folds, like the reconcile pass of
    cached roles, hand the event loop a turn as they go (services/cooperative.py), and every room
    still gets its roster."""
    from server.services import cooperative
    from server.services.presence.membership import reconcile

    rooms = _rooms_due_at_once(app, 3)
    slept: list[float] = []
    monkeypatch.setattr(cooperative, "TURN_EVERY_MS", 0.0)  # a turn after every step
    monkeypatch.setattr(cooperative, "socketio", type("S", (), {"sleep": staticmethod(slept.append)}))
    with app.app_context():
        assert flush_pending() == 3
        assert len(slept) >= 3  # (at least one per room)
        slept.clear()
        assert reconcile() == 0
        assert slept  # (one per chunk of cached roles)
    for _code, a, b in rooms:
        [update] = a.received("presence.update")
        assert {m["user_id"] for m in update["members"]} == {a.user["id"], b.user["id"]}


def test_a_join_and_a_leave_read_the_room_size_once(app):
    """is_small decides both the chat line and the roster broadcast of a join or a leave: read
    once (with Redis each read is a round trip), and still right: a small room sees the roster."""
    owner, bob = sign_in(app, "Owner"), sign_in(app, "Bob")
    code = create_room(app, owner)["code"]
    owner.connect().join(code)
    presence = app.extensions["sharetube"].presence
    real = presence.room_sizes
    reads: list[list[str]] = []

    def counted(codes):
        reads.append(list(codes))
        return real(codes)

    with patch.object(presence, "room_sizes", counted):
        owner.received()
        bob.connect().join(code)
        assert reads == [[code]], "one size read for the join"
        assert any(any(m["user_id"] == bob.user["id"] for m in u["members"])
                   for u in owner.received("presence.update")), "a small room sees the join at once"
        reads.clear()
        assert bob.emit("leave", {})["ok"]
        assert reads == [[code]], "one size read for the leave"
        assert all(m["user_id"] != bob.user["id"] for m in owner.received("presence.update")[-1]["members"])
