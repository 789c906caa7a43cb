"""Issue 14, findings 1, 3 and 5 on one process: password attempt limits, per-IP limits on the
HTTP routes (429 + Retry-After), the loopback lift for benchmarks, throttled join/leave lines,
and every room-scoped handler checking membership on each call."""
from __future__ import annotations

import json

import pytest

from server.config import Config, ConfigError
from server.extensions import db
from server.models import RoomMembership
from server.services.presence.membership import apply_message, reconcile
from tests.support.socket_clients import create_room, sign_in


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def locked_room(app) -> tuple[object, str]:
    owner = sign_in(app, "Owner").connect()
    code = create_room(app, owner, name="Locked", password="right-one")["code"]
    owner.join(code)
    return owner, code


# --- finding 1: room passwords -------------------------------------------------------------------
def test_wrong_passwords_are_limited_per_user_and_room_with_a_retry_time(app):
    _, code = locked_room(app)
    mallory = sign_in(app, "Mallory").connect()
    acks = [mallory.emit("join", {"code": code, "password": f"guess{i}"}) for i in range(7)]
    assert [a["error"] for a in acks[:5]] == ["forbidden"] * 5  # wrong password, said so
    for refused in acks[5:]:
        assert refused["ok"] is False and refused["error"] == "rate_limited"
        assert "password attempts" in refused["message"]
        assert 0 < refused["retry_after_ms"] <= 60_000
    # even the right password waits now: the limit is on attempts, not on failures
    assert mallory.emit("join", {"code": code, "password": "right-one"})["error"] == "rate_limited"
    # another room is another count
    other = create_room(app, sign_in(app, "Other"), password="x")["code"]
    assert mallory.emit("join", {"code": other, "password": "nope"})["error"] == "forbidden"


def test_fresh_guest_accounts_do_not_reset_the_per_ip_count(app):
    _, code = locked_room(app)
    errors = []
    for n in range(3):  # three fresh guests from one address, 5 guesses each
        guest = sign_in(app, f"Sock{n}").connect()
        errors += [guest.emit("join", {"code": code, "password": f"g{n}-{i}"})["error"] for i in range(5)]
    assert errors[:10] == ["forbidden"] * 10
    assert set(errors[10:]) == {"rate_limited"}  # 10 per IP and room per minute
    # a member's own rejoin needs no password check, so it is not limited
    owner = sign_in(app, "Owner2").connect()
    code2 = create_room(app, owner, password="pw")["code"]
    assert all(owner.emit("join", {"code": code2})["ok"] for _ in range(8))


def test_setting_the_room_password_is_limited(app):
    owner, code = locked_room(app)
    acks = [owner.emit("room.settings", {"password": f"new-{i}"}) for i in range(7)]
    assert all(a["ok"] for a in acks[:5])
    assert [a["error"] for a in acks[5:]] == ["rate_limited"] * 2
    assert acks[5]["retry_after_ms"] > 0
    assert owner.emit("room.settings", {"name": "Still renamable"})["ok"]  # other settings are not


# --- finding 5: per-IP limits on the HTTP routes ------------------------------------------------
def test_guest_sign_in_is_limited_per_ip_with_429_and_retry_after(app):
    client = app.test_client()
    codes = [client.post("/auth/guest", json={"name": f"G{i}"}).status_code for i in range(62)]
    assert codes[:60] == [200] * 60
    refused = client.post("/auth/guest", json={"name": "One more"})
    assert refused.status_code == 429
    assert refused.json["error"] == "rate_limited"
    assert 0 < int(refused.headers["Retry-After"]) <= 61
    assert 0 < refused.json["retry_after_ms"] <= 61_000  # Flask-Limiter keeps whole seconds
    # another client (behind the local nginx, which sets X-Real-IP) is not affected
    other = client.post("/auth/guest", json={"name": "Elsewhere"}, headers={"X-Real-IP": "198.51.100.4"})
    assert other.status_code == 200


def test_room_creation_is_limited_per_ip_whatever_the_account(app):
    client = app.test_client()
    statuses = []
    for i in range(22):  # a fresh guest for every room
        token = sign_in(app, f"Maker{i}").token
        statuses.append(client.post("/api/rooms", json={}, headers=bearer(token)).status_code)
    assert statuses[:20] == [201] * 20 and statuses[20:] == [429, 429]


def test_join_page_probing_is_limited_per_ip(app):
    client = app.test_client()
    statuses = [client.get(f"/join/probe{i:04d}").status_code for i in range(62)]
    assert statuses[:60] == [404] * 60
    assert statuses[60:] == [429, 429]
    assert client.get("/join/probe", headers={"X-Real-IP": "198.51.100.5"}).status_code == 404


def test_socket_joins_are_limited_per_ip_across_accounts(app):
    owner = sign_in(app, "Owner").connect()
    code = create_room(app, owner)["code"]
    acks = []
    for i in range(31):  # two joins each for 31 fresh guests: 62 joins from one address
        guest = sign_in(app, f"J{i}").connect()
        acks += [guest.emit("join", {"code": code}), guest.emit("join", {"code": code})]
    assert all(a["ok"] for a in acks[:60])
    assert {a["error"] for a in acks[60:]} == {"rate_limited"}
    assert acks[-1]["retry_after_ms"] > 0


def test_the_loopback_lift_is_for_loopback_clients_only(make_app):
    app = make_app(RATE_LIMIT_EXEMPT_LOOPBACK=True)
    client = app.test_client()
    assert all(client.post("/auth/guest", json={"name": f"B{i}"}).status_code == 200 for i in range(80))
    behind_nginx = [client.post("/auth/guest", json={"name": "R"}, headers={"X-Real-IP": "198.51.100.6"}).status_code
                    for _ in range(61)]
    assert behind_nginx[-1] == 429  # a real client address is still limited


def test_production_refuses_the_loopback_lift(monkeypatch, tmp_path):
    monkeypatch.setenv("ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 48)
    monkeypatch.setenv("JWT_SECRET", "j" * 48)
    monkeypatch.setenv("INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("RATE_LIMIT_EXEMPT_LOOPBACK", "true")
    with pytest.raises(ConfigError, match="RATE_LIMIT_EXEMPT_LOOPBACK"):
        Config().finalize()
    monkeypatch.setenv("RATE_LIMIT_EXEMPT_LOOPBACK", "false")
    Config().finalize()  # and the default is fine


def test_join_leave_cycling_posts_few_system_lines(app):
    owner = sign_in(app, "Owner").connect()
    code = create_room(app, owner)["code"]
    owner.join(code)
    bob = sign_in(app, "Bob").connect()
    owner.received()
    for _ in range(9):
        assert bob.emit("join", {"code": code})["ok"]
        assert bob.emit("leave")["ok"]
    lines = [m["text"] for m in owner.received("chat.message") if m["kind"] == "system"]
    assert lines == ["Bob joined", "Bob left"]  # 18 changes, 2 lines; the roster shows the rest
    assert len(owner.emit("room.sync")["room"]["members"]) == 1


# --- finding 3 (one process): membership is checked on every call --------------------------------
# Issue 15 keeps the room and role on the connection: a ban made on another process reaches this
# one as the message services/members.py publishes (applied by `apply_message`, as this process's
# listener does), and a change that never sent one (a lost message, a row edited by hand) is
# found by the reconcile pass the local loop runs every MEMBER_RECONCILE_S.
ROOM_READS = (("room.sync", {}), ("chat.history", {}), ("queue.load", {}), ("chat.typing", {}),
              ("chat.send", {"text": "still here?"}), ("queue.add", {"video_id": "aaaaaaaaaa1"}),
              ("room.settings", {"name": "mine now"}), ("pause", {}), ("player.ready", {"entry_id": 1, "ready": True}),
              ("player.status", {"position_ms": 1000}), ("player.duration", {"entry_id": 1, "duration_ms": 60_000}))


def owner_and_bob(app) -> tuple:
    """An owner and Bob, both in the owner's room (control mode `any`)."""
    owner = sign_in(app, "Owner").connect()
    code = create_room(app, owner, control_mode="any")["code"]
    owner.join(code)
    bob = sign_in(app, "Bob").connect()
    bob.join(code)
    return owner, code, bob


def removal(code: str, user_id: int | None) -> str:
    """The message services/members.py (a kick, a ban) or admin close_room (user_id None) publishes."""
    return json.dumps({"code": code, "user_id": user_id, "role": None, "removed": True})


def ban_elsewhere(app, code: str, user_id: int, *, message: bool) -> None:
    """What another process does on a ban: the row changes and (`message`) it publishes the change."""
    with app.app_context():
        m = db.session.execute(db.select(RoomMembership).filter_by(user_id=user_id)).scalar_one()
        m.banned, m.active = True, False
        db.session.commit()
        if message:
            apply_message(json.dumps({"code": code, "user_id": user_id, "role": None}))
        else:
            assert reconcile() == 1  # the local loop's pass: the cached role no longer matches


@pytest.mark.parametrize("message", [True, False], ids=["published", "reconciled"])
@pytest.mark.parametrize("event,payload", ROOM_READS, ids=[e for e, _ in ROOM_READS])
def test_a_ban_recorded_elsewhere_stops_every_room_handler(app, event, payload, message):
    owner, code, bob = owner_and_bob(app)
    assert bob.emit("room.sync")["ok"]
    assert bob.emit("player.status", {"position_ms": 500})["ok"]  # served from the connection's cache
    ban_elsewhere(app, code, bob.user["id"], message=message)
    ack = bob.emit(event, payload)
    assert ack["ok"] is False and ack["error"] == "forbidden", ack
    # and the stale socket left the room here too: later broadcasts no longer reach it
    bob.received()
    assert owner.emit("chat.send", {"text": "after the ban"})["ok"]
    assert "after the ban" not in [m["text"] for m in bob.received("chat.message")]
    assert bob.emit("chat.typing")["error"] == "conflict"  # out of the room: join first


@pytest.mark.parametrize("how", ["published", "reconciled"])
def test_a_removal_recorded_elsewhere_takes_the_socket_out_of_the_room_for_good(app, how):
    """A kick or ban made on another process (published with `removed`, or found by the reconcile
    pass when the message was lost) takes the socket out of its room at once: this process's
    heartbeat no longer shares its record, so no roster or clock sees the member back (before,
    the socket kept its room and each heartbeat put the record back until its next event);
    the socket's next room event hears why it was refused, the one after that to join first."""
    owner, code, bob = owner_and_bob(app)
    bob_id = bob.user["id"]
    with app.app_context():
        m = db.session.execute(db.select(RoomMembership).filter_by(user_id=bob_id)).scalar_one()
        m.banned, m.active = True, False
        db.session.commit()
        presence = app.extensions["sharetube"].presence
        if how == "published":
            apply_message(removal(code, bob_id))
        else:
            assert reconcile() == 1
        presence.heartbeat()  # what the local loop does every two seconds
        assert bob_id not in presence.users_in_room(code)
        assert [c.room_code for c in presence.local_conns() if c.user_id == bob_id] == [None]
    bob.received()
    assert owner.emit("chat.send", {"text": "after the removal"})["ok"]
    assert "after the removal" not in [m["text"] for m in bob.received("chat.message")]
    first = bob.emit("pause")
    assert first["error"] == "forbidden" and "not a member" in first["message"], first
    assert bob.emit("pause")["error"] == "conflict"  # out of the room: join first
    assert bob.emit("chat.send", {"text": "hello?"})["error"] == "conflict"


def test_a_room_closed_elsewhere_takes_every_socket_here_out_of_it(app):
    """What this process does with another process's close_room message (user_id None)."""
    owner, code, bob = owner_and_bob(app)
    with app.app_context():
        presence = app.extensions["sharetube"].presence
        apply_message(removal(code, None))
        presence.heartbeat()
        assert presence.users_in_room(code) == {}
    for member in (owner, bob):
        assert member.emit("room.sync")["error"] == "forbidden"


def test_a_socket_that_joins_again_after_a_removal_is_not_told_it_was_removed(app):
    owner, code, bob = owner_and_bob(app)
    with app.app_context():
        apply_message(removal(code, bob.user["id"]))
    other = create_room(app, sign_in(app, "Carol"), control_mode="any")["code"]
    bob.join(other)
    assert bob.emit("chat.send", {"text": "new room"})["ok"]
    assert bob.emit("leave")["ok"]  # out of a room by his own choice: nothing was removed
    assert bob.emit("chat.send", {"text": "anyone?"})["error"] == "conflict"
