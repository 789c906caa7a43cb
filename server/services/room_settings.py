"""Room settings from their one declaration (server/domain/room_settings.py): the validation of
`room.settings` and of a new room's settings, applying them to a Room, what the clock reads,
and how a change is worded in the room's chat."""
from __future__ import annotations

from typing import Any

from server.domain.room_settings import CLOCK_KEYS, ROSTER_KEYS, SETTINGS, Setting
from server.errors import invalid
from server.models import Room
from server.services.password_hashing import hash_password
from server.validation import Bool, Enum, EnumList, Field, Int, Num, Schema, Str, validate

MAX_PASSWORD = 128


def field_for(setting: Setting) -> Field:
    """The validation field of one setting (every setting is optional in a change)."""
    if setting.type is bool:
        return Bool(required=False)
    if setting.type is tuple:
        return EnumList(*setting.choices, required=False)
    if setting.choices:
        return Enum(*setting.choices, required=False)
    if setting.type is str:
        return Str(setting.max_len, min_len=setting.min_len, required=False)
    if setting.type is int:
        lo = None if setting.minimum is None else int(setting.minimum)
        hi = None if setting.maximum is None else int(setting.maximum)
        return Int(lo, hi, required=False)
    return Num(setting.minimum, setting.maximum, required=False)


SETTINGS_SCHEMA: Schema = {s.key: field_for(s) for s in SETTINGS}
SETTINGS_SCHEMA["password"] = Str(MAX_PASSWORD, required=False, nullable=True)


def check_settings_payload(data: object) -> dict:
    values = validate(SETTINGS_SCHEMA, data)
    if not values:
        raise invalid("No settings to change")
    return values


def apply_settings(room: Room, values: dict) -> dict:
    """Set validated settings on a room; return {field: (before, after)} of what changed."""
    changed: dict = {}
    for setting in SETTINGS:
        new = values.get(setting.key)
        if new is None:
            continue
        if isinstance(new, str) and not setting.choices:
            new = new.strip()
        if getattr(room, setting.key) != new:
            changed[setting.key] = (getattr(room, setting.key), new)
            setattr(room, setting.key, new)
    if "password" in values:
        pw = values["password"]
        had = bool(room.password_hash)
        if pw:
            room.password_hash = hash_password(pw)
            changed["password"] = (had, True)
        elif had:
            room.password_hash = None
            changed["password"] = (True, False)
    return changed


def clock_settings(room: Room) -> dict[str, Any]:
    """The settings the room clock reads, as RoomContext keyword arguments."""
    return {key: getattr(room, key) for key in CLOCK_KEYS}


def roster_reads(changed: dict) -> bool:
    """Whether a change touched a setting the roster shows."""
    return bool(ROSTER_KEYS.intersection(changed))


def describe_change(key: str, value: object) -> str:
    if key == "password":
        return "the password (now set)" if value else "the password (now removed)"
    if isinstance(value, tuple):
        return f"{key.replace('_', ' ')} to {', '.join(value) or 'none'}"
    return f"{key.replace('_', ' ')} to {value}"
