"""Each room setting is declared once (server/domain/room_settings.py) and that declaration drives
the model's columns and defaults, validation, the wire shape, who may change it and the clock's context."""
from __future__ import annotations

import dataclasses

import pytest
import sqlalchemy as sa

from server.domain import room_settings as rs
from server.domain.permissions import may_change_settings
from server.domain.room_clock import RoomContext
from server.errors import ApiError
from server.models import Room
from server.services.room_settings import SETTINGS_SCHEMA, check_settings_payload, clock_settings, roster_reads

KEYS = [s.key for s in rs.SETTINGS]


def test_the_settings_we_ship_keep_their_defaults():
    assert KEYS[:6] == ["name", "is_private", "control_mode", "ad_sync_mode", "autoadvance", "queue_locked"]
    assert {k: rs.DEFAULTS[k] for k in KEYS[1:6]} == {
        "is_private": False, "control_mode": "operators", "ad_sync_mode": "pause_all",
        "autoadvance": True, "queue_locked": False}


@pytest.mark.parametrize("setting", rs.SETTINGS, ids=lambda s: s.key)
def test_the_model_column_and_its_default_come_from_the_declaration(setting):
    column = Room.__table__.c[setting.key]
    assert not column.nullable
    if setting.default is None:
        assert column.default is None
    else:
        assert column.default.arg == setting.default
    if setting.type in (str, tuple):
        assert column.type.length == setting.column_length


def test_a_new_room_gets_the_declared_defaults_and_sends_every_setting(app):
    from server.extensions import db
    from server.models import User
    with app.app_context():
        user = User(name="Owner")
        db.session.add(user)
        db.session.flush()
        room = Room(code="abcd2345", name="R", owner_id=user.id)
        db.session.add(room)
        db.session.flush()
        assert {k: getattr(room, k) for k in rs.DEFAULTS} == rs.DEFAULTS
        wire = room.settings_wire()
        assert set(wire) == {*KEYS, "has_password"} and wire["has_password"] is False
        db.session.rollback()


def test_the_migrated_schema_has_a_column_per_setting(app):
    """Adding a setting needs a migration: the migrated database must have its column."""
    from server.extensions import db
    with app.app_context():
        columns = {c["name"]: c for c in sa.inspect(db.engine).get_columns("rooms")}
    for setting in rs.SETTINGS:
        assert setting.key in columns, f"no migration adds rooms.{setting.key}"
        if setting.type in (str, tuple):
            assert columns[setting.key]["type"].length == setting.column_length


def test_validation_follows_the_declaration():
    assert set(SETTINGS_SCHEMA) == {*KEYS, "password"}
    assert check_settings_payload({"control_mode": "any", "autoadvance": False}) == {
        "control_mode": "any", "autoadvance": False}
    for bad in ({"control_mode": "everyone"}, {"autoadvance": "yes"}, {"name": ""}, {"name": "x" * 81}, {}):
        with pytest.raises(ApiError):
            check_settings_payload(bad)


def test_who_may_change_it_follows_the_declaration():
    assert "control_mode" in rs.OWNER_ONLY and "queue_locked" not in rs.OWNER_ONLY
    assert not may_change_settings("operator", {"control_mode"})
    assert may_change_settings("operator", {"ad_sync_mode", "queue_locked"})
    assert may_change_settings("owner", set(KEYS))
    assert not may_change_settings("participant", {"queue_locked"})


def test_the_clock_reads_exactly_its_settings_with_the_same_defaults():
    context_fields = {f.name: f.default for f in dataclasses.fields(RoomContext)}
    assert {"ad_sync_mode", "autoadvance"} <= set(rs.CLOCK_KEYS)
    for key in rs.CLOCK_KEYS:
        assert context_fields[key] == rs.default(key)
    room = Room(ad_sync_mode="off", autoadvance=False, control_mode="any")
    got = clock_settings(room)
    assert set(got) == set(rs.CLOCK_KEYS) and (got["ad_sync_mode"], got["autoadvance"]) == ("off", False)
    with pytest.raises(ValueError, match="ad_sync_mode"):
        RoomContext(ad_sync_mode="sometimes")


def test_the_roster_is_resent_only_for_settings_it_reads():
    assert roster_reads({"autoadvance": (True, False)})
    assert not roster_reads({"queue_locked": (False, True), "password": (False, True)})


def test_a_declaration_is_checked_when_it_is_made():
    with pytest.raises(ValueError, match="default"):
        rs.Setting("repeat", str, "always", choices=("off", "one", "all"))
    with pytest.raises(ValueError, match="changed_by"):
        rs.Setting("listed", bool, True, changed_by="admins")
    assert rs.Setting("vote_skip_ratio", float, 0.5, minimum=0.1, maximum=1.0).accepts(0.75)
    assert not rs.Setting("vote_skip_ratio", float, 0.5, minimum=0.1, maximum=1.0).accepts(True)


def test_a_selection_setting_takes_distinct_declared_choices_in_their_order():
    assert check_settings_payload({"skip_segments": ["outro", "sponsor", "outro"]}) == {
        "skip_segments": ("sponsor", "outro")}
    assert check_settings_payload({"skip_segments": []}) == {"skip_segments": ()}
    for bad in ("sponsor", ["ads"], [1], ["sponsor"] * 9, {"sponsor": True}):
        with pytest.raises(ApiError, match="skip_segments"):
            check_settings_payload({"skip_segments": bad})
    setting = rs.BY_KEY["skip_segments"]
    assert setting.accepts(("sponsor", "outro")) and not setting.accepts(("outro", "sponsor"))
    assert not setting.accepts(["sponsor"]) and not setting.accepts(("sponsor", "sponsor"))


def test_a_selection_is_stored_comma_separated_and_read_back_as_a_tuple(app):
    from server.extensions import db
    from server.models import User
    with app.app_context():
        user = User(name="Owner")
        db.session.add(user)
        db.session.flush()
        room = Room(code="sel23456", name="R", owner_id=user.id, skip_segments=("sponsor", "filler"))
        db.session.add(room)
        db.session.commit()
        stored = db.session.execute(sa.text("SELECT skip_segments FROM rooms WHERE code='sel23456'")).scalar()
        assert stored == "sponsor,filler"
        db.session.expire_all()
        again = db.session.execute(db.select(Room).filter_by(code="sel23456")).scalar_one()
        assert again.skip_segments == ("sponsor", "filler")
        assert again.settings_wire()["skip_segments"] == ("sponsor", "filler")


def test_the_buffer_policy_reaches_the_clock():
    assert "buffer_policy" in rs.CLOCK_KEYS
    assert RoomContext(buffer_policy="wait").buffer_policy == "wait"
    with pytest.raises(ValueError):
        RoomContext(buffer_policy="sometimes")
