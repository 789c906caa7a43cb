"""Timeouts without any client action: the room clock's own ticks.

`run_due_rooms` finds the rooms whose `due_ms` passed (a hold deadline, the server clock past
the end of the video, or an open vote to skip to count again) and applies `Tick` to each; it runs
as the "clock" background task in whichever process holds that slot (server/background/tasks.py).
It asks the due board (services/due_board.py), which every commit of a room's clock updates,
not the database; every DUE_SWEEP_MS it notes on the board what the database has due soon.
"""
from __future__ import annotations

import logging
from typing import Any

from flask import current_app
from sqlalchemy import update

from server.domain import constants as C
from server.domain.room_clock import Tick, next_due_ms
from server.errors import ApiError
from server.extensions import db
from server.models import Room
from server.services.clock_runner import run_command
from server.services.room_locks import room_lock
from server.services.rooms import fresh_room, load_playback
from server.services.runtime import rt
from server.services.votes import recount as recount_votes
from server.timeutil import now_ms

log = logging.getLogger("sharetube.scheduler")


def due_in_database(until: int, limit: int) -> list[tuple[str, int]]:
    """(code, due ms) of the open rooms the database has due at or before `until`, earliest first."""
    rows = db.session.execute(
        db.select(Room.code, Room.due_ms).where(Room.due_ms.is_not(None), Room.due_ms <= until,
                                                Room.closed_ms.is_(None))
        .order_by(Room.due_ms).limit(limit)).all()
    db.session.rollback()
    return [(code, due) for code, due in rows]


def sweep_due(now: int, board: Any) -> int:
    """Note on the board every open room the database has due within DUE_SWEEP_MS (only ever
    moving a board's time earlier: a concurrent commit's newer note is never undone)."""
    rows = due_in_database(now + C.DUE_SWEEP_MS, C.DUE_SWEEP_ROWS_MAX)
    board.note_earlier(dict(rows))
    return len(rows)


def run_due_rooms(now: int | None = None, limit: int = C.DUE_BATCH_MAX) -> int:
    now = now or now_ms()
    board = rt().due_board
    if board.swept_ms is None or not 0 <= now - board.swept_ms < C.DUE_SWEEP_MS:
        board.swept_ms = now
        sweep_due(now, board)
    try:
        codes = board.due(now, limit)
    except Exception as exc:  # the board out of reach (Redis restarting): ask the database, the truth
        log.warning("event=due_board_unavailable error=%s", type(exc).__name__)
        codes = [code for code, _due in due_in_database(now, limit)]
    ran = 0
    for code in codes:
        try:
            out = run_command(code, lambda _r, _p: Tick(), actor_id=None)
            ran += int(out.changed)
            if not out.changed and out.playback.skip_votes:
                ran += int(recount_votes(out.room, tell_unchanged=False))
            if not out.changed:
                _clear_due_if_stale(code, now)
        except ApiError as exc:
            log.info("room=%s event=tick_skipped reason=%s", code, exc.code)
            if exc.code == "not_found":  # closed or gone (else it stays due: the next run tries again)
                board.note(code, None)
        except Exception:
            db.session.rollback()
            log.exception("room=%s event=tick_failed", code)
    return ran


def _clear_due_if_stale(code: str, now: int) -> None:
    """A due time that a Tick did not act on is recomputed so the room is not polled forever —
    inside the room's lock (its note reaches the board in order with the commands' notes) and only
    while the room still has the version it was computed from."""
    with room_lock(code):
        room = fresh_room(code)
        if room is None or room.closed_ms is not None:
            db.session.rollback()
            rt().due_board.note(code, None)
            return
        due = next_due_ms(load_playback(room), current_app.config["ST"].END_GRACE_MS, now)
        due = due if (due is not None and due > now) else None
        result: Any = db.session.execute(update(Room).where(Room.id == room.id, Room.version == room.version)
                                         .values(due_ms=due).execution_options(synchronize_session=False))
        db.session.commit()
        if result.rowcount == 1:
            rt().due_board.note(code, due)
