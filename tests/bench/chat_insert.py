"""chat_insert: CPU per stored chat line, the server's way against the ORM's, in the same run.

    .venv/bin/python -m tests.bench.chat_insert --lines 3000 --rounds 3

A chat message and a room command each store a line (a `chat_messages` row) and commit. The
server writes it with one Core INSERT (server/services/chat_lines.py: `insert_line`); the floor
here is the ORM's way it replaced (`session.add(ChatMessage(...))`, flushed by the commit). Both
run in one process on the same fresh, migrated SQLite database (WAL, as the server runs it), in
alternating rounds; the figure is this process's CPU time (user + system) per line, commit
included. `--database-url` measures another database (PostgreSQL) instead.

Prints one `BENCH_JSON {…}` line and a markdown table.
"""
from __future__ import annotations

import statistics

from tests.bench.common import (
    cpu_us_per_call,
    emit_result,
    md_table,
    migrated_app,
    statement_bench_args,
    statement_result,
)


def run(lines: int, rounds: int, database_url: str | None) -> dict:
    from server.extensions import db
    from server.models import ChatMessage, Room, User
    from server.services.chat_lines import insert_line

    with migrated_app("st-chat-insert-", database_url):
        user = User(name="Bench", is_guest=True)
        db.session.add(user)
        db.session.flush()
        room = Room(code="benchroom", owner_id=user.id, name="Bench room")
        db.session.add(room)
        db.session.commit()
        room_id, user_id = room.id, user.id

        def orm() -> None:
            msg = ChatMessage(room_id=room_id, user_id=user_id, name="Bench", text="hello there", kind="text")
            db.session.add(msg)
            db.session.commit()
            msg.to_wire()

        def core() -> None:
            msg = insert_line(room_id, user_id, "Bench", "hello there", "text")
            db.session.commit()
            msg.to_wire()

        per_line: dict[str, list[float]] = {"orm": [], "insert_line": []}
        for _ in range(rounds):
            for name, write in (("orm", orm), ("insert_line", core)):
                per_line[name].append(cpu_us_per_call(write, lines))
        return per_line


def main() -> None:
    args = statement_bench_args(__doc__, "lines", 3000)
    per_line = run(args.lines, args.rounds, args.database_url)
    result = statement_result("chat_insert", args, "lines",
                              cpu_us_per_line={k: [round(v, 1) for v in vs] for k, vs in per_line.items()})
    rows = [(name, statistics.median(vs), min(vs), max(vs)) for name, vs in per_line.items()]
    emit_result(result, md_table(["way", "median CPU µs / line", "min", "max"], rows))


if __name__ == "__main__":
    main()
