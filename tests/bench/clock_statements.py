"""clock_statements: CPU per statement of a room command, the server's way against the way it
replaced (statements built for each call, the ORM's bulk UPDATE and unit of work), in the same run.

    .venv/bin/python -m tests.bench.clock_statements --calls 2000 --rounds 3

A room command (pause, play, seek…, and the clock's own ticks) reads the room (or starts from
this process's snapshot of it), may read its queue, and writes one compare-and-set UPDATE
guarded by every fact it was decided on, an audit row and a chat line, then commits. A refusal
or a no-op on a snapshot is confirmed by one small read of the same facts. The server builds
these statements once, with bound parameters (server/services/room_snapshots.py `guard_terms`,
clock_runner.py, rooms.py `fresh_room`/`queue_entries`, audit.py `audit_now`); the floor here is
what each replaced, written out as it was. Both run in one process on the same fresh, migrated
SQLite database (WAL, as the server runs it), in alternating rounds; the figure is this process's
CPU time (user + system) per call, commit included where the command commits.
`--database-url` measures another database (PostgreSQL) instead.

Prints one `BENCH_JSON {…}` line and a markdown table.
"""
from __future__ import annotations

import json
import statistics
from collections.abc import Callable
from dataclasses import replace

from tests.bench.common import (
    cpu_us_per_call,
    emit_result,
    md_table,
    migrated_app,
    statement_bench_args,
    statement_result,
)


def run(calls: int, rounds: int, database_url: str | None) -> dict[str, dict[str, list[float]]]:
    from sqlalchemy import select, update

    from server.extensions import db
    from server.models import QueueEntry, Room, RoomAudit, User
    from server.services import room_snapshots
    from server.services.audit import audit_now
    from server.services.clock_runner import _compare_and_set, _snapshot_current
    from server.services.rooms import fresh_room, load_playback, queue_entries

    with migrated_app("st-clock-statements-", database_url):
        user = User(name="Bench", is_guest=True)
        db.session.add(user)
        db.session.flush()
        room = Room(code="benchroom", owner_id=user.id, name="Bench room", playback="{}", version=0)
        db.session.add(room)
        db.session.flush()
        for i in range(3):
            db.session.add(QueueEntry(room_id=room.id, video_id=f"video{i:06d}", url="", title=f"Video {i}",
                                      added_by=user.id, status="playing" if i == 0 else "queued", position=i))
        db.session.commit()
        code, room_id, user_id = room.code, room.id, user.id

        def held() -> Room:  # the room as a command holds it (a snapshot's values, detached)
            r = fresh_room(code)
            assert r is not None
            db.session.expunge(r)
            db.session.rollback()
            return r

        def old_guards(r: Room) -> list:
            terms = [Room.queue_version == r.queue_version, Room.closed_ms.is_(None)]
            return terms + [getattr(Room, k) == getattr(r, k) for k in room_snapshots.GUARDED_SETTINGS]

        def confirm_old() -> None:
            r = state["room"]
            terms = [Room.id == r.id, Room.version == r.version, *old_guards(r)]
            assert db.session.execute(select(Room.id).where(*terms)).first() is not None
            db.session.rollback()

        def confirm_new() -> None:
            r = state["room"]
            assert _snapshot_current(r, r.version)

        def cas(old_way: bool) -> Callable[[], None]:
            def step() -> None:
                r = state["room"]
                pb = load_playback(r)
                new = replace(pb, version=r.version + 1)
                if old_way:
                    record = json.dumps(new.to_record())
                    result = db.session.execute(
                        update(Room).where(Room.id == r.id, Room.version == r.version, *old_guards(r))
                        .values(playback=record, version=new.version, due_ms=None, updated_ms=1, last_active_ms=1)
                        .execution_options(synchronize_session=False))
                    assert result.rowcount == 1  # type: ignore[attr-defined]
                    r.version, r.playback = new.version, record
                else:
                    assert _compare_and_set(r, pb, new, 1)
                db.session.commit()
            return step

        def room_old() -> None:
            db.session.execute(db.select(Room).filter_by(code=code)
                               .execution_options(populate_existing=True)).scalar_one()
            db.session.rollback()

        def room_new() -> None:
            assert fresh_room(code) is not None
            db.session.rollback()

        def queue_old() -> None:
            from server.domain.queue_order import LIVE_STATUSES
            r = state["room"]
            list(db.session.execute(
                db.select(QueueEntry).where(QueueEntry.room_id == r.id, QueueEntry.status.in_(LIVE_STATUSES))
                .order_by(QueueEntry.position, QueueEntry.id).execution_options(populate_existing=True)).scalars())
            db.session.rollback()

        def queue_new() -> None:
            queue_entries(state["room"])
            db.session.rollback()

        brief = {"state": "playing", "entry_id": 1, "position_ms": 1000, "rate": 1.0}

        def audit_old() -> None:
            text = json.dumps(brief, sort_keys=True)
            db.session.add(RoomAudit(room_id=room_id, actor_id=user_id, action="pause", before=text, after=text,
                                     version=1))
            db.session.commit()

        def audit_new() -> None:
            audit_now(room_id, user_id, "pause", before=brief, after=brief, version=1)
            db.session.commit()

        state = {"room": held()}
        pairs: dict[str, tuple[Callable[[], None], Callable[[], None]]] = {
            "confirming read (a refusal or no-op on a snapshot)": (confirm_old, confirm_new),
            "compare-and-set UPDATE + commit": (cas(True), cas(False)),
            "the room by code": (room_old, room_new),
            "the room's queue (3 entries)": (queue_old, queue_new),
            "audit row + commit": (audit_old, audit_new),
        }
        per_call: dict[str, dict[str, list[float]]] = {name: {"built each call": [], "server": []}
                                                       for name in pairs}
        for _ in range(rounds):
            for name, (old, new) in pairs.items():
                for way, fn in (("built each call", old), ("server", new)):
                    state["room"] = held()
                    per_call[name][way].append(cpu_us_per_call(fn, calls))
        return per_call


def main() -> None:
    args = statement_bench_args(__doc__, "calls", 2000)
    per_call = run(args.calls, args.rounds, args.database_url)
    result = statement_result("clock_statements", args, "calls",
                              cpu_us_per_call={name: {way: [round(v, 1) for v in vs] for way, vs in ways.items()}
                                               for name, ways in per_call.items()})
    rows = [(name, round(statistics.median(ways["built each call"]), 1), round(statistics.median(ways["server"]), 1),
             round(statistics.median(ways["built each call"]) / statistics.median(ways["server"]), 2))
            for name, ways in per_call.items()]
    emit_result(result, md_table(["statement", "built each call, median CPU µs", "server, median CPU µs", "×"], rows))


if __name__ == "__main__":
    main()
