"""Issue 14 findings 8 and 10 (last item): who gets into a room.

8. A private room admits a newcomer only with the invite link's secret, or when an owner or
   operator admits their knock (shown to operators only; the answer reaches the knocker).
10. Members admitted before a password was set are asked for it at their next join.
"""
from __future__ import annotations

from tests.support.socket_clients import create_room, sign_in


def _private_room(app):
    owner = sign_in(app, "Olga").connect()
    code = create_room(app, owner, is_private=True)["code"]
    ack = owner.emit("join", {"code": code})
    assert ack["ok"], ack
    return owner, code, ack


def test_a_private_room_refuses_a_newcomer_without_invite(app):
    _owner, code, _ = _private_room(app)
    eve = sign_in(app, "Eve").connect()
    ack = eve.emit("join", {"code": code})
    assert ack["ok"] is False and ack["error"] == "forbidden" and ack["needs_approval"] is True
    assert eve.emit("room.sync")["ok"] is False  # not in the room
    bad = eve.emit("join", {"code": code, "invite": "x" * 32})
    assert bad["ok"] is False and bad["needs_approval"] is True


def test_the_invite_secret_lets_a_newcomer_in_and_only_operators_see_it(app):
    _owner, code, owner_ack = _private_room(app)
    secret = owner_ack["invite_secret"]
    assert isinstance(secret, str) and len(secret) >= 32
    bob = sign_in(app, "Bob").connect()
    ack = bob.emit("join", {"code": code, "invite": secret})
    assert ack["ok"], ack
    assert "invite_secret" not in ack and "invite_secret" not in bob.emit("room.sync")
    assert secret not in str(ack["room"])  # the Room snapshot every member gets does not carry it


def test_a_knock_reaches_operators_only_and_admission_lets_the_knocker_in(app):
    owner, code, _ = _private_room(app)
    bob = sign_in(app, "Bob").connect()
    bob.emit("join", {"code": code, "invite": _private_room_secret(owner)})
    owner.received()
    bob.received()
    eve = sign_in(app, "Eve").connect()
    knocked = eve.emit("room.knock", {"code": code})
    assert knocked["ok"] and knocked["admitted"] is False and knocked["knock_id"]
    seen = owner.wait_for("room.knock")
    assert seen["knock"]["user_id"] == eve.user["id"] and seen["knock"]["name"] == "Eve"
    assert bob.received("room.knock") == []  # a participant does not see who knocks
    # A participant cannot let anyone in.
    refused = bob.emit("room.knock_answer", {"knock_id": knocked["knock_id"], "admit": True})
    assert refused["ok"] is False and refused["error"] == "forbidden"
    assert owner.emit("room.sync")["knocks"][0]["id"] == knocked["knock_id"]
    assert owner.emit("room.knock_answer", {"knock_id": knocked["knock_id"], "admit": True})["ok"]
    answer = eve.wait_for("room.knock_answer")
    assert answer == {"code": code, "admitted": True, "message": ""}
    assert eve.emit("join", {"code": code})["ok"]
    again = owner.emit("room.knock_answer", {"knock_id": knocked["knock_id"], "admit": False})
    assert again["ok"] is False and again["error"] == "conflict"


def test_a_declined_knock_keeps_the_door_shut_and_cannot_be_repeated_at_once(app):
    owner, code, _ = _private_room(app)
    eve = sign_in(app, "Eve").connect()
    knock_id = eve.emit("room.knock", {"code": code})["knock_id"]
    assert owner.emit("room.knock_answer", {"knock_id": knock_id, "admit": False})["ok"]
    assert eve.wait_for("room.knock_answer")["admitted"] is False
    assert eve.emit("join", {"code": code})["ok"] is False
    again = eve.emit("room.knock", {"code": code})
    assert again["ok"] is False and again["error"] == "rate_limited"


def test_knocking_on_a_public_room_is_refused(app):
    owner = sign_in(app, "Olga").connect()
    code = create_room(app, owner)["code"]
    eve = sign_in(app, "Eve").connect()
    ack = eve.emit("room.knock", {"code": code})
    assert ack["ok"] is False and ack["error"] == "conflict"


def test_pending_knocks_per_room_are_bounded(app):
    from server.services.room_access import MAX_PENDING_KNOCKS
    _owner, code, _ = _private_room(app)
    for i in range(MAX_PENDING_KNOCKS):
        assert sign_in(app, f"K{i}").connect().emit("room.knock", {"code": code})["ok"]
    late = sign_in(app, "Late").connect().emit("room.knock", {"code": code})
    assert late["ok"] is False and late["error"] == "rate_limited"


def test_a_kicked_member_of_a_private_room_must_knock_again(app):
    owner, code, _ = _private_room(app)
    bob = sign_in(app, "Bob").connect()
    assert bob.emit("join", {"code": code, "invite": _private_room_secret(owner)})["ok"]
    assert owner.emit("member.kick", {"user_id": bob.user["id"]})["ok"]
    ack = bob.emit("join", {"code": code})
    assert ack["ok"] is False and ack["needs_approval"] is True


def _private_room_secret(owner) -> str:
    return owner.emit("room.sync")["invite_secret"]


# -- finding 10: a password set later is asked of earlier members ---------------------------
def test_members_admitted_before_a_password_are_asked_for_it_at_their_next_join(app):
    owner = sign_in(app, "Olga").connect()
    code = create_room(app, owner)["code"]
    owner.join(code)
    bob = sign_in(app, "Bob").connect()
    bob.join(code)
    operator = sign_in(app, "Opal").connect()
    operator.join(code)
    assert owner.emit("member.role", {"user_id": operator.user["id"], "role": "operator"})["ok"]
    assert owner.emit("room.settings", {"password": "hunter22"})["ok"]
    # Bob reconnects: asked for the password he never had.
    bob.sio.disconnect()
    bob.connect()
    asked = bob.emit("join", {"code": code})
    assert asked["ok"] is False and asked["needs_password"] is True
    assert bob.emit("join", {"code": code, "password": "wrong"})["ok"] is False
    assert bob.emit("join", {"code": code, "password": "hunter22"})["ok"]
    # Admitted under this password: the next join needs nothing.
    bob.sio.disconnect()
    bob.connect()
    assert bob.emit("join", {"code": code})["ok"]
    # The owner and operators are not asked.
    for who in (owner, operator):
        who.sio.disconnect()
        who.connect()
        assert who.emit("join", {"code": code})["ok"]
