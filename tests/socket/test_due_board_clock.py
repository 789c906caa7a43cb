"""The clock task asks the due board, not the rooms table (issue 15): a quiet tick runs no SQL,
every commit of a room's clock notes its next due time, and a note that was lost is caught by
the database sweep within DUE_SWEEP_MS."""
from __future__ import annotations

import time

from server.background.due_rooms import run_due_rooms
from server.domain import constants as C
from server.extensions import db
from server.models import Room
from server.services.due_board import LocalDueBoard
from server.timeutil import now_ms
from tests.support.socket_clients import create_room, sign_in
from tests.support.statements import counted

VID = "aaaaaaaaaa1"


def starting_room(app):
    """A room waiting for Bob to be ready: its clock is due at the start timeout."""
    owner, bob = sign_in(app, "Owner"), sign_in(app, "Bob")
    code = create_room(app, owner)["code"]
    for g in (owner, bob):
        g.connect().join(code)
    entry_id = owner.emit("queue.add", {"video_id": VID})["entry"]["id"]
    assert owner.emit("player.ready", {"entry_id": entry_id, "ready": True})["ok"]
    owner.entry_id = entry_id
    return code, owner, bob


def db_due(app, code):
    with app.app_context():
        return db.session.execute(db.select(Room.due_ms).filter_by(code=code)).scalar_one()


def board(app):
    return app.extensions["sharetube"].due_board


def sleep_past(due_ms):
    """The tick decides on the real clock: wait until it has passed `due_ms`."""
    time.sleep(max(0.0, (due_ms - now_ms()) / 1000) + 0.02)


def test_each_commit_notes_the_rooms_due_time_and_a_quiet_tick_runs_no_sql(make_app):
    app = make_app(START_TIMEOUT_MS=60_000)
    code, owner, bob = starting_room(app)
    due = db_due(app, code)
    assert due is not None and board(app).entries()[code] == due
    with app.app_context():
        run_due_rooms()  # the first run sweeps the database
        with counted(app) as tally:
            for _ in range(20):
                assert run_due_rooms() == 0
    assert tally.statements == [] and tally.commits == 0, tally.statements
    assert bob.emit("player.ready", {"entry_id": owner.entry_id, "ready": True})["ok"]  # it starts
    assert owner.emit("room.sync")["room"]["playback"]["state"] == "playing"
    assert board(app).entries().get(code) == db_due(app, code), "the start's commit noted its own time"


def test_a_due_room_is_ticked_from_the_board_and_its_next_time_noted(make_app):
    app = make_app(START_TIMEOUT_MS=300)
    code, owner, bob = starting_room(app)
    due = db_due(app, code)
    with app.app_context():
        assert run_due_rooms(now=due - 1) == 0
        sleep_past(due)
        assert run_due_rooms() == 1, "started without Bob at the timeout"
    assert owner.emit("room.sync")["room"]["playback"]["state"] == "playing"
    assert board(app).entries().get(code) == db_due(app, code) != due


def test_a_lost_note_is_caught_by_the_sweep(make_app):
    app = make_app(START_TIMEOUT_MS=300)
    code, owner, _bob = starting_room(app)
    due = db_due(app, code)
    lost = LocalDueBoard()  # as if the note never arrived (a process restarted, Redis lost it)
    lost.swept_ms = now_ms()
    app.extensions["sharetube"].due_board = lost
    sleep_past(due)
    with app.app_context():
        assert run_due_rooms() == 0, "not on the board: not ticked before the next sweep"
        assert run_due_rooms(now=lost.swept_ms + C.DUE_SWEEP_MS) == 1, "the sweep found it"
    assert owner.emit("room.sync")["room"]["playback"]["state"] == "playing"


def test_the_sweep_notes_rooms_due_soon_before_their_time(make_app):
    app = make_app(START_TIMEOUT_MS=3_000)
    code, _owner, _bob = starting_room(app)
    app.extensions["sharetube"].due_board = fresh = LocalDueBoard()
    with app.app_context():
        assert run_due_rooms(now=now_ms()) == 0
    assert fresh.entries() == {code: db_due(app, code)}, "due within DUE_SWEEP_MS: on the board in time"


def test_a_closed_rooms_time_leaves_the_board_at_its_tick(make_app):
    app = make_app(START_TIMEOUT_MS=60_000)
    code, _owner, _bob = starting_room(app)
    due = db_due(app, code)
    with app.app_context():
        run_due_rooms(now=due - 1)
        db.session.execute(db.update(Room).where(Room.code == code).values(closed_ms=now_ms()))
        db.session.commit()
        assert run_due_rooms(now=due + 1) == 0
    assert code not in board(app).entries()


class UnreachableBoard(LocalDueBoard):
    def due(self, now, limit):
        raise ConnectionError("Redis is restarting")


def test_while_the_board_is_out_of_reach_the_clock_asks_the_database(make_app):
    app = make_app(START_TIMEOUT_MS=300)
    code, owner, _bob = starting_room(app)
    due = db_due(app, code)
    board = UnreachableBoard()
    board.swept_ms = now_ms()
    app.extensions["sharetube"].due_board = board
    sleep_past(due)
    with app.app_context():
        assert run_due_rooms() == 1, "the room due in the database was ticked all the same"
    assert owner.emit("room.sync")["room"]["playback"]["state"] == "playing"
