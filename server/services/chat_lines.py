"""Chat lines (people's and the system's) stored with one INSERT each, in the caller's transaction.

SQLAlchemy Core, not the ORM's unit of work: an `add` + flush of a ChatMessage cost ~250 µs of
CPU per line against ~115 µs for the INSERT alone (SQLite, this machine; tests/bench/README.md,
issue 15), and a line is written per chat message and per room command. The line's id is known
at once; the ChatMessage handed back is not in the session (for `to_wire` only)."""
from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, insert

from server.extensions import db
from server.models import ChatMessage
from server.timeutil import now_ms

_INSERT = insert(cast(Table, ChatMessage.__table__))


def insert_line(room_id: int, user_id: int | None, name: str, text: str, kind: str) -> ChatMessage:
    values = {"room_id": room_id, "user_id": user_id, "name": name, "text": text, "kind": kind,
              "created_ms": now_ms()}
    result: Any = db.session.execute(_INSERT, values)
    return ChatMessage(id=result.inserted_primary_key[0], **values)
