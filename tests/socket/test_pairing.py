"""Phone remotes: pairing codes, the scoped remote token, the roster, revoking, permissions."""
from __future__ import annotations

import logging
import time

import pytest

from server.config import Config, ConfigError
from server.domain import constants as C
from server.extensions import db, socketio
from server.models import RemotePairing, RoomAudit
from server.services import pairing as pairing_service
from tests.support.socket_clients import Guest, create_room, sign_in


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def make_pairing(app, guest: Guest, code: str, **body) -> dict:
    resp = app.test_client().post(f"/api/rooms/{code}/remote-pairings", json=body, headers=bearer(guest.token))
    assert resp.status_code == 201, resp.json
    return resp.json


def code_of(pair_url: str) -> str:
    assert "#pair=" in pair_url and "?" not in pair_url
    return pair_url.split("#pair=", 1)[1]


def pair(app, code: str, **headers):
    return app.test_client().post("/api/remote/pair", json={"code": code}, headers=headers)


def remote_guest(app, owner: Guest, room_code: str) -> tuple[Guest, dict]:
    made = make_pairing(app, owner, room_code)
    resp = pair(app, code_of(made["pair_url"]), **{"User-Agent": "Mozilla/5.0 (Linux; Android 14; Pixel 8)"})
    assert resp.status_code == 200, resp.json
    return Guest(app, resp.json["access_token"], resp.json["user"]), resp.json


@pytest.fixture
def alice_room(app):
    alice = sign_in(app, "Alice").connect()
    room = create_room(app, alice)
    alice.join(room["code"])
    alice.received()
    return alice, room["code"]


def test_pairing_answer_has_a_one_time_code_in_the_fragment_and_a_qr_svg(app, alice_room, caplog):
    alice, code = alice_room
    caplog.set_level(logging.INFO)
    made = make_pairing(app, alice, code)
    secret = code_of(made["pair_url"])
    assert made["pair_url"] == f"{app.config['ST'].BACKEND_BASE_URL}/mobile-remote#pair={secret}"
    assert len(secret) >= 32  # 24 random bytes, URL-safe base64: 192 bits
    assert made["qr_svg"].startswith("<svg") and "</svg>" in made["qr_svg"]
    assert made["expires_ms"] - made["ttl_ms"] > 0 and made["ttl_ms"] == 5 * 60 * 1000
    assert made["loopback_warning"] and "LISTEN_HOST=0.0.0.0" in made["loopback_warning"]
    with app.app_context():
        row = db.session.get(RemotePairing, made["pairing_id"])
        assert row.code_hash != secret and row.code_hash == pairing_service.hash_code(secret)
    resp = pair(app, secret)
    assert resp.status_code == 200
    assert secret not in caplog.text  # the code never reaches a log line


def test_no_loopback_warning_for_a_lan_address(make_app):
    app = make_app(BACKEND_BASE_URL="http://192.168.1.20:5077")
    alice = sign_in(app, "Alice")
    room = create_room(app, alice)
    made = make_pairing(app, alice, room["code"])
    assert made["pair_url"].startswith("http://192.168.1.20:5077/mobile-remote#pair=")
    assert made["loopback_warning"] is None


def test_remote_joins_as_the_same_member_with_both_devices(app, alice_room):
    alice, code = alice_room
    remote, answer = remote_guest(app, alice, code)
    assert answer["room_code"] == code and answer["user"]["id"] == alice.user["id"]
    me = app.test_client().get("/auth/me", headers=bearer(remote.token)).json
    assert me["device"] == "remote" and me["room_code"] == code
    remote.connect()
    hello = remote.received("hello")[0]
    assert hello["device"] == "remote" and hello["room_code"] == code
    room = remote.join(code)
    assert [m["user_id"] for m in room["members"]] == [alice.user["id"]]
    assert room["members"][0]["devices"] == ["extension", "remote"]
    roster = alice.received("presence.update")[-1]["members"]
    assert roster[0]["devices"] == ["extension", "remote"]
    # the owner's remote controls the room like the owner
    alice.emit("queue.add", {"video_id": "dQw4w9WgXcQ", "duration_ms": 200_000})
    ack = remote.emit("seek", {"position_ms": 5000})
    assert ack["ok"], ack
    listed = app.test_client().get(f"/api/rooms/{code}/remotes", headers=bearer(alice.token)).json["remotes"]
    assert [(r["id"], r["label"], r["connected"]) for r in listed] == [(answer["pairing_id"], "Android phone", True)]


def test_a_code_works_once(app, alice_room):
    alice, code = alice_room
    secret = code_of(make_pairing(app, alice, code)["pair_url"])
    assert pair(app, secret).status_code == 200
    again = pair(app, secret)
    assert again.status_code == 409
    assert again.json["error"] == "conflict" and again.json["reason"] == "used"


def test_expired_unknown_and_malformed_codes_are_refused(app, alice_room):
    alice, code = alice_room
    made = make_pairing(app, alice, code)
    with app.app_context():
        db.session.get(RemotePairing, made["pairing_id"]).expires_ms = 1
        db.session.commit()
    expired = pair(app, code_of(made["pair_url"]))
    assert (expired.status_code, expired.json["error"], expired.json["reason"]) == (400, "invalid", "expired")
    unknown = pair(app, "A" * 32)
    assert (unknown.status_code, unknown.json["reason"]) == (404, "unknown")
    malformed = pair(app, "not a code!")
    assert (malformed.status_code, malformed.json["reason"]) == (400, "malformed")
    missing = app.test_client().post("/api/remote/pair", json={})
    assert missing.status_code == 400 and missing.json["error"] == "invalid"


def test_the_code_lifetime_is_the_PAIRING_TTL_MS_setting(make_app):
    app = make_app(PAIRING_TTL_MS=1_000)
    alice = sign_in(app, "Alice")
    room = create_room(app, alice)
    before = int(time.time() * 1000)
    made = make_pairing(app, alice, room["code"])
    assert made["ttl_ms"] == 1_000
    assert before + 1_000 - 50 <= made["expires_ms"] <= int(time.time() * 1000) + 1_000 + 50
    with app.app_context():
        row = db.session.get(RemotePairing, made["pairing_id"])
        assert row.expires_ms - row.created_ms == 1_000
    time.sleep(1.1)  # …and the server refuses it once that second is over
    expired = pair(app, code_of(made["pair_url"]))
    assert (expired.status_code, expired.json["reason"]) == (400, "expired")
    assert "codes last 1 second" in expired.json["message"]
    fresh = make_pairing(app, alice, room["code"])  # a new code works again
    assert pair(app, code_of(fresh["pair_url"])).status_code == 200


def test_the_PAIRING_TTL_MS_setting_is_read_and_checked(monkeypatch, tmp_path):
    monkeypatch.setenv("INSTANCE_DIR", str(tmp_path))
    monkeypatch.delenv("PAIRING_TTL_MS", raising=False)
    assert Config().PAIRING_TTL_MS == C.PAIRING_TTL_MS == 5 * 60 * 1000  # the default is unchanged
    monkeypatch.setenv("PAIRING_TTL_MS", "45000")
    assert Config().PAIRING_TTL_MS == 45_000
    monkeypatch.setenv("PAIRING_TTL_MS", "5 minutes")
    with pytest.raises(ConfigError, match="PAIRING_TTL_MS must be an integer"):
        Config()
    for too_short in ("0", "-1", "999"):
        monkeypatch.setenv("PAIRING_TTL_MS", too_short)
        with pytest.raises(ConfigError, match="PAIRING_TTL_MS must be at least 1000"):
            Config().finalize()
    monkeypatch.setenv("PAIRING_TTL_MS", "1000")
    Config().finalize()


def test_pair_attempts_are_rate_limited_per_ip(app):
    answers = [pair(app, "B" * 32).status_code for _ in range(12)]
    assert answers[:10] == [404] * 10
    assert answers[-1] == 429
    assert pair(app, "B" * 32, **{"X-Real-IP": "10.0.0.9"}).status_code == 404  # another client behind nginx


def test_a_remote_cannot_join_another_room(app, alice_room):
    alice, code = alice_room
    other = create_room(app, alice)
    remote, _ = remote_guest(app, alice, code)
    remote.connect()
    ack = remote.emit("join", {"code": other["code"]})
    assert ack["ok"] is False and ack["error"] == "forbidden"
    # nor pair another remote, nor create rooms
    resp = app.test_client().post(f"/api/rooms/{code}/remote-pairings", json={}, headers=bearer(remote.token))
    assert resp.status_code == 403
    assert app.test_client().post("/api/rooms", json={}, headers=bearer(remote.token)).status_code == 403


def test_a_non_member_cannot_create_a_pairing(app, alice_room):
    _, code = alice_room
    mallory = sign_in(app, "Mallory")
    resp = app.test_client().post(f"/api/rooms/{code}/remote-pairings", json={}, headers=bearer(mallory.token))
    assert resp.status_code == 403 and resp.json["error"] == "forbidden"
    assert app.test_client().post(f"/api/rooms/{code}/remote-pairings", json={}).status_code == 401
    assert app.test_client().get(f"/api/rooms/{code}/remotes", headers=bearer(mallory.token)).status_code == 403


def test_revoking_drops_the_remote_at_once_and_it_cannot_come_back(app, alice_room):
    alice, code = alice_room
    remote, answer = remote_guest(app, alice, code)
    remote.connect()
    remote.join(code)
    remote.received()
    alice.received()
    bob = sign_in(app, "Bob")
    refused = app.test_client().delete(f"/api/remotes/{answer['pairing_id']}", headers=bearer(bob.token))
    assert refused.status_code == 404  # only the owner of the pairing sees it
    resp = app.test_client().delete(f"/api/remotes/{answer['pairing_id']}", headers=bearer(alice.token))
    assert resp.status_code == 200 and resp.json["dropped"] == 1
    assert not remote.sio.is_connected()
    alice.wait_for("presence.update", lambda p: p["members"][0]["devices"] == ["extension"])
    again = socketio.test_client(app, auth={"token": remote.token})
    assert not again.is_connected()  # the connect is refused: the token's pairing is revoked
    assert app.test_client().get("/auth/me", headers=bearer(remote.token)).status_code == 401
    listed = app.test_client().get(f"/api/rooms/{code}/remotes", headers=bearer(alice.token)).json["remotes"]
    assert listed == []
    with app.app_context():
        actions = [a.action for a in db.session.execute(db.select(RoomAudit)).scalars()]
    assert "remote.paired" in actions and "remote.revoked" in actions


def test_a_remote_may_unpair_itself_but_not_another_remote(app, alice_room):
    alice, code = alice_room
    first, a1 = remote_guest(app, alice, code)
    second, a2 = remote_guest(app, alice, code)
    other = app.test_client().delete(f"/api/remotes/{a2['pairing_id']}", headers=bearer(first.token))
    assert other.status_code == 403
    own = app.test_client().delete(f"/api/remotes/{a1['pairing_id']}", headers=bearer(first.token))
    assert own.status_code == 200


def test_a_participants_remote_has_the_participants_permissions(app, alice_room):
    alice, code = alice_room
    assert alice.emit("room.settings", {"control_mode": "owner_only"})["ok"]
    alice.emit("queue.add", {"video_id": "dQw4w9WgXcQ", "duration_ms": 200_000})
    bob = sign_in(app, "Bob").connect()
    bob.join(code)
    remote, _ = remote_guest(app, bob, code)
    remote.connect()
    remote.join(code)
    for event, data in (("seek", {"position_ms": 1000}), ("play", {}), ("skip", {})):
        ack = remote.emit(event, data)
        assert ack["ok"] is False and ack["error"] == "forbidden", (event, ack)
    assert remote.emit("chat.send", {"text": "hello from the phone"})["ok"]  # what Bob may do, it may
    assert remote.emit("player.ready", {"entry_id": 1, "ready": True})["error"] == "forbidden"


def test_a_kicked_member_cannot_pair_and_their_unused_code_stops_working(app, alice_room):
    alice, code = alice_room
    bob = sign_in(app, "Bob").connect()
    bob.join(code)
    secret = code_of(make_pairing(app, bob, code)["pair_url"])
    assert alice.emit("member.kick", {"user_id": bob.user["id"], "ban": True})["ok"]
    resp = pair(app, secret)
    assert resp.status_code == 403 and resp.json["reason"] == "not_member"
