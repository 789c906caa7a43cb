"""Issue 15: what one handled event costs the database, counted with SQLAlchemy's engine events.

Frequent events (`player.status` every 2 s per viewer, `time.sync`, `chat.typing`) run no SQL at
all: the room, role and name live on the connection, the roster is folded from presence. A
playback control is at most 3 statements (the compare-and-set UPDATE, its audit row, its chat
line) in exactly one commit, once the process has run a command in that room before (the first
one reads the room). Only statements and commits made by the handler's own thread count: the
test client runs handlers synchronously, background tasks run elsewhere.
"""
from __future__ import annotations

import time

import pytest

from server.extensions import db
from server.models import Room
from server.services.presence.status_reports import PRESENCE_FOLD_MS
from tests.support.socket_clients import create_room, sign_in
from tests.support.statements import counted

SKIP_STATEMENTS_MAX = 7


def system_lines(guest) -> list[str]:
    """The system chat lines a member received: as chat messages, or carried by the change's own
    room.playback (`notes`)."""
    lines = []
    for name, data in guest.events():
        if name == "chat.message" and data["kind"] == "system":
            lines.append(data["text"])
        elif name == "room.playback":
            lines += [n["text"] for n in data.get("notes") or ()]
    return lines


def settle_queue(guest, quiet_s: float = 0.5, timeout_s: float = 10.0) -> None:
    """Wait until the queue version stops moving (the metadata look-ups of new entries, against a
    dead port, bump it from a background task)."""
    deadline = time.monotonic() + timeout_s
    last, since = None, time.monotonic()
    while time.monotonic() < deadline:
        now = guest.emit("queue.load")["version"]
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return
        time.sleep(0.05)
    raise AssertionError("the queue did not settle")


@pytest.fixture
def room(app):
    """A playing room of three players with a queue of two; the process has run a command there."""
    owner, bob, cat = sign_in(app, "Owner"), sign_in(app, "Bob"), sign_in(app, "Cat")
    code = create_room(app, owner, control_mode="any")["code"]
    for g in (owner, bob, cat):
        g.connect().join(code)
    first = owner.emit("queue.add", {"video_id": "aaaaaaaaaa1", "duration_ms": 600_000})["entry"]["id"]
    owner.emit("queue.add", {"video_id": "bbbbbbbbbb2", "duration_ms": 600_000})
    for g in (owner, bob, cat):
        g.emit("player.ready", {"entry_id": first, "ready": True})
    settle_queue(owner)
    assert owner.emit("pause")["ok"] and owner.emit("play")["ok"]
    for g in (owner, bob, cat):
        g.received()
    return owner, bob, cat, first


def test_frequent_events_run_no_sql(app, room):
    owner, bob, cat, entry = room
    time.sleep(PRESENCE_FOLD_MS / 1000 + 0.05)  # the roster is due: a report marks it for the next fold
    with counted(app) as tally:
        for i in range(10):
            assert bob.emit("player.status", {"entry_id": entry, "position_ms": 1_000 + i, "offset_ms": -3,
                                              "rtt_ms": 9})["ok"]
            assert cat.emit("time.sync", {"client_ms": 1_000 + i})["ok"]
            assert bob.emit("chat.typing")["ok"]
    print(f"STATEMENTS 10 × (player.status, time.sync, chat.typing): {len(tally.statements)} statements, "
          f"{tally.commits} commits")
    assert tally.statements == [] and tally.commits == 0, tally.statements
    assert {m["name"] for m in owner.received("chat.typing")} == {"Bob"}  # typing still reaches the room


@pytest.mark.parametrize("name,payload", [("pause", {"position_ms": 5_000}), ("seek", {"position_ms": 9_000}),
                                          ("play", {}), ("rate", {"rate": 1.25}), ("restart", {})])
def test_a_control_command_is_three_statements_in_one_commit(app, room, name, payload):
    owner, bob, cat, _entry = room
    if name == "play":
        assert owner.emit("pause")["ok"]  # something to resume
    for g in (owner, bob, cat):
        g.received()
    with counted(app) as tally:
        ack = bob.emit(name, payload)
    print(f"STATEMENTS {name}: {len(tally.statements)} statements, {tally.commits} commits: {tally.statements}")
    assert ack["ok"], ack
    assert len(tally.statements) <= 3, tally.statements
    assert tally.commits == 1, tally.statements
    # and it did everything it did before: the new playback to everyone, its line in the chat
    # (stored in that same commit), its audit row
    assert owner.received("room.playback")[-1]["version"] == ack["playback"]["version"]
    lines = system_lines(cat)
    assert lines and lines[-1].startswith("Bob "), lines
    assert any(s.startswith("INSERT INTO room_audit") for s in tally.statements)
    history = owner.emit("chat.history")["messages"]
    assert [m for m in history if m["kind"] == "system"][-1]["text"] == lines[-1]


def test_commands_in_a_row_each_stay_within_three(app, room):
    owner, bob, _cat, _entry = room
    for i, (name, payload) in enumerate([("pause", {}), ("seek", {"position_ms": 20_000}), ("play", {}),
                                         ("pause", {}), ("play", {})]):
        with counted(app) as tally:
            ack = (owner if i % 2 else bob).emit(name, payload)
        assert ack["ok"], (name, ack)
        assert len(tally.statements) <= 3 and tally.commits == 1, (name, tally.statements)


def test_chat_send_is_one_insert_in_one_commit(app, room):
    owner, bob, _cat, _entry = room
    with counted(app) as tally:
        ack = bob.emit("chat.send", {"text": "hello room"})
    print(f"STATEMENTS chat.send: {len(tally.statements)} statements, {tally.commits} commits: {tally.statements}")
    assert ack["ok"] and ack["message"]["text"] == "hello room" and ack["message"]["id"] > 0
    assert len(tally.statements) == 1 and tally.statements[0].startswith("INSERT INTO chat_messages")
    assert tally.commits == 1
    assert owner.received("chat.message")[-1]["text"] == "hello room"


def test_a_change_made_elsewhere_costs_a_fresh_read_not_a_wrong_answer(app, room):
    """The snapshot a command starts from is checked by its compare-and-set: when anything it
    read changed since (here: the control mode), the command reads the room again and is decided
    on what the database holds."""
    owner, bob, _cat, _entry = room
    assert owner.emit("room.settings", {"control_mode": "owner_only"})["ok"]  # a guarded setting
    with counted(app) as tally:
        ack = bob.emit("pause", {})
    assert ack["ok"] is False and ack["error"] == "forbidden", ack  # decided on the fresh row
    assert any(s.startswith("SELECT") for s in tally.statements)
    assert owner.emit("pause", {})["ok"]


def test_a_refusal_on_a_current_snapshot_is_one_small_read_and_keeps_the_snapshot(app, room):
    """A command refused (or a no-op) on the snapshot is confirmed by one read of the facts it was
    decided on, not by reading the room and its queue again; the next command still starts from
    the snapshot (a flood of refused commands costs one small read each)."""
    owner, bob, _cat, _entry = room
    assert owner.emit("room.settings", {"control_mode": "owner_only"})["ok"]
    assert owner.emit("pause", {})["ok"]  # decided afresh, kept as the snapshot
    with counted(app) as refused:
        ack = bob.emit("seek", {"position_ms": 3_000})
    assert ack["ok"] is False and ack["error"] == "forbidden", ack
    assert len(refused.statements) == 1 and refused.statements[0].startswith("SELECT rooms.id"), refused.statements
    assert refused.commits == 0
    with counted(app) as noop:
        assert owner.emit("pause", {})["ok"]  # already paused: nothing changes
    assert len(noop.statements) == 1 and noop.statements[0].startswith("SELECT rooms.id"), noop.statements
    with counted(app) as resumed:
        assert owner.emit("play", {})["ok"]
    assert len(resumed.statements) <= 3 and resumed.commits == 1, resumed.statements
    assert not any(s.startswith("SELECT") for s in resumed.statements), "still from the snapshot"


def test_a_refusal_on_a_snapshot_that_changed_elsewhere_is_decided_again(app, room):
    """The control mode changed behind this process's back (another process, a hand edit): the
    refusal the snapshot would give does not stand; the command is decided on the fresh row."""
    owner, bob, _cat, _entry = room
    assert owner.emit("room.settings", {"control_mode": "owner_only"})["ok"]
    assert owner.emit("pause", {})["ok"]
    code = owner.emit("room.sync")["room"]["code"]
    with app.app_context():
        db.session.execute(db.update(Room).where(Room.code == code).values(control_mode="any"))
        db.session.commit()
    ack = bob.emit("play", {})
    assert ack["ok"], ack
    assert owner.received("room.playback")[-1]["state"] == "playing"


def test_skip_moves_the_queue_in_one_commit(app, room):
    """A skip also moves the queue (two entries' status, the queue version, the queue sent to
    everyone): more statements than a plain control, still one commit for the change."""
    owner, bob, cat, first = room
    with counted(app) as tally:
        ack = bob.emit("skip")
    print(f"STATEMENTS skip: {len(tally.statements)} statements, {tally.commits} commits: {tally.statements}")
    assert ack["ok"] and ack["playback"]["entry_id"] != first, ack
    assert tally.commits == 1, tally.statements
    assert len(tally.statements) <= SKIP_STATEMENTS_MAX, tally.statements
    assert [e["status"] for e in owner.received("queue.update")[-1]["queue"]] == ["playing"]
    assert system_lines(cat)[-1].startswith("Bob skipped")


def test_a_join_into_a_playing_room_reads_no_members_for_the_clock(app, room, monkeypatch):
    """A player joining counts for the clock only while a start waits for who is there
    (MemberJoined.may_change): joining a playing room must not read the room's whole presence for
    the clock (in a filling room of N that was an O(N) read per join, twice with the re-check)."""
    import server.services.clock_runner as runner

    owner, *_rest = room
    code = owner.emit("room.sync")["room"]["code"]
    reads: list[str] = []
    real = runner.connected_views
    monkeypatch.setattr(runner, "connected_views", lambda r: reads.append(r.code) or real(r))
    joined = sign_in(app, "Dan").connect().join(code)
    assert joined["playback"]["state"] == "playing"
    assert reads == [], reads
    # a start does read them: a player joining a starting room is waited for
    assert owner.emit("skip")["ok"]
    erin = sign_in(app, "Erin")
    erin.connect().join(code)
    assert reads, "a join into a starting room counts the members"
    pb = owner.emit("room.sync")["room"]["playback"]
    assert pb["state"] == "starting" and erin.user["id"] in pb["waiting_for"], pb


def test_a_pause_reads_no_members_and_a_resume_reads_them_once(app, room, monkeypatch):
    """The clock reads the room's members (O(N): its presence and their roles) only when a
    transition looks at them: a pause never does; a resume schedules its start by the worst
    round trip among them, read once."""
    import server.services.clock_runner as runner

    owner, *_rest = room
    reads: list[str] = []
    real = runner.connected_views
    monkeypatch.setattr(runner, "connected_views", lambda r: reads.append(r.code) or real(r))
    code = owner.emit("room.sync")["room"]["code"]
    assert owner.emit("pause")["ok"]
    assert reads == [], "a pause read the room's members"
    assert owner.emit("play")["ok"]
    assert reads == [code]
    assert owner.emit("room.sync")["room"]["playback"]["state"] == "playing"


def test_a_join_into_a_settled_room_runs_no_clock_command_and_stamps_activity_once_a_minute(app, room, monkeypatch):
    """A crowd filling a room: each join is its membership, one commit and the reads its answer
    needs. It runs no room-clock command (nothing to change unless the room is starting), reads
    the chat tail as columns, and writes the room's and the user's activity stamps only when they
    are older than ACTIVITY_STAMP_MS (a room filling at 250/s wrote its row 250 times a second)."""
    import server.services.presence.connections as connections
    from server.domain.constants import ACTIVITY_STAMP_MS
    from server.models import User
    from server.timeutil import now_ms

    owner, *_rest = room
    code = owner.emit("room.sync")["room"]["code"]
    runs: list[str] = []
    real_run = connections.run_command  # (still runs: the join answers either way, and this names the command)
    monkeypatch.setattr(connections, "run_command", lambda c, *a, **k: runs.append(c) or real_run(c, *a, **k))
    dan = sign_in(app, "Dan").connect()
    with counted(app) as tally:
        joined = dan.join(code)
    assert runs == [], f"a join into a settled room ran a room-clock command: {runs}"
    assert joined["playback"]["state"] == "playing"
    writes = [" ".join(s.split()[:3]) for s in tally.statements if not s.startswith("SELECT")]
    # the membership (one commit), then the "Dan joined" line of a small room (its own)
    assert writes == ["INSERT INTO room_memberships", "INSERT INTO chat_messages"], tally.statements
    assert tally.commits == 2, tally.statements
    assert sum(s.startswith("SELECT rooms.") for s in tally.statements) == 2  # before and after entering
    assert [m["text"] for m in joined["chat"]][-1:] == [s["text"] for s in owner.emit("chat.history")["messages"]][-1:]
    with app.app_context():  # an hour without anyone: the next join stamps the room and its user
        old = now_ms() - ACTIVITY_STAMP_MS - 1
        db.session.execute(db.update(Room).where(Room.code == code).values(last_active_ms=old))
        db.session.execute(db.update(User).where(User.id == dan.user["id"]).values(last_seen_ms=old))
        db.session.commit()
    dan.emit("leave")
    with counted(app) as tally:
        dan.join(code)
    updated = sorted(s.split(" SET ")[0] for s in tally.statements if s.startswith("UPDATE"))
    assert updated == ["UPDATE room_memberships", "UPDATE rooms", "UPDATE users"], tally.statements
    with app.app_context():
        room_row = db.session.execute(db.select(Room).where(Room.code == code)).scalar_one()
        assert now_ms() - room_row.last_active_ms < 10_000
        assert now_ms() - db.session.get(User, dan.user["id"]).last_seen_ms < 10_000


def test_a_join_decided_on_a_stale_snapshot_reads_the_room_again(app, room, monkeypatch):
    """This process's snapshot of a room can be stale (another process, or the background pool's
    clock, moved it): a join that would change nothing on the snapshot checks the room's version
    first, and a room that has since begun a start waits for the joiner."""
    import server.services.presence.connections as connections
    from server.domain.room_clock import MemberJoined
    from server.services.runtime import rt

    owner, *_rest = room
    code = owner.emit("room.sync")["room"]["code"]
    with app.app_context():
        stale = rt().limiters["room_snapshots"][code]  # the snapshot of the playing room
    assert owner.emit("skip")["ok"]  # the room now starts its next entry, waiting for its players
    real = connections.clock_member
    monkeypatch.setattr(connections, "clock_member", lambda *_a: None)
    erin = sign_in(app, "Erin")
    erin.connect().join(code)  # present, not yet counted by the clock
    monkeypatch.setattr(connections, "clock_member", real)
    assert erin.user["id"] not in owner.emit("room.sync")["room"]["playback"]["waiting_for"]
    with app.app_context():  # (a fresh session: the snapshot is what the runner starts from)
        rt().limiters["room_snapshots"][code] = stale  # this process remembers the room playing
        real(code, MemberJoined, erin.user["id"])
    pb = owner.emit("room.sync")["room"]["playback"]
    assert pb["state"] == "starting" and erin.user["id"] in pb["waiting_for"], pb
