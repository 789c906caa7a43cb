"""Payload validation: one small schema language for every socket event and REST body.

Unknown fields are ignored (the protocol lets clients add fields); a wrong type, a missing
required field, an oversized string or an out-of-range number is `invalid` with a message
that names the field.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from server.errors import ApiError, invalid

MAX_PAYLOAD_KEYS = 64


@dataclass(frozen=True)
class Field:
    kind: str  # str | int | float | bool | enum | enum_list | items
    required: bool = True
    max_len: int = 256
    min_len: int = 0
    lo: float | None = None
    hi: float | None = None
    choices: tuple[str, ...] = ()
    nullable: bool = False
    items: dict | None = None  # kind "items": the schema of each object in the list


def Str(max_len: int = 256, *, min_len: int = 0, required: bool = True, nullable: bool = False) -> Field:
    return Field("str", required, max_len=max_len, min_len=min_len, nullable=nullable)


def Int(lo: int | None = None, hi: int | None = None, *, required: bool = True, nullable: bool = False) -> Field:
    return Field("int", required, lo=lo, hi=hi, nullable=nullable)


def Num(lo: float | None = None, hi: float | None = None, *, required: bool = True) -> Field:
    return Field("float", required, lo=lo, hi=hi)


def Bool(*, required: bool = True, nullable: bool = False) -> Field:
    return Field("bool", required, nullable=nullable)


def Enum(*choices: str, required: bool = True) -> Field:
    return Field("enum", required, choices=tuple(choices))


def EnumList(*choices: str, required: bool = True) -> Field:
    """A list of distinct `choices` (at most all of them); validated into a tuple in the
    choices' own order."""
    return Field("enum_list", required, choices=tuple(choices))


def Items(schema: dict, *, max_items: int, min_items: int = 1, required: bool = True) -> Field:
    """A list of `min_items`..`max_items` objects, each validated with `schema` (into dicts)."""
    return Field("items", required, lo=min_items, hi=max_items, items=schema)


Schema = dict[str, Field]
INT_LIMIT = 2**53  # JSON-safe integers only


def validate(schema: Schema, payload: Any) -> dict:
    """Return a dict with exactly the schema's fields present in the payload, or raise invalid."""
    if payload is None:
        payload = {}
    if not isinstance(payload, dict):
        raise invalid("The payload must be a JSON object")
    if len(payload) > MAX_PAYLOAD_KEYS:
        raise invalid("The payload has too many fields")
    out: dict = {}
    for name, field in schema.items():
        if name not in payload:
            if field.required:
                raise invalid(f"'{name}' is required")
            continue
        value = payload[name]
        if value is None:
            if field.nullable or not field.required:
                out[name] = None
                continue
            raise invalid(f"'{name}' must not be null")
        out[name] = _check(name, field, value)
    return out


def _check(name: str, field: Field, value: Any) -> Any:
    if field.kind == "str" or field.kind == "enum":
        if not isinstance(value, str):
            raise invalid(f"'{name}' must be a string")
        if field.kind == "enum":
            if value not in field.choices:
                raise invalid(f"'{name}' must be one of {', '.join(field.choices)}")
            return value
        if len(value) > field.max_len:
            raise invalid(f"'{name}' is too long (at most {field.max_len} characters)")
        if len(value.strip()) < field.min_len:
            raise invalid(f"'{name}' is too short")
        return value
    if field.kind == "enum_list":
        if not isinstance(value, (list, tuple)) or len(value) > len(field.choices):
            raise invalid(f"'{name}' must be a list of at most {len(field.choices)} of: {', '.join(field.choices)}")
        for item in value:
            if not isinstance(item, str) or item not in field.choices:
                raise invalid(f"'{name}': {str(item)[:40]!r} is not one of {', '.join(field.choices)}")
        return tuple(choice for choice in field.choices if choice in value)
    if field.kind == "items":
        lo, hi = int(field.lo or 0), int(field.hi or 0)
        if not isinstance(value, list) or not lo <= len(value) <= hi:
            raise invalid(f"'{name}' must be a list of {lo} to {hi} objects")
        out = []
        for index, item in enumerate(value):
            try:
                out.append(validate(field.items or {}, item))
            except ApiError as exc:
                raise invalid(f"'{name}' item {index}: {exc.message}") from None
        return out
    if field.kind == "bool":
        if not isinstance(value, bool):
            raise invalid(f"'{name}' must be true or false")
        return value
    if field.kind == "int":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise invalid(f"'{name}' must be an integer")
        if isinstance(value, float):
            if not math.isfinite(value) or value != int(value):
                raise invalid(f"'{name}' must be an integer")
            value = int(value)
        if abs(value) > INT_LIMIT:
            raise invalid(f"'{name}' is out of range")
        _range(name, field, value)
        return value
    if field.kind == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise invalid(f"'{name}' must be a number")
        _range(name, field, value)
        return float(value)
    raise AssertionError(field.kind)


def _range(name: str, field: Field, value: float) -> None:
    if field.lo is not None and value < field.lo:
        raise invalid(f"'{name}' must be at least {field.lo:g}")
    if field.hi is not None and value > field.hi:
        raise invalid(f"'{name}' must be at most {field.hi:g}")
