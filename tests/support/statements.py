"""Counting what the database is asked, with SQLAlchemy's engine events (issue 15's tests)."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import event

from server.extensions import db


@dataclass
class Tally:
    statements: list[str] = field(default_factory=list)
    commits: int = 0


@contextmanager
def counted(app) -> Iterator[Tally]:
    """Statements and commits made by this thread while the block runs."""
    tally = Tally()
    me = threading.get_ident()
    with app.app_context():
        engine = db.engine

    def on_execute(_conn, _cursor, statement, *_args) -> None:
        if threading.get_ident() == me:
            tally.statements.append(" ".join(statement.split())[:80])

    def on_commit(_conn) -> None:
        if threading.get_ident() == me:
            tally.commits += 1

    event.listen(engine, "before_cursor_execute", on_execute)
    event.listen(engine, "commit", on_commit)
    try:
        yield tally
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
        event.remove(engine, "commit", on_commit)
