"""REST sign-in, tokens, health, stats, rooms and the secrets a server starts with."""
from __future__ import annotations

import re
import stat
import time
import uuid

import jwt
import pytest

from server.config import ConfigError
from server.extensions import socketio
from server.services.room_codes import ALPHABET, CODE_LENGTH
from tests.support.socket_clients import create_room, sign_in

CODE_PATTERN = re.compile(rf"^[{ALPHABET}]{{{CODE_LENGTH}}}$")
UNREACHABLE_POSTGRES = "postgresql+psycopg://x@127.0.0.1:1/x"


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def assert_error(resp, status: int, code: str) -> None:
    assert resp.status_code == status, (resp.status_code, resp.get_data(as_text=True))
    body = resp.get_json()
    assert body["ok"] is False and body["error"] == code, body
    assert isinstance(body["message"], str) and body["message"].strip(), body


def foreign_token(user_id: int, secret: str, *, expires_in: int = 3600, tv: int = 1) -> str:
    """A token shaped like ours (flask-jwt-extended claims) but signed with `secret`."""
    now = int(time.time())
    claims = {"sub": str(user_id), "tv": tv, "type": "access", "fresh": False, "jti": str(uuid.uuid4()),
              "iat": now, "nbf": now, "exp": now + expires_in}
    return jwt.encode(claims, secret, algorithm="HS256")


# -- POST /auth/guest ----------------------------------------------------------------------------

@pytest.mark.parametrize("raw, shown", [
    ("  Alice  ", "Alice"),
    ("Bob\tthe   builder", "Bob the builder"),
    ("A", "A"),
    ("x" * 32, "x" * 32),
    ("Zoë 🎬", "Zoë 🎬"),
    ("Al\u0000ice\u202e", "Alice"),  # invisible/control characters never reach the roster
])
def test_guest_name_is_trimmed_and_becomes_the_display_name(client, raw, shown):
    resp = client.post("/auth/guest", json={"name": raw})
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["ok"] is True and body["user"]["name"] == shown and body["user"]["guest"] is True
    me = client.get("/auth/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200 and me.get_json()["user"]["name"] == shown


@pytest.mark.parametrize("body", [
    {"name": ""},
    {"name": "   "},
    {"name": "x" * 33},
    {"name": "y" * 300},
    {"name": "\u0000\u0001\u0007"},
    {"name": "\u200b\u200b"},
    {"name": 42},
    {"name": None},
    {"name": ["Alice"]},
    {"name": {"first": "Alice"}},
    {},
    ["Alice"],
    "Alice",
])
def test_guest_sign_in_refuses_bad_names_with_a_message(client, body):
    assert_error(client.post("/auth/guest", json=body), 400, "invalid")


def test_guest_sign_in_without_a_json_body_is_invalid(client):
    assert_error(client.post("/auth/guest", data="name=Alice", content_type="application/x-www-form-urlencoded"),
                 400, "invalid")


def test_guest_sign_in_can_be_disabled(make_app):
    client = make_app(ALLOW_GUESTS=False).test_client()
    assert_error(client.post("/auth/guest", json={"name": "Alice"}), 403, "forbidden")


# -- GET /auth/me --------------------------------------------------------------------------------

def test_me_answers_the_signed_in_user(app, client):
    guest = sign_in(app, "Carol")
    resp = client.get("/auth/me", headers=bearer(guest.token))
    assert resp.status_code == 200
    assert resp.get_json()["user"] == guest.user


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Bearer"},
    {"Authorization": "Bearer not-a-jwt"},
    {"Authorization": "Bearer a.b.c"},
    {"Authorization": "Basic dXNlcjpwYXNz"},
])
def test_me_without_a_usable_token_is_unauthorized(client, headers):
    assert_error(client.get("/auth/me", headers=headers), 401, "unauthorized")


def test_me_refuses_a_token_signed_with_another_key(app, client):
    guest = sign_in(app, "Mallory")
    forged = foreign_token(guest.user["id"], "another-secret-" + "z" * 32)
    assert_error(client.get("/auth/me", headers=bearer(forged)), 401, "unauthorized")


def test_me_refuses_an_expired_token(app, client):
    guest = sign_in(app, "Late")
    expired = foreign_token(guest.user["id"], app.config["JWT_SECRET_KEY"], expires_in=-60)
    assert_error(client.get("/auth/me", headers=bearer(expired)), 401, "unauthorized")


def test_me_refuses_an_unsigned_token(app, client):
    guest = sign_in(app, "Eve")
    now = int(time.time())
    unsigned = jwt.encode({"sub": str(guest.user["id"]), "tv": 1, "type": "access", "iat": now, "nbf": now,
                           "exp": now + 60}, None, algorithm="none")
    assert_error(client.get("/auth/me", headers=bearer(unsigned)), 401, "unauthorized")


# -- POST /auth/logout ---------------------------------------------------------------------------

def test_logout_revokes_every_token_of_that_user_and_drops_the_sockets(app, client):
    from server.extensions import db
    from server.models import User
    from server.services.tokens import issue_token

    guest = sign_in(app, "Dave")
    other = sign_in(app, "Erin")
    with app.app_context():
        second_token = issue_token(db.session.get(User, guest.user["id"]))
    guest.connect()
    assert client.get("/auth/me", headers=bearer(second_token)).status_code == 200

    resp = client.post("/auth/logout", headers=bearer(guest.token))
    assert resp.status_code == 200 and resp.get_json()["ok"] is True

    for token in (guest.token, second_token):
        assert_error(client.get("/auth/me", headers=bearer(token)), 401, "unauthorized")
    assert not guest.sio.is_connected(), "the open socket of a signed-out user must be closed"
    ended = [m["args"][0] for m in guest.sio.queue if m["name"] == "session.ended"]  # closed: read the raw queue
    assert ended == [{"reason": "signed_out"}]
    assert not socketio.test_client(app, auth={"token": guest.token}).is_connected()
    assert_error(client.post("/auth/logout", headers=bearer(guest.token)), 401, "unauthorized")
    # someone else's session is untouched
    assert client.get("/auth/me", headers=bearer(other.token)).status_code == 200


def test_logout_needs_a_token(client):
    assert_error(client.post("/auth/logout"), 401, "unauthorized")


# -- health and stats ----------------------------------------------------------------------------

def test_health_is_ok_with_a_working_database(client):
    resp = client.get("/api/health")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["ok"] is True and body["db"] == "ok" and body["redis"] is None and body["version"]


def test_health_is_503_when_the_database_is_down(make_app):
    client = make_app(DATABASE_URL=UNREACHABLE_POSTGRES).test_client()
    resp = client.get("/api/health")
    assert resp.status_code == 503
    body = resp.get_json()
    assert body["ok"] is False and body["db"] == "down"


def test_health_is_503_when_the_sqlite_file_cannot_be_opened(make_app, tmp_path):
    client = make_app(DATABASE_URL=f"sqlite:///{tmp_path}/no/such/dir/x.db").test_client()
    assert client.get("/api/health").status_code == 503


def test_stats_count_rooms_users_and_sockets(app, client):
    counts = ("ok", "rooms", "rooms_active", "users_online", "sockets")
    before = client.get("/api/stats").get_json()
    assert {k: before[k] for k in counts} == {"ok": True, "rooms": 0, "rooms_active": 0, "users_online": 0,
                                              "sockets": 0}
    owner = sign_in(app, "Owner").connect()
    code = create_room(app, owner)["code"]
    owner.join(code)
    sign_in(app, "Idle").connect()
    after = client.get("/api/stats").get_json()
    assert {k: after[k] for k in counts} == {"ok": True, "rooms": 1, "rooms_active": 1, "users_online": 1,
                                             "sockets": 2}


# -- rooms ---------------------------------------------------------------------------------------

def test_room_creation_makes_the_creator_owner_with_a_random_code(app):
    guest = sign_in(app, "Frank")
    room = create_room(app, guest, name="Movie night")
    assert CODE_PATTERN.match(room["code"]), room["code"]
    assert room["owner_id"] == guest.user["id"]
    assert room["settings"]["name"] == "Movie night" and room["settings"]["has_password"] is False
    assert room["playback"]["state"] == "idle" and room["queue"] == []


def test_room_codes_are_distinct_and_not_sequential(make_app):
    app = make_app(RATE_LIMIT_EXEMPT_LOOPBACK=True)  # 200 rooms from one address: lift per-IP limits
    client = app.test_client()
    guest = sign_in(app, "Many")
    codes = []
    for _ in range(200):
        resp = client.post("/api/rooms", json={}, headers=bearer(guest.token))
        assert resp.status_code == 201
        codes.append(resp.get_json()["code"])
    assert all(CODE_PATTERN.match(c) for c in codes)
    assert len(set(codes)) == 200
    as_numbers = [sum(ALPHABET.index(ch) * len(ALPHABET) ** i for i, ch in enumerate(reversed(c))) for c in codes]
    steps = [b - a for a, b in zip(as_numbers, as_numbers[1:], strict=False)]
    assert min(abs(s) for s in steps) > 1000, "consecutive codes are close: a counter, not random"
    assert len({c[0] for c in codes}) > 10 and len({c[-1] for c in codes}) > 10


def test_room_creation_refuses_bad_settings_and_anonymous_callers(app, client):
    guest = sign_in(app, "Gina")
    assert_error(client.post("/api/rooms", json={"settings": {"control_mode": "anarchy"}},
                             headers=bearer(guest.token)), 400, "invalid")
    assert_error(client.post("/api/rooms", json={"settings": {"name": "x" * 81}}, headers=bearer(guest.token)),
                 400, "invalid")
    assert_error(client.post("/api/rooms", json=["x"], headers=bearer(guest.token)), 400, "invalid")
    assert_error(client.post("/api/rooms", json={}), 401, "unauthorized")


def test_room_facts_tell_whether_a_password_is_needed(app, client):
    guest = sign_in(app, "Hank")
    open_room = create_room(app, guest, name="Open")
    locked = create_room(app, guest, name="Locked", password="s3cret")
    facts = client.get(f"/api/rooms/{open_room['code']}", headers=bearer(guest.token)).get_json()
    assert facts["ok"] is True and facts["has_password"] is False and facts["name"] == "Open"
    assert facts["members"] == 0
    facts = client.get(f"/api/rooms/{locked['code'].upper()}", headers=bearer(guest.token)).get_json()
    assert facts["has_password"] is True and facts["name"] == "Locked"
    assert "password" not in facts and "password_hash" not in facts


def test_room_facts_need_a_token_and_an_existing_room(app, client):
    guest = sign_in(app, "Ivy")
    code = create_room(app, guest)["code"]
    assert_error(client.get(f"/api/rooms/{code}"), 401, "unauthorized")
    unknown = "".join(reversed(code)) if "".join(reversed(code)) != code else "zzzzzzzz"
    assert_error(client.get(f"/api/rooms/{unknown}", headers=bearer(guest.token)), 404, "not_found")
    assert_error(client.get("/api/rooms/not-a-code!", headers=bearer(guest.token)), 404, "not_found")


# -- configuration -------------------------------------------------------------------------------

SECRET_ENV = ("SECRET_KEY", "JWT_SECRET", "ENV", "DATABASE_URL")


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in SECRET_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("INSTANCE_DIR", str(tmp_path / "instance"))
    return monkeypatch


@pytest.mark.parametrize("explicit", [{}, {"SECRET_KEY": "k" * 48}, {"JWT_SECRET": "j" * 48},
                                      {"SECRET_KEY": "change-me", "JWT_SECRET": "j" * 48}])
def test_production_with_a_default_secret_refuses_to_start(clean_env, explicit):
    from server.config import Config

    clean_env.setenv("ENV", "production")
    for name, value in explicit.items():
        clean_env.setenv(name, value)
    with pytest.raises(ConfigError) as refused:
        Config().finalize()
    message = str(refused.value)
    assert "production" in message
    for name in ("SECRET_KEY", "JWT_SECRET"):
        assert (name in message) == (explicit.get(name, "change-me") == "change-me"), message


def test_production_with_real_secrets_starts(clean_env):
    from server.config import Config

    clean_env.setenv("ENV", "production")
    clean_env.setenv("SECRET_KEY", "k" * 48)
    clean_env.setenv("JWT_SECRET", "j" * 48)
    cfg = Config()
    cfg.finalize()
    assert (cfg.SECRET_KEY, cfg.JWT_SECRET) == ("k" * 48, "j" * 48)


def test_local_run_keeps_a_generated_secret_in_the_instance_folder(clean_env, tmp_path):
    from server.config import DEFAULT_SECRET, Config

    first = Config()
    first.finalize()
    second = Config()
    second.finalize()
    assert first.SECRET_KEY not in ("", DEFAULT_SECRET) and len(first.SECRET_KEY) >= 32
    assert first.JWT_SECRET not in ("", DEFAULT_SECRET) and first.JWT_SECRET != first.SECRET_KEY
    assert (second.SECRET_KEY, second.JWT_SECRET) == (first.SECRET_KEY, first.JWT_SECRET)
    for name in ("secret_key", "jwt_secret"):
        path = tmp_path / "instance" / name
        assert path.exists() and stat.S_IMODE(path.stat().st_mode) == 0o600
