"""Every client→server event of docs/PROTOCOL.md, sent garbage: each bad payload is acked
`{ok: false, error: "invalid"}` to the sender only, and the same socket keeps being served.

The sender is the owner of a room it has joined, so membership and role checks cannot answer
first and mask a missing validation. Field kinds come from PROTOCOL.md's payload column.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.support.protocol_doc import read_protocol
from tests.support.socket_clients import Guest, create_room, sign_in

STR, INT, NUM, BOOL, ENUM = "str", "int", "num", "bool", "enum"
HUGE_TEXT = "x" * 100_000
ACK_CODES = {"unauthorized", "forbidden", "not_found", "invalid", "rate_limited", "conflict", "unavailable"}


@dataclass(frozen=True)
class Spec:
    """An event's payload: required and optional fields as name → kind, and per-field
    values that have the right type but are out of the protocol's range."""

    required: dict[str, str] = field(default_factory=dict)
    optional: dict[str, str] = field(default_factory=dict)
    empty_ok: bool = True  # `{}` (and no payload at all) is a meaningful request
    out_of_range: dict[str, tuple] = field(default_factory=dict)
    nullable: frozenset[str] = frozenset()  # required, but null has a meaning


POSITION_BAD = (-1, -1000)
ID_BAD = (0, -1)
EVENTS: dict[str, Spec] = {
    "time.sync": Spec({"client_ms": INT}, empty_ok=False, out_of_range={"client_ms": (-1,)}),
    "join": Spec({"code": STR}, {"password": STR, "invite": STR}, empty_ok=False),
    "leave": Spec(),
    "room.sync": Spec(),
    "room.settings": Spec(optional={"name": STR, "is_private": BOOL, "control_mode": ENUM, "ad_sync_mode": ENUM,
                                    "autoadvance": BOOL, "queue_locked": BOOL, "password": STR,
                                    "buffer_policy": ENUM, "vote_skip_ratio": NUM}, empty_ok=False,
                         out_of_range={"vote_skip_ratio": (0, 0.05, 1.01, 2, -0.5)}),
    "play": Spec(),
    "pause": Spec(optional={"position_ms": INT}, out_of_range={"position_ms": POSITION_BAD}),
    "seek": Spec({"position_ms": INT}, {"play": BOOL}, empty_ok=False, out_of_range={"position_ms": POSITION_BAD}),
    "skip": Spec(),
    "restart": Spec(),
    "rate": Spec({"rate": NUM}, empty_ok=False, out_of_range={"rate": (0, 0.1, 0.24, 2.01, 4, -1)}),
    "start_now": Spec(),
    "player.ready": Spec({"entry_id": INT, "ready": BOOL}, {"reason": STR}, empty_ok=False,
                         out_of_range={"entry_id": ID_BAD}),
    "player.ad": Spec({"entry_id": INT, "active": BOOL}, empty_ok=False, nullable=frozenset({"entry_id"})),
    "player.ended": Spec({"entry_id": INT}, empty_ok=False, out_of_range={"entry_id": ID_BAD}),
    "player.buffering": Spec({"entry_id": INT, "active": BOOL}, empty_ok=False, out_of_range={"entry_id": ID_BAD}),
    # PROTOCOL lists all five; the server takes partial status reports, so they are checked as optional
    "player.status": Spec(optional={"entry_id": INT, "position_ms": INT, "offset_ms": INT, "rtt_ms": INT,
                                    "buffering": BOOL, "skipping": BOOL},
                          out_of_range={"position_ms": POSITION_BAD, "rtt_ms": (-1,)}),
    "player.duration": Spec({"entry_id": INT, "duration_ms": INT}, empty_ok=False,
                            out_of_range={"entry_id": ID_BAD, "duration_ms": (0, -5)}),
    "queue.add": Spec(optional={"url": STR, "video_id": STR, "title": STR, "duration_ms": INT, "thumbnail_url": STR},
                      empty_ok=False, out_of_range={"duration_ms": (-1,)}),
    "queue.remove": Spec({"entry_id": INT}, empty_ok=False, out_of_range={"entry_id": ID_BAD}),
    "queue.move": Spec({"entry_id": INT, "to_index": INT}, empty_ok=False,
                       out_of_range={"entry_id": ID_BAD, "to_index": (-1,)}),
    "queue.play": Spec({"entry_id": INT}, empty_ok=False, out_of_range={"entry_id": ID_BAD}),
    "queue.load": Spec(),
    # entries (a list of objects) has no fuzz kind here: tests/socket/test_playlists.py sends it garbage
    "queue.playlist": Spec(optional={"url": STR, "list_id": STR}, empty_ok=False),
    "queue.shuffle": Spec(optional={"undo": BOOL}),
    "chat.send": Spec({"text": STR}, empty_ok=False),
    "chat.history": Spec(optional={"before_id": INT, "limit": INT},
                         out_of_range={"before_id": ID_BAD, "limit": (0, -1)}),
    "chat.typing": Spec(),
    "member.role": Spec({"user_id": INT, "role": ENUM}, empty_ok=False, out_of_range={"user_id": ID_BAD}),
    "member.kick": Spec({"user_id": INT}, {"ban": BOOL}, empty_ok=False, out_of_range={"user_id": ID_BAD}),
    "room.knock": Spec({"code": STR}, empty_ok=False),
    "vote.skip": Spec(optional={"entry_id": INT}, out_of_range={"entry_id": ID_BAD}),
    "vote.clear": Spec(),
    "reaction.send": Spec({"emoji": ENUM, "position_ms": INT}, empty_ok=False,
                          out_of_range={"position_ms": POSITION_BAD, "emoji": ("❤", "👎", "x", "👍👍")}),
    "room.knock_answer": Spec({"knock_id": INT, "admit": BOOL}, empty_ok=False, out_of_range={"knock_id": ID_BAD}),
    "room.bans": Spec(),
    "room.unban": Spec({"user_id": INT}, empty_ok=False, out_of_range={"user_id": ID_BAD}),
    "queue.replay": Spec({"entry_id": INT}, empty_ok=False, out_of_range={"entry_id": ID_BAD}),
}
VALID_EXAMPLE = {STR: "abc", INT: 1, NUM: 1.0, BOOL: True, ENUM: None}
ENUM_EXAMPLE = {"control_mode": "any", "ad_sync_mode": "off", "role": "participant", "emoji": "👍"}
WRONG_TYPE = {
    STR: (0, 12, 1.5, True, False, [], ["abc"], {}, {"a": "b"}),
    INT: ("1", "", "NaN", True, False, 1.5, 0.001, [], [1], {}, {"n": 1}),
    NUM: ("1", "", "1.0", True, False, [], [1.0], {}, {"x": 1}),
    BOOL: ("true", "false", "", 0, 1, 1.0, [], [True], {}, {"b": True}),
    ENUM: ("bogus", "", "ANY", "admin", 0, 1, True, [], ["any"], {}),
}
NUMERIC_GARBAGE = (2**80, -(2**80), 1e300, math.nan, math.inf, -math.inf)


def nested(depth: int) -> object:
    value: object = {"leaf": None}
    for i in range(depth):
        value = [value] if i % 2 else {"k": value}
    return value


NESTED_GARBAGE = ({"$gt": ""}, {"$ne": None}, [[[[[]]]]], {"a": [{"b": {"c": [1, None, "x"]}}]}, nested(40))
NON_OBJECTS = ("garbage", "", "{}", 0, 42, -1.5, math.nan, True, False, [], [{"code": "x"}], ["a", 1, None])


def base_payload(spec: Spec) -> dict:
    return {name: ENUM_EXAMPLE.get(name) if kind == ENUM else VALID_EXAMPLE[kind]
            for name, kind in spec.required.items()}


def bad_payloads(spec: Spec) -> list[tuple[str, object]]:
    """(label, payload) pairs that PROTOCOL.md makes `invalid` for this event."""
    cases: list[tuple[str, object]] = [(f"non-object {v!r}", v) for v in NON_OBJECTS]
    base = base_payload(spec)
    if not spec.empty_ok:
        cases.append(("empty object", {}))
        if spec.required:
            cases.append(("no payload", None))
    for name in spec.required:
        if len(spec.required) > 1:
            cases.append((f"missing {name}", {k: v for k, v in base.items() if k != name}))
        if name not in spec.nullable:
            cases.append((f"null {name}", {**base, name: None}))
    fields = {**spec.required, **spec.optional}
    for name, kind in fields.items():
        values = (*WRONG_TYPE[kind], HUGE_TEXT, *NUMERIC_GARBAGE, *NESTED_GARBAGE, *spec.out_of_range.get(name, ()))
        for value in values:
            cases.append((f"{name}={short(value)}", {**base, name: value}))
    return cases


def short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:30]}…({len(text)} chars)"


def is_invalid_ack(ack: object) -> bool:
    return (isinstance(ack, dict) and ack.get("ok") is False and ack.get("error") == "invalid"
            and isinstance(ack.get("message"), str) and bool(ack["message"].strip()))


@dataclass
class Room:
    code: str
    owner: Guest
    observer: Guest


@pytest.fixture(scope="module")
def fuzz_app(db_templates, tmp_path_factory):
    """One app for the whole module: ~1500 payloads need no fresh database each."""
    from server import create_app
    from server.config import TestConfig
    from server.extensions import db

    instance: Path = tmp_path_factory.mktemp("fuzz-instance")
    app = create_app(TestConfig(instance, DATABASE_URL=db_templates.fresh_url(), AUTO_MIGRATE=False,
                                YOUTUBE_OEMBED_URL="http://127.0.0.1:9/oembed"))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def room(fuzz_app) -> Room:
    owner = sign_in(fuzz_app, "Fuzzer").connect()
    observer = sign_in(fuzz_app, "Observer").connect()
    code = create_room(fuzz_app, owner, name="Fuzz")["code"]
    owner.join(code)
    observer.join(code)
    return Room(code, owner, observer)


def assert_still_served(room: Room) -> None:
    if room.owner.emit("room.sync").get("error") == "conflict":  # a `leave {}` took it out: go back
        room.owner.join(room.code)
    ack = room.owner.emit("time.sync", {"client_ms": 123})
    assert ack["ok"] is True and ack["client_ms"] == 123 and isinstance(ack["server_ms"], int)
    ack = room.owner.emit("room.sync")
    assert ack["ok"] is True and ack["room"]["code"] == room.code
    assert room.owner.user["id"] in {m["user_id"] for m in ack["room"]["members"]}


@pytest.mark.parametrize("event", list(EVENTS))
def test_bad_payloads_are_invalid_and_the_server_keeps_serving(room, event):
    spec = EVENTS[event]
    room.owner.received()
    room.observer.received()
    wrong = []
    for label, payload in bad_payloads(spec):
        ack = room.owner.emit(event, payload)
        if not is_invalid_ack(ack):
            wrong.append(f"{label}: {short(ack)}")
    assert not wrong, f"{event}: {len(wrong)} bad payloads not answered invalid:\n" + "\n".join(wrong[:40])
    assert room.observer.events() == [], "a refusal reaches the sender only"
    assert [name for name, _ in room.owner.events()] == [], "a refused request changes nothing"

    if spec.empty_ok:  # `{}`, no payload or unknown extra fields: a real request, answered, never a crash
        for payload in ({}, None, {"unknown_field": [1, 2, 3], "another": {"x": None}}):
            ack = room.owner.emit(event, payload)
            assert isinstance(ack, dict), (payload, ack)
            assert ack.get("ok") is True or ack.get("error") in ACK_CODES - {"invalid"}, (payload, ack)
    assert_still_served(room)


def test_every_protocol_event_is_covered():
    """Every request of docs/PROTOCOL.md's namespace `/` has a payload spec here, and no other."""
    documented = read_protocol().requests["/"]
    assert not documented - set(EVENTS), f"add a Spec to EVENTS for: {sorted(documented - set(EVENTS))}"
    assert not set(EVENTS) - documented, f"not in docs/PROTOCOL.md: {sorted(set(EVENTS) - documented)}"


@pytest.mark.parametrize("event", ["no.such.event", "JOIN", "join ", "admin.stats", "x" * 500, "message", "json",
                                   "connect_error", "hello", "presence.update"])
@pytest.mark.parametrize("payload", [{}, None, "garbage", [1, 2], {"code": "abc"}])
def test_an_unknown_event_is_invalid(room, event, payload):
    ack = room.owner.emit(event, payload)
    assert is_invalid_ack(ack), ack
    assert room.owner.emit("time.sync", {"client_ms": 1})["ok"] is True



@pytest.mark.parametrize("event", ["connect", "disconnect"])
def test_a_client_sent_lifecycle_event_name_is_invalid(app, event):
    owner, observer = sign_in(app, "Owner").connect(), sign_in(app, "Observer").connect()
    code = create_room(app, owner)["code"]
    owner.join(code)
    observer.join(code)
    observer.received()
    ack = owner.emit(event, {"token": owner.token})
    assert is_invalid_ack(ack), ack
    assert owner.emit("time.sync", {"client_ms": 1})["ok"] is True
    assert owner.user["id"] in {m["user_id"] for m in observer.emit("room.sync")["room"]["members"]}
