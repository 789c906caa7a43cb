"""The admin dashboard's server side: sign-in (CLI link, Google token), the cookie session with
CSRF, the `/admin` namespace's Origin and cookie checks, and every admin request and action."""
from __future__ import annotations

import hashlib
import json
import re

import pytest

from server.extensions import db, socketio
from server.models import Room, RoomAudit, StatsSnapshot, User
from server.models.admin_login import AdminLogin
from tests.support.socket_clients import create_room, sign_in

COOKIE = "access_token_cookie"
LINK_RE = re.compile(r"(http://\S+)/dashboard/login#token=([A-Za-z0-9_-]+)")


# -- helpers ------------------------------------------------------------------------------------
def admin_link(app, email: str = "boss@example.com", *extra: str) -> str:
    result = app.test_cli_runner().invoke(args=["sharetube", "admin-link", email, *extra])
    assert result.exit_code == 0, result.output
    match = LINK_RE.search(result.output)
    assert match, result.output
    assert match.group(1) == app.config["ST"].BACKEND_BASE_URL
    return match.group(2)


class AdminSession:
    """A browser's view of the dashboard: a cookie jar, the CSRF token, the /admin socket."""

    def __init__(self, app, email: str = "boss@example.com") -> None:
        self.app = app
        self.http = app.test_client()
        resp = self.http.post("/api/admin/session", json={"code": admin_link(app, email)})
        assert resp.status_code == 200, resp.json
        self.user = resp.json["user"]
        self.csrf = resp.json["csrf_token"]
        self.cookie = self.http.get_cookie(COOKIE).value
        self.sockets: list = []

    def connect(self, origin: str | None = "own", cookie: str | None = None):
        headers = {"Cookie": f"{COOKIE}={cookie or self.cookie}"}
        if origin is not None:
            headers["Origin"] = self.app.config["ST"].BACKEND_BASE_URL if origin == "own" else origin
        sio = socketio.test_client(self.app, namespace="/admin", headers=headers)
        self.sockets.append(sio)
        return sio

    def close(self) -> None:
        for sio in self.sockets:
            if sio.is_connected("/admin"):
                sio.disconnect(namespace="/admin")


def ask(sio, event: str, data: dict | None = None) -> dict:
    return sio.emit(event, data or {}, callback=True, namespace="/admin")


def received(sio, name: str) -> list:
    return [m["args"][0] for m in sio.get_received("/admin") if m["name"] == name]


def audit_rows(app, action: str) -> list[RoomAudit]:
    with app.app_context():
        return list(db.session.execute(db.select(RoomAudit).filter_by(action=action)).scalars())


@pytest.fixture
def boss(app):
    session = AdminSession(app)
    yield session
    session.close()


# -- sign-in --------------------------------------------------------------------------------------
def test_admin_link_creates_the_admin_and_stores_only_a_hash(app):
    code = admin_link(app, "Boss@Example.com")
    assert len(code) >= 43  # 256 bits, base64url
    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(email="boss@example.com")).scalar_one()
        assert user.role == "admin"
        login = db.session.execute(db.select(AdminLogin)).scalar_one()
        assert login.code_hash == hashlib.sha256(code.encode()).hexdigest()
        assert code not in json.dumps([login.code_hash, login.method])
    assert [r.action for r in audit_rows(app, "admin.created_by_cli")] == ["admin.created_by_cli"]


def test_admin_link_promotes_an_existing_user_and_refuses_bad_input(app):
    with app.app_context():
        db.session.add(User(name="Carol", email="carol@example.com", email_verified=True, role="user"))
        db.session.commit()
    admin_link(app, "carol@example.com")
    with app.app_context():
        assert db.session.execute(db.select(User.role).filter_by(email="carol@example.com")).scalar_one() == "admin"
    assert audit_rows(app, "admin.granted_by_cli")
    bad = app.test_cli_runner().invoke(args=["sharetube", "admin-link", "not-an-email"])
    assert bad.exit_code != 0 and "not an email" in bad.output


def test_link_code_sets_an_httponly_strict_cookie_and_works_once(app):
    code = admin_link(app)
    http = app.test_client()
    resp = http.post("/api/admin/session", json={"code": code})
    assert resp.status_code == 200 and resp.json["user"]["role"] == "admin"
    set_cookie = next(h for h in resp.headers.getlist("Set-Cookie") if h.startswith(COOKIE + "="))
    assert "HttpOnly" in set_cookie and "SameSite=Strict" in set_cookie
    assert resp.json["csrf_token"]
    assert "access_token" not in resp.json  # the JWT never reaches page script
    me = http.get("/api/admin/session")
    assert me.status_code == 200 and me.json["csrf_token"] == resp.json["csrf_token"]
    again = app.test_client().post("/api/admin/session", json={"code": code})
    assert again.status_code == 401 and "used or expired" in again.json["message"]


def test_expired_link_is_refused(app):
    code = admin_link(app)
    with app.app_context():
        login = db.session.execute(db.select(AdminLogin)).scalar_one()
        login.expires_ms = 1
        db.session.commit()
    assert app.test_client().post("/api/admin/session", json={"code": code}).status_code == 401


def test_non_admins_are_refused_with_a_reason(app):
    guest = sign_in(app, "Mallory")
    http = app.test_client()
    resp = http.post("/api/admin/session", headers={"Authorization": f"Bearer {guest.token}"})
    assert resp.status_code == 403
    assert resp.json["error"] == "forbidden" and "not an admin" in resp.json["message"]
    assert resp.json["user"]["name"] == "Mallory"
    assert http.get_cookie(COOKIE) is None
    anonymous = app.test_client().get("/api/admin/session")
    assert anonymous.status_code == 401 and anonymous.json["google_enabled"] is False
    assert app.test_client().post("/api/admin/session", json={}).status_code == 400


def test_an_admins_google_token_is_traded_for_the_cookie(app):
    from server.services.tokens import issue_token
    with app.app_context():
        user = User(name="Gina", email="gina@example.com", google_sub="g-1", role="admin")
        db.session.add(user)
        db.session.commit()
        token = issue_token(user)
    http = app.test_client()
    resp = http.post("/api/admin/session", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200 and resp.json["user"]["name"] == "Gina"
    assert http.get_cookie(COOKIE) is not None
    assert audit_rows(app, "admin.sign_in")


def test_sign_out_needs_the_csrf_header_then_makes_the_cookie_stale(app, boss):
    assert boss.http.delete("/api/admin/session").status_code == 403  # no X-CSRF-TOKEN
    wrong = boss.http.delete("/api/admin/session", headers={"X-CSRF-TOKEN": "forged"})
    assert wrong.status_code == 403 and "X-CSRF-TOKEN" in wrong.json["message"]
    assert boss.http.get("/api/admin/session").status_code == 200  # still signed in
    live = boss.connect()
    assert live.is_connected("/admin")
    ok = boss.http.delete("/api/admin/session", headers={"X-CSRF-TOKEN": boss.csrf})
    assert ok.status_code == 200
    assert not live.is_connected("/admin")  # the open dashboard socket is dropped too
    stale = app.test_client()
    stale.set_cookie(COOKIE, boss.cookie)
    assert stale.get("/api/admin/session").status_code == 401
    assert not boss.connect(cookie=boss.cookie).is_connected("/admin")
    assert audit_rows(app, "admin.sign_out")


# -- the /admin socket ---------------------------------------------------------------------------
def test_admin_socket_accepts_only_its_own_origin(app, boss):
    assert not boss.connect(origin="https://evil.example").is_connected("/admin")
    assert not boss.connect(origin=None).is_connected("/admin")
    assert not boss.connect(origin="chrome-extension://abcdefghijklmnop").is_connected("/admin")
    sio = boss.connect()
    assert sio.is_connected("/admin")
    got = sio.get_received("/admin")
    hello = next(m["args"][0] for m in got if m["name"] == "admin.hello")
    assert hello["user"]["email"] == "boss@example.com"
    stats = next(m["args"][0] for m in got if m["name"] == "admin.stats")
    for key in ("sockets", "users_online", "rooms_active", "events_per_s", "p99_ack_ms", "cpu_percent",
                "rss_mb", "workers"):
        assert key in stats
    assert stats["workers"] == 1 and stats["rss_mb"] > 0


def test_admin_socket_refuses_no_cookie_a_guest_token_and_a_stale_cookie(app, boss):
    assert not socketio.test_client(app, namespace="/admin",
                                    headers={"Origin": app.config["ST"].BACKEND_BASE_URL}).is_connected("/admin")
    guest = sign_in(app, "Mallory")
    assert not boss.connect(cookie=guest.token).is_connected("/admin")  # a valid JWT, but no admin session
    with app.app_context():
        user = db.session.get(User, boss.user["id"])
        user.token_version += 1  # e.g. /auth/logout on another device
        db.session.commit()
    assert not boss.connect().is_connected("/admin")
    assert boss.http.get("/api/admin/session").status_code == 401


def test_requests_validate_and_unknown_events_are_invalid(app, boss):
    sio = boss.connect()
    assert ask(sio, "admin.nope")["error"] == "invalid"
    assert ask(sio, "admin.room", {})["error"] == "invalid"
    assert ask(sio, "admin.ban", {"user_id": "x", "banned": True})["error"] == "invalid"
    assert ask(sio, "admin.role", {"user_id": 1, "role": "owner"})["error"] == "invalid"
    assert ask(sio, "admin.room", {"code": "zzzzzzzz"})["error"] == "not_found"


def test_a_revoked_admin_can_no_longer_ask(app, boss):
    other = AdminSession(app, "second@example.com")
    try:
        sio = other.connect()
        mine = boss.connect()
        ack = ask(mine, "admin.role", {"user_id": other.user["id"], "role": "user"})
        assert ack["ok"] and ack["user"]["role"] == "user"
        assert not sio.is_connected("/admin")
        assert other.http.get("/api/admin/session").status_code == 403
        assert ask(mine, "admin.role", {"user_id": boss.user["id"], "role": "user"})["error"] == "forbidden"
    finally:
        other.close()


# -- the service, seen and steered -------------------------------------------------------------
@pytest.fixture
def busy_room(app):
    """Alice owns a room playing a video; Bob is in it with a measured clock offset."""
    alice, bob = sign_in(app, "Alice").connect(), sign_in(app, "Bob").connect()
    room = create_room(app, alice, name="Movie night")
    alice.join(room["code"])
    bob.join(room["code"])
    assert alice.emit("queue.add", {"video_id": "dQw4w9WgXcQ", "title": "Never Gonna"})["ok"]
    assert alice.emit("start_now")["ok"]
    assert alice.emit("chat.send", {"text": "hello <b>there</b>"})["ok"]
    assert bob.emit("player.status", {"position_ms": 1000, "offset_ms": -250, "rtt_ms": 40})["ok"]
    alice.received()
    bob.received()
    yield room["code"], alice, bob
    for guest in (alice, bob):
        if guest.sio.is_connected():
            guest.sio.disconnect()


def test_rooms_and_room_detail_show_members_offsets_queue_chat_and_timeline(app, boss, busy_room):
    code, alice, bob = busy_room
    sio = boss.connect()
    rooms = ask(sio, "admin.rooms")
    assert rooms["ok"]
    row = next(r for r in rooms["rooms"] if r["code"] == code)
    assert row["members"] == 2 and row["title"] == "Never Gonna" and row["worst_offset_ms"] == 250
    assert row["name"] == "Movie night" and row["state"] in ("playing", "starting")
    assert [r["code"] for r in ask(sio, "admin.rooms", {"q": "MOVIE"})["rooms"]] == [code]
    assert ask(sio, "admin.rooms", {"q": "no such room"})["rooms"] == []
    detail = ask(sio, "admin.room", {"code": code})
    assert detail["ok"]
    members = {m["name"]: m for m in detail["members"]}
    assert members["Bob"]["offset_ms"] == -250 and members["Bob"]["rtt_ms"] == 40
    assert [e["title"] for e in detail["queue"]] == ["Never Gonna"]
    assert any(m["text"] == "hello <b>there</b>" for m in detail["chat"])
    actions = [a["action"] for a in detail["audit"]]
    assert "room.create" in actions and "queue.add" in actions
    assert detail["timeline"] and all(t["action"].startswith("playback.") for t in detail["timeline"])
    assert any(t["to"] == "playing" for t in detail["timeline"])


def test_users_search_shows_rooms_role_and_online(app, boss, busy_room):
    code, _alice, _bob = busy_room
    sio = boss.connect()
    users = ask(sio, "admin.users", {"q": "bo"})["users"]
    names = {u["name"]: u for u in users}
    assert set(names) == {"Bob", "boss"}
    assert names["Bob"]["online"] is True and names["Bob"]["rooms"][0]["code"] == code
    assert names["boss"]["role"] == "admin" and names["boss"]["email"] == "boss@example.com"
    assert [u["email"] for u in ask(sio, "admin.users", {"q": "EXAMPLE.com"})["users"]] == ["boss@example.com"]


def test_kick_reaches_the_member_and_is_audited(app, boss, busy_room):
    code, alice, bob = busy_room
    sio = boss.connect()
    ack = ask(sio, "admin.kick", {"code": code, "user_id": bob.user["id"]})
    assert ack["ok"], ack
    assert bob.received("room.kicked")[0]["reason"] == "kicked"
    assert bob.sio.is_connected()  # kicked from the room, not signed out
    assert [m["name"] for m in ask(sio, "admin.room", {"code": code})["members"]] == ["Alice"]
    row = audit_rows(app, "member.kick")[0]
    assert row.actor_id == boss.user["id"] and json.loads(row.after)["user_id"] == bob.user["id"]
    assert ask(sio, "admin.kick", {"code": code, "user_id": bob.user["id"]})["error"] == "not_found"


def test_ban_drops_the_users_sockets_at_once_and_is_audited(app, boss, busy_room):
    code, alice, bob = busy_room
    sio = boss.connect()
    ack = ask(sio, "admin.ban", {"user_id": bob.user["id"], "banned": True})
    assert ack["ok"] and ack["user"]["banned"] is True
    assert not bob.sio.is_connected()
    assert alice.sio.is_connected()
    assert not socketio.test_client(app, auth={"token": bob.token}).is_connected()  # old token revoked
    row = audit_rows(app, "admin.ban")[0]
    assert row.room_id is None and row.actor_id == boss.user["id"]
    assert ask(sio, "admin.ban", {"user_id": boss.user["id"], "banned": True})["error"] == "forbidden"
    unban = ask(sio, "admin.ban", {"user_id": bob.user["id"], "banned": False})
    assert unban["ok"] and unban["user"]["banned"] is False
    assert audit_rows(app, "admin.unban")


def test_role_grant_and_revoke_are_audited(app, boss):
    with app.app_context():
        user = User(name="Dana", email="dana@example.com", google_sub="g-2")
        db.session.add(user)
        db.session.commit()
        dana_id = user.id
    sio = boss.connect()
    assert ask(sio, "admin.role", {"user_id": dana_id, "role": "admin"})["user"]["role"] == "admin"
    assert ask(sio, "admin.role", {"user_id": dana_id, "role": "user"})["user"]["role"] == "user"
    rows = audit_rows(app, "admin.role")
    assert [json.loads(r.after)["role"] for r in rows] == ["admin", "user"]
    assert all(r.actor_id == boss.user["id"] and r.room_id is None for r in rows)
    guest = sign_in(app, "Gus")
    assert ask(sio, "admin.role", {"user_id": guest.user["id"], "role": "admin"})["error"] == "forbidden"


def test_close_room_tells_the_members_and_empties_it(app, boss, busy_room):
    code, alice, bob = busy_room
    sio = boss.connect()
    ack = ask(sio, "admin.close_room", {"code": code})
    assert ack["ok"], ack
    assert alice.received("room.closed") == [{"code": code, "reason": "closed_by_admin"}]
    assert bob.received("room.closed")
    assert alice.emit("chat.send", {"text": "still here?"})["ok"] is False
    with app.app_context():
        assert db.session.execute(db.select(Room.closed_ms).filter_by(code=code)).scalar_one() is not None
        presence = app.extensions["sharetube"].presence
        presence.heartbeat()  # the members' sockets left the room: no heartbeat shares them again
        assert presence.users_in_room(code) == {}
    assert all(r["code"] != code for r in ask(sio, "admin.rooms")["rooms"])
    row = audit_rows(app, "admin.close_room")[0]
    assert row.actor_id == boss.user["id"] and row.room_id is not None
    assert ask(sio, "admin.close_room", {"code": code})["error"] == "conflict"
    assert alice.emit("join", {"code": code})["error"] == "not_found"


def test_audit_feed_pages_newest_first(app, boss, busy_room):
    sio = boss.connect()
    first = ask(sio, "admin.audit")
    assert first["ok"]
    ids = [r["id"] for r in first["rows"]]
    assert ids == sorted(ids, reverse=True)
    assert any(r["action"] == "admin.sign_in" and r["actor_name"] == "boss" for r in first["rows"])
    assert any(r["room_code"] == busy_room[0] for r in first["rows"])
    older = ask(sio, "admin.audit", {"before_id": ids[-1]})
    assert all(r["id"] < ids[-1] for r in older["rows"])


def test_history_returns_snapshots_and_prunes_a_day_old(app, boss):
    from server.background.housekeeping import stats_snapshot
    from server.services.admin.stats import KEEP_SNAPSHOTS_MS
    from server.timeutil import now_ms
    with app.app_context():
        db.session.add(StatsSnapshot(created_ms=now_ms() - KEEP_SNAPSHOTS_MS - 60_000, data="{}"))
        db.session.commit()
        stats_snapshot(app)  # the background task's run: writes one, prunes the day-old one
        assert db.session.execute(db.select(db.func.count()).select_from(StatsSnapshot)).scalar_one() == 1
        db.session.remove()
    points = ask(boss.connect(), "admin.history", {"minutes": 60})["points"]
    assert len(points) == 1 and points[0]["workers"] == 1 and "users_online" in points[0]


class FakeRedis:
    """Just the calls the stats use: a hash per key, SET NX with expiry ignored."""

    def __init__(self) -> None:
        self.hashes: dict[str, dict[str, str]] = {}
        self.keys: dict[str, object] = {}

    def hset(self, key, field, value):
        self.hashes.setdefault(key, {})[field] = value

    def hgetall(self, key):
        return dict(self.hashes.get(key, {}))

    def hdel(self, key, *fields):
        for f in fields:
            self.hashes.get(key, {}).pop(f, None)

    def set(self, key, value, nx=False, px=None):
        if nx and key in self.keys:
            return None
        self.keys[key] = value
        return True


def test_with_redis_the_numbers_add_up_over_processes(app):
    from server.services.admin.stats import PROCS_KEY, across_processes
    from server.services.runtime import rt
    from server.timeutil import now_ms
    fake = FakeRedis()
    now = now_ms()
    fake.hset(PROCS_KEY, "other-host:1", json.dumps({"sockets": 40, "admins": 0, "events_per_s": 12.5,
                                                     "p99_ack_ms": 80.0, "cpu_percent": 30.0, "rss_mb": 120.0,
                                                     "ts": now - 1000}))
    fake.hset(PROCS_KEY, "dead-host:2", json.dumps({"sockets": 999, "ts": now - 60_000}))
    with app.app_context():
        rt().redis = fake
        mine = {"sockets": 2, "admins": 1, "events_per_s": 0.5, "p99_ack_ms": 20.0, "cpu_percent": 5.0, "rss_mb": 100.0}
        total = across_processes(mine, now)
        assert total["workers"] == 2 and total["sockets"] == 42 and total["admins"] == 1
        assert total["events_per_s"] == 13.0 and total["p99_ack_ms"] == 80.0 and total["rss_mb"] == 220.0
        assert "dead-host:2" not in fake.hashes[PROCS_KEY]
        rt().redis = None
        db.session.remove()
