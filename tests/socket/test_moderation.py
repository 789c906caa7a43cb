"""Issue 16 item 5 over sockets: the ban list and unban, and the hand-over of an away owner's
room (OWNER_AWAY_MS), with permissions per role and control mode, limits and bad input."""
from __future__ import annotations

import json
import time

import pytest

from server.extensions import db
from server.models import RoomAudit, RoomMembership
from server.services.ownership import hand_over_away_owners
from server.timeutil import now_ms
from tests.support.socket_clients import create_room, sign_in


def room_of(app, names, roles=None, **settings):
    """Guests (the first owns the room) who joined in order; `roles` {index: role} set by the owner."""
    guests = [sign_in(app, n) for n in names]
    code = create_room(app, guests[0], **settings)["code"]
    for g in guests:
        g.connect().join(code)
        time.sleep(0.005)  # distinct entered_ms: who is present longest is well defined
    for index, role in (roles or {}).items():
        assert guests[0].emit("member.role", {"user_id": guests[index].user["id"], "role": role})["ok"]
    for g in guests:
        g.received()
    return code, guests


@pytest.mark.parametrize("mode", ["owner_only", "operators", "any"])
def test_ban_list_and_unban_follow_the_roles_in_every_mode(app, mode):
    code, (owner, olive, pete, carol) = room_of(app, ["Owner", "Olive", "Pete", "Carol"], {1: "operator"},
                                                control_mode=mode)
    assert owner.emit("member.kick", {"user_id": carol.user["id"], "ban": True})["ok"]
    pushed = olive.wait_for("room.bans")  # the other operator's list follows at once
    assert [b["name"] for b in pushed["bans"]] == ["Carol"]
    assert pete.received("room.bans") == []  # a participant is not told who is banned

    ack = owner.emit("room.bans")
    assert ack["ok"], ack
    (ban,) = ack["bans"]
    assert ban["user_id"] == carol.user["id"] and ban["name"] == "Carol" and ban["by"] == "Owner"
    assert ban["by_id"] == owner.user["id"] and abs(ban["at_ms"] - now_ms()) < 10_000
    assert olive.emit("room.bans")["bans"] == ack["bans"]

    for who in (pete,):  # participants: neither the list nor the unban, whatever the mode
        refused = who.emit("room.bans")
        assert refused["ok"] is False and refused["error"] == "forbidden"
        refused = who.emit("room.unban", {"user_id": carol.user["id"]})
        assert refused["ok"] is False and refused["error"] == "forbidden"
    assert carol.connect().emit("join", {"code": code})["error"] == "forbidden"

    owner.received()
    assert olive.emit("room.unban", {"user_id": carol.user["id"]})["ok"]  # an operator lifts a participant's ban
    seen = owner.events()
    assert ("chat.message", "Olive lifted the ban on Carol") in [(n, (d or {}).get("text")) for n, d in seen]
    assert [d["bans"] for n, d in seen if n == "room.bans"] == [[]]
    assert owner.emit("room.bans")["bans"] == []
    room = carol.join(code)
    assert {m["user_id"]: m["role"] for m in room["members"]}[carol.user["id"]] == "participant"
    again = olive.emit("room.unban", {"user_id": carol.user["id"]})
    assert again["ok"] is False and again["error"] == "not_found"
    with app.app_context():
        rows = db.session.execute(db.select(RoomAudit.action, RoomAudit.actor_id)
                                  .where(RoomAudit.action.in_(["member.ban", "member.unban"]))).all()
        assert sorted(rows) == [("member.ban", owner.user["id"]), ("member.unban", olive.user["id"])]


def test_an_operator_cannot_lift_the_ban_of_a_banned_operator_the_owner_can(app):
    code, (owner, olive, otto) = room_of(app, ["Owner", "Olive", "Otto"], {1: "operator", 2: "operator"})
    assert owner.emit("member.kick", {"user_id": otto.user["id"], "ban": True})["ok"]
    assert olive.emit("room.bans")["bans"][0]["role"] == "operator"
    refused = olive.emit("room.unban", {"user_id": otto.user["id"]})
    assert refused["ok"] is False and refused["error"] == "forbidden" and "participants" in refused["message"]
    assert owner.emit("room.unban", {"user_id": otto.user["id"]})["ok"]
    room = otto.connect().join(code)  # back, but no longer an operator
    assert {m["user_id"]: m["role"] for m in room["members"]}[otto.user["id"]] == "participant"


@pytest.mark.parametrize("payload", [{}, {"user_id": "3"}, {"user_id": 0}, {"user_id": -4}, {"user_id": 1.5},
                                     {"user_id": None}, {"user_id": [1]}])
def test_unban_refuses_bad_input_as_invalid(app, payload):
    code, (owner,) = room_of(app, ["Owner"])
    ack = owner.emit("room.unban", payload)
    assert ack["ok"] is False and ack["error"] == "invalid", ack


def test_ban_list_and_unban_are_rate_limited_per_user(app):
    code, (owner, carol) = room_of(app, ["Owner", "Carol"])
    for _ in range(10):
        assert owner.emit("room.bans")["ok"]
    limited = owner.emit("room.bans")
    assert limited["error"] == "rate_limited" and limited["retry_after_ms"] > 0
    for _ in range(10):
        assert owner.emit("room.unban", {"user_id": carol.user["id"]})["error"] == "not_found"
    limited = owner.emit("room.unban", {"user_id": carol.user["id"]})
    assert limited["error"] == "rate_limited" and limited["retry_after_ms"] > 0


def test_before_joining_the_moderation_requests_answer_conflict(app):
    outsider = sign_in(app, "Out").connect()
    assert outsider.emit("room.bans")["error"] == "conflict"
    assert outsider.emit("room.unban", {"user_id": 1})["error"] == "conflict"


# -- the away owner -------------------------------------------------------------------------------
AWAY = 60_000


def later() -> int:
    return now_ms() + AWAY + 1_000


def test_an_away_owner_hands_the_room_to_the_longest_present_operator(make_app):
    app = make_app(OWNER_AWAY_MS=AWAY)
    code, (ann, pete, olive, otto) = room_of(app, ["Ann", "Pete", "Olive", "Otto"], {2: "operator", 3: "operator"})
    with app.app_context():
        assert hand_over_away_owners(later(), AWAY) == 0  # Ann is here
    ann.sio.disconnect()
    pete.wait_for("chat.message", lambda m: m["text"] == "Ann disconnected")  # told from a task of its own
    time.sleep(0.2)  # …whose roster broadcast comes after that line
    pete.received()
    with app.app_context():
        assert hand_over_away_owners(now_ms() + 5_000, AWAY) == 0  # away, but not for long enough
        assert hand_over_away_owners(later(), AWAY) == 1
        assert hand_over_away_owners(later(), AWAY) == 0  # once
    seen = pete.events()
    updates = [d for n, d in seen if n == "presence.update" and d.get("owner_id") == olive.user["id"]]
    update = updates[-1]
    roles = {m["user_id"]: m["role"] for m in update["members"]}
    assert roles[olive.user["id"]] == "owner" and roles[otto.user["id"]] == "operator"
    assert ("chat.message", "Ann has been away for 1 min: Olive is now the owner") in [
        (n, (d or {}).get("text")) for n, d in seen]
    assert olive.emit("member.role", {"user_id": pete.user["id"], "role": "operator"})["ok"]  # owner's powers
    with app.app_context():
        row = db.session.execute(db.select(RoomAudit).filter_by(action="member.owner_away")).scalar_one()
        assert row.actor_id is None
        assert json.loads(row.after)[str(olive.user["id"])] == "owner"
        assert json.loads(row.after)[str(ann.user["id"])] == "operator"
    room = ann.connect().join(code)  # back: an operator now
    assert room["owner_id"] == olive.user["id"]
    assert {m["user_id"]: m["role"] for m in room["members"]}[ann.user["id"]] == "operator"


def test_without_operators_the_longest_present_member_takes_over(make_app):
    app = make_app(OWNER_AWAY_MS=AWAY)
    quinn = sign_in(app, "Quinn")  # the lower user id, but joins last
    code, (ann, pete) = room_of(app, ["Ann", "Pete"])
    time.sleep(0.01)
    quinn.connect().join(code)
    ann.sio.disconnect()
    with app.app_context():
        assert hand_over_away_owners(later(), AWAY) == 1
    update = quinn.wait_for("presence.update", lambda p: p.get("owner_id") is not None
                            and p["owner_id"] != ann.user["id"])
    assert update["owner_id"] == pete.user["id"]


def test_an_owner_with_only_a_phone_in_the_room_is_not_away_and_zero_turns_it_off(make_app):
    app = make_app(OWNER_AWAY_MS=AWAY)
    code, (ann, pete) = room_of(app, ["Ann", "Pete"])
    with app.app_context():
        presence = app.extensions["sharetube"].presence
        conn = next(c for c in presence.local_conns() if c.user_id == ann.user["id"])
        presence.update(conn.sid, device="remote")  # as a paired phone: still someone in the room
        assert {r["device"] for r in presence.users_in_room(code)[ann.user["id"]]} == {"remote"}
        assert hand_over_away_owners(later(), AWAY) == 0
    ann.sio.disconnect()
    with app.app_context():
        assert hand_over_away_owners(later(), 0) == 0
        m = db.session.execute(db.select(RoomMembership).filter_by(user_id=ann.user["id"])).scalar_one()
        assert m.role == "owner" and abs(m.last_seen_ms - now_ms()) < 10_000  # written when she left


def test_nobody_left_means_no_hand_over(make_app):
    app = make_app(OWNER_AWAY_MS=AWAY)
    code, (ann, pete) = room_of(app, ["Ann", "Pete"])
    ann.sio.disconnect()
    pete.sio.disconnect()
    with app.app_context():
        assert hand_over_away_owners(later(), AWAY) == 0
