"""The room clock's compare-and-set and its confirming read match a room's row only while every
fact a command was decided on is unchanged: its version, queue version, being open, and each
guarded setting (room_snapshots.GUARDED_SETTINGS). The statements are built once with bound
parameters (issue 15), so each fact is checked here one by one, changed behind the process's
back as another process or a hand edit would."""
from __future__ import annotations

import json
from dataclasses import replace

import pytest
from sqlalchemy.dialects import sqlite

from server.extensions import db
from server.models import Room
from server.services import room_snapshots
from server.services.clock_runner import _compare_and_set, _snapshot_current
from server.services.rooms import fresh_room, load_playback
from tests.support.socket_clients import create_room, sign_in


def _other(value: object) -> object:
    """A value of the same type, different from `value`."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, float):
        return value + 0.125
    if isinstance(value, int):
        return value + 1
    return ("x" + str(value))[:8]


FACTS = ("version", "queue_version", "closed_ms", *room_snapshots.GUARDED_SETTINGS)


@pytest.fixture
def code(app) -> str:
    owner = sign_in(app, "Owner")
    return create_room(app, owner, control_mode="any")["code"]


def _loaded(code: str) -> Room:
    """The room as a command holds it: read once, detached (a snapshot's values, not re-read)."""
    room = fresh_room(code)
    assert room is not None
    db.session.expunge(room)
    return room


def _change_elsewhere(code: str, key: str) -> None:
    with db.engine.begin() as conn:  # its own connection and transaction: another writer
        current = conn.execute(db.select(getattr(Room, key)).where(Room.code == code)).scalar_one()
        new = 1 if key == "closed_ms" else _other(current)
        conn.execute(db.update(Room).where(Room.code == code).values({key: new}))


def test_every_guarded_setting_is_a_fact_of_the_guard() -> None:
    """The terms name each guarded setting, the id, the version, the queue version and `closed_ms
    IS NULL`; a setting that is None is matched by IS NULL, as `==` None is."""
    sql = _sql(frozenset())
    for key in ("id", "version", "queue_version", *room_snapshots.GUARDED_SETTINGS):
        assert f"rooms.{key} = ?" in sql, key
    assert "rooms.closed_ms IS NULL" in sql
    key = room_snapshots.GUARDED_SETTINGS[0]
    nulled = _sql(frozenset({key}))
    assert f"rooms.{key} IS NULL" in nulled and f"rooms.{key} = ?" not in nulled


def _sql(shape: frozenset[str]) -> str:
    return " AND ".join(str(t.compile(dialect=sqlite.dialect())) for t in room_snapshots.guard_terms(shape))


def test_a_guard_of_a_setting_that_is_none_takes_the_null_shape(app, code) -> None:
    with app.app_context():
        room = _loaded(code)
        key = room_snapshots.GUARDED_SETTINGS[0]
        setattr(room, key, None)  # (no guarded setting is nullable today; a future one may be)
        guard = room_snapshots.guarded(room, room.version)
        db.session.rollback()
    assert guard.shape == frozenset({key})
    assert f"g_{key}" not in guard.params


def test_the_confirming_read_and_the_compare_and_set_match_an_unchanged_row(app, code) -> None:
    with app.app_context():
        room = _loaded(code)
        assert _snapshot_current(room, room.version)
        room = _loaded(code)
        pb = load_playback(room)
        new = replace(pb, version=pb.version + 1)
        assert _compare_and_set(room, pb, new, 1_000)
        db.session.commit()
        after = _loaded(code)
        assert after.version == pb.version + 1
        assert (after.updated_ms, after.last_active_ms) == (1_000, 1_000)
        assert json.loads(after.playback)["version"] == pb.version + 1
        db.session.rollback()


@pytest.mark.parametrize("key", FACTS)
def test_a_fact_changed_elsewhere_fails_the_confirming_read_and_the_compare_and_set(app, code, key) -> None:
    with app.app_context():
        room = _loaded(code)
        version, playback = room.version, room.playback
        db.session.rollback()
        _change_elsewhere(code, key)
        assert getattr(room, key) != getattr(_loaded(code), key), "the room keeps what the command read"
        db.session.rollback()
        assert not _snapshot_current(room, version), key
        pb = load_playback(room)
        new = replace(pb, version=version + 1)
        assert not _compare_and_set(room, pb, new, 2_000), key
        db.session.rollback()
        assert _loaded(code).playback == playback, "the row's clock is untouched"
        db.session.rollback()
