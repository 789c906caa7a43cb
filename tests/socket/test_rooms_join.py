"""Connecting, joining and leaving rooms with the Flask-SocketIO test client: who is refused,
who sees whom, and what reaches the sockets outside a room (nothing)."""
from __future__ import annotations

import time
import uuid

import jwt
import pytest
from flask_socketio.test_client import SocketIOTestClient
from socketio import packet

from server.extensions import socketio
from tests.support.socket_clients import Guest, create_room, sign_in

ROOM_EVENTS = ("presence.update", "chat.message", "room.playback", "queue.update", "room.settings",
               "chat.typing", "room.kicked")


class RecordingTestClient(SocketIOTestClient):
    """The Flask-SocketIO test client, also keeping the data of a refused connect (connect_error)."""

    connect_error: object = None

    def connect(self, namespace=None, query_string=None, headers=None, auth=None):
        inner = self.socketio.server._send_packet

        def record(eio_sid, pkt):
            if eio_sid == self.eio_sid and pkt.packet_type == packet.CONNECT_ERROR:
                self.connect_error = pkt.data
            return inner(eio_sid, pkt)

        self.socketio.server._send_packet = record
        try:
            super().connect(namespace=namespace, query_string=query_string, headers=headers, auth=auth)
        finally:
            self.socketio.server._send_packet = inner


def try_connect(app, auth: object) -> RecordingTestClient:
    return RecordingTestClient(app, socketio, auth=auth)


def members(update: dict) -> dict[int, dict]:
    return {m["user_id"]: m for m in update["members"]}


def last_roster(guest: Guest) -> dict[int, dict]:
    updates = guest.received("presence.update")
    assert updates, "no presence.update arrived"
    return members(updates[-1])


@pytest.fixture
def trio(app):
    """An owner who created a room and two guests who joined it; every queue drained."""
    owner, bob, cara = (sign_in(app, n).connect() for n in ("Owner", "Bob", "Cara"))
    code = create_room(app, owner, name="Trio")["code"]
    for g in (owner, bob, cara):
        g.join(code)
    for g in (owner, bob, cara):
        g.received()
    return code, owner, bob, cara


# -- connect -----------------------------------------------------------------------------------------

def test_hello_carries_the_user_the_server_time_and_the_protocol(app):
    guest = sign_in(app, "Hella")
    before = int(time.time() * 1000)
    guest.connect()
    (hello,) = guest.received("hello")
    assert hello["user"] == guest.user and hello["protocol"] == 1
    assert set(hello["user"]) >= {"id", "name", "picture", "role"}
    assert before - 1000 <= hello["server_ms"] <= int(time.time() * 1000) + 1000


def _revoked_token(app) -> str:
    guest = sign_in(app, "Gone")
    resp = app.test_client().post("/auth/logout", headers={"Authorization": f"Bearer {guest.token}"})
    assert resp.status_code == 200
    return guest.token


def _other_key_token(app) -> str:
    guest = sign_in(app, "Forger")
    now = int(time.time())
    return jwt.encode({"sub": str(guest.user["id"]), "tv": 1, "type": "access", "fresh": False,
                       "jti": str(uuid.uuid4()), "iat": now, "nbf": now, "exp": now + 600},
                      "some-other-key-" + "q" * 32, algorithm="HS256")


REFUSED_AUTH = [
    pytest.param(lambda app: None, id="no-auth"),
    pytest.param(lambda app: {}, id="no-token"),
    pytest.param(lambda app: {"token": ""}, id="empty-token"),
    pytest.param(lambda app: {"token": 12345}, id="number-token"),
    pytest.param(lambda app: {"token": "garbage.not.jwt"}, id="garbage-token"),
    pytest.param(lambda app: {"token": "x" * 10_000}, id="huge-token"),
    pytest.param(lambda app: "just-a-string", id="auth-not-an-object"),
    pytest.param(lambda app: {"token": _revoked_token(app)}, id="revoked-token"),
    pytest.param(lambda app: {"token": _other_key_token(app)}, id="other-key-token"),
]

@pytest.mark.parametrize("auth", REFUSED_AUTH)
def test_a_connect_without_a_valid_token_is_refused(app, auth):
    client = try_connect(app, auth(app))
    assert not client.is_connected()
    assert client.connect_error is not None, "a refused connect must answer connect_error"
    assert "unauthorized" in str(client.connect_error)


@pytest.mark.parametrize("auth", REFUSED_AUTH[:3])
def test_a_refused_connect_carries_error_unauthorized_as_connect_error_data(app, auth):
    """On the wire: CONNECT_ERROR {message, data: {error, message}} → socket.io-client err.data.error."""
    client = try_connect(app, auth(app))
    assert not client.is_connected()
    assert isinstance(client.connect_error.get("message"), str) and client.connect_error["message"]
    assert client.connect_error.get("data", {}).get("error") == "unauthorized", client.connect_error


def test_a_banned_account_cannot_connect(app):
    from server.extensions import db
    from server.models import User

    guest = sign_in(app, "Troll")
    with app.app_context():
        db.session.get(User, guest.user["id"]).banned = True
        db.session.commit()
    client = try_connect(app, {"token": guest.token})
    assert not client.is_connected() and "forbidden" in str(client.connect_error)


# -- join / presence ---------------------------------------------------------------------------------

def test_everyone_in_the_room_gets_the_full_roster_and_outsiders_get_nothing(app):
    owner, bob, cara = (sign_in(app, n).connect() for n in ("Owner", "Bob", "Cara"))
    outsider = sign_in(app, "Outsider").connect()
    other_room_user = sign_in(app, "Elsewhere").connect()
    code = create_room(app, owner, name="Watch party")["code"]
    other_code = create_room(app, other_room_user)["code"]
    other_room_user.join(other_code)
    for g in (outsider, other_room_user):
        g.received()

    room = owner.join(code)
    assert room["code"] == code and room["owner_id"] == owner.user["id"]
    bob.join(code)
    room = cara.join(code)
    everyone = {g.user["id"] for g in (owner, bob, cara)}
    assert {m["user_id"] for m in room["members"]} == everyone
    for g in (owner, bob, cara):
        roster = last_roster(g)
        assert set(roster) == everyone, g.user["name"]
        assert roster[owner.user["id"]]["role"] == "owner"
        assert roster[bob.user["id"]]["role"] == "participant"
        assert roster[cara.user["id"]]["name"] == "Cara" and roster[cara.user["id"]]["connected"] is True
        assert roster[cara.user["id"]]["devices"] == ["extension"]

    bob.emit("chat.send", {"text": "hello room"})
    owner.emit("room.settings", {"name": "Renamed"})
    assert outsider.events() == [], "a socket outside the room must receive nothing of it"
    assert [name for name, _ in other_room_user.events()] == [], "another room hears nothing either"


def test_a_big_rooms_read_carries_the_first_rows_and_the_total(app, monkeypatch):
    """Beyond ROSTER_READ_MAX members a room read (join, room.sync) carries the roster's first
    rows (owner and operators first, the reader always) and `members_total`; the vote count still
    reads every member with a player; presence.update carries everyone."""
    import server.services.presence.roster as roster
    import server.services.room_view as room_view

    monkeypatch.setattr(room_view, "ROSTER_READ_MAX", 3)
    monkeypatch.setattr(roster, "ROSTER_READ_SHARE_MS", -1)  # every read exact (sharing: the test below)
    owner = sign_in(app, "Owner").connect()
    code = create_room(app, owner, control_mode="owner_only")["code"]
    owner.join(code)
    entry = owner.emit("queue.add", {"video_id": "aaaaaaaaaa1", "duration_ms": 600_000})["entry"]["id"]
    guests = [sign_in(app, name).connect() for name in ("Ann", "Ben", "Cy", "Dee")]
    for g in guests:
        g.join(code)
        assert g.emit("player.status", {"entry_id": entry, "position_ms": 0})["ok"]
    zed = sign_in(app, "Zed").connect()
    room = zed.join(code)
    names = [m["name"] for m in room["members"]]
    assert names == ["Owner", "Ann", "Zed"], names  # the first two in roster order, then the reader
    assert room["members_total"] == 6
    assert room["vote"]["watching"] == 4, room["vote"]  # the four who reported, not the three rows
    synced = guests[0].emit("room.sync")["room"]
    assert [m["name"] for m in synced["members"]] == ["Owner", "Ann", "Ben"] and synced["members_total"] == 6
    monkeypatch.setattr(room_view, "ROSTER_READ_MAX", 10)
    small = zed.emit("room.sync")["room"]
    assert len(small["members"]) == small["members_total"] == 6
    full = owner.wait_for("presence.update", lambda d: len(d["members"]) == 6, timeout=6.0)
    assert "members_total" not in full  # (everyone is in it: the count is the rows')


def test_reads_of_a_big_room_share_one_ordering_for_a_moment_never_missing_the_reader(app, monkeypatch):
    """A crowd joining a big room: reads within ROSTER_READ_SHARE_MS share one ordering of the
    members (none is read again per joiner); a joiner after it still finds their own row and is
    counted; after the moment the next read is exact again."""
    import server.services.presence.connections as connections
    import server.services.presence.roster as roster
    import server.services.room_view as room_view

    monkeypatch.setattr(room_view, "ROSTER_READ_MAX", 2)
    monkeypatch.setattr(roster, "ROSTER_READ_SHARE_MS", 60_000)  # one shared ordering for the whole test
    monkeypatch.setattr(connections, "IMMEDIATE_ROSTER_MAX", 0)  # joins fold: the reads are all that order
    owner = sign_in(app, "Owner").connect()
    code = create_room(app, owner)["code"]
    owner.join(code)
    for name in ("Ann", "Ben"):
        sign_in(app, name).connect().join(code)  # the third member's read orders the room (3 > 2)
    orders: list[str] = []
    real = roster._order
    monkeypatch.setattr(roster, "_order", lambda room, users: orders.append(room.code) or real(room, users))
    late = [sign_in(app, name).connect() for name in ("Cy", "Dee")]
    reads = [g.join(code) for g in late]
    assert orders == [], "the joins shared the ordering made before them"
    assert [m["name"] for m in reads[1]["members"]] == ["Owner", "Dee"]  # the first row, then the reader
    assert reads[0]["members_total"] == 4 and reads[1]["members_total"] == 4  # (each counts itself)
    monkeypatch.setattr(roster, "ROSTER_READ_SHARE_MS", -1)
    exact = late[0].emit("room.sync")["room"]
    assert orders == [code] and exact["members_total"] == 5
    assert [m["name"] for m in exact["members"]] == ["Owner", "Cy"]


def test_a_reader_missed_by_the_shared_ordering_shows_its_role_from_the_database(app, monkeypatch):
    """The reader's own row added to a shared ordering takes its role as the database has it
    when its connection has none cached (a change another process made, not yet applied): an
    operator is not shown as a participant, and a member who is no longer one gets no row."""
    import server.services.presence.roster as roster
    from server.extensions import db
    from server.models import Room, RoomMembership
    from server.services.rooms import load_playback
    from server.services.runtime import rt

    owner = sign_in(app, "Owner").connect()
    code = create_room(app, owner)["code"]
    owner.join(code)
    for name in ("Ann", "Ben"):
        sign_in(app, name).connect().join(code)
    dee = sign_in(app, "Dee")
    dee.connect().join(code)
    with app.app_context():
        room = db.session.execute(db.select(Room).where(Room.code == code)).scalar_one()
        conn = next(c for c in rt().presence.local_conns() if c.room_code == code and c.name == "Dee")
        everyone = roster._order(room, rt().presence.users_in_room(code))
        without_dee = roster.Ordered([k for k in everyone.keyed if k[0][2] != conn.user_id], everyone.players)
        monkeypatch.setattr(roster, "_shared_order", lambda room, limit: without_dee)
        membership = db.session.execute(db.select(RoomMembership).where(
            RoomMembership.room_id == room.id, RoomMembership.user_id == conn.user_id)).scalar_one()
        membership.role = "operator"
        db.session.commit()
        conn.role = None
        rows, _players, total = roster.roster_and_players(room, load_playback(room), limit=2, reader=conn)
        assert [(m["name"], m["role"]) for m in rows] == [("Owner", "owner"), ("Dee", "operator")]
        assert total == 4
        membership.banned = True
        db.session.commit()
        rows, _players, total = roster.roster_and_players(room, load_playback(room), limit=2, reader=conn)
        assert [m["name"] for m in rows] == ["Owner", "Ann"] and total == 3


def test_joiners_share_the_rooms_last_queue_read_until_the_queue_changes(app, monkeypatch):
    """A crowd joining reads the queue once: a room read (join, room.sync) reuses the room's last
    queue read while the queue version and shuffle record are unchanged; any change is seen."""
    import server.services.queue_broadcast as queue_broadcast

    owner = sign_in(app, "Owner").connect()
    code = create_room(app, owner, control_mode="any")["code"]
    owner.join(code)
    owner.emit("queue.add", {"video_id": "aaaaaaaaaa1", "duration_ms": 600_000})
    owner.emit("queue.add", {"video_id": "bbbbbbbbbb2", "duration_ms": 600_000})
    owner.emit("queue.add", {"video_id": "cccccccccc3", "duration_ms": 600_000})
    reads: list[int] = []
    real = queue_broadcast.queue_entries
    monkeypatch.setattr(queue_broadcast, "queue_entries", lambda room: reads.append(room.id) or real(room))
    guests = [sign_in(app, name).connect() for name in ("Ann", "Ben", "Cy")]
    first = guests[0].join(code)
    second = guests[1].join(code)
    assert len(reads) <= 1 and second["queue"] == first["queue"]  # (the first may read: metadata bumps)
    reads.clear()
    video_ids = [e["video_id"] for e in first["queue"]]
    assert owner.emit("queue.add", {"video_id": "dddddddddd4", "duration_ms": 600_000})["ok"]
    third = guests[2].join(code)
    assert reads, "a changed queue is read again"
    assert [e["video_id"] for e in third["queue"]][:len(video_ids) + 1] == [*video_ids, "dddddddddd4"]
    assert third["queue_version"] > first["queue_version"]
    assert owner.emit("queue.shuffle")["ok"]
    shuffled = owner.emit("room.sync")["room"]
    assert shuffled["can_undo_shuffle"] is True and shuffled["queue_version"] > third["queue_version"]


def test_joining_accepts_an_invite_link_or_a_code_as_typed(app):
    owner, bob = sign_in(app, "Owner").connect(), sign_in(app, "Bob").connect()
    code = create_room(app, owner)["code"]
    assert bob.join(f"  {code.upper()} ")["code"] == code
    assert bob.join(f"https://example.com/join/{code}")["code"] == code


@pytest.mark.parametrize("code", ["zzzzzzzz", "nope", "a" * 128])
def test_joining_an_unknown_room_is_not_found(app, code):
    guest = sign_in(app, "Lost").connect()
    ack = guest.emit("join", {"code": code})
    assert ack["ok"] is False and ack["error"] == "not_found" and ack["message"]


def test_a_password_room_refuses_wrong_and_missing_passwords(app):
    owner, bob = sign_in(app, "Owner").connect(), sign_in(app, "Bob").connect()
    code = create_room(app, owner, password="open sesame")["code"]
    owner.join(code)
    owner.received()
    for extra in ({}, {"password": None}, {"password": ""}, {"password": "Open Sesame"}):
        ack = bob.emit("join", {"code": code, **extra})
        assert ack["ok"] is False and ack["error"] == "forbidden" and ack["needs_password"] is True, (extra, ack)
        assert "room" not in ack
    assert bob.received("presence.update") == [], "a refused joiner sees nothing of the room"
    assert owner.received("presence.update") == [], "refused joins change no roster"

    room = bob.join(code, password="open sesame")
    assert {m["user_id"] for m in room["members"]} == {owner.user["id"], bob.user["id"]}


def test_the_owner_and_existing_members_rejoin_without_the_password(app):
    owner, bob = sign_in(app, "Owner").connect(), sign_in(app, "Bob").connect()
    code = create_room(app, owner, password="pw")["code"]
    owner.join(code)  # the creator never needs it
    bob.join(code, password="pw")
    assert bob.emit("leave")["ok"] is True
    bob.sio.disconnect()
    again = Guest(app, bob.token, bob.user).connect()
    assert again.emit("join", {"code": code})["ok"] is False, "a member who left is a stranger again"
    again.join(code, password="pw")
    again.sio.disconnect()  # a dropped connection keeps the membership
    third = Guest(app, bob.token, bob.user).connect()
    assert third.join(code)["code"] == code


def test_a_banned_member_is_refused(trio):
    code, owner, bob, cara = trio
    assert owner.emit("member.kick", {"user_id": bob.user["id"], "ban": True})["ok"] is True
    assert bob.received("room.kicked") == [{"reason": "banned", "code": code}]
    assert bob.user["id"] not in last_roster(cara)
    ack = bob.emit("join", {"code": code})
    assert ack["ok"] is False and ack["error"] == "forbidden"
    ack = bob.emit("room.sync")
    assert ack["ok"] is False
    assert bob.user["id"] not in {m["user_id"] for m in owner.emit("room.sync")["room"]["members"]}


# -- leaving -----------------------------------------------------------------------------------------

def test_disconnecting_removes_the_user_from_everyones_roster(trio):
    code, owner, bob, cara = trio
    bob.sio.disconnect()
    expected = {owner.user["id"], cara.user["id"]}
    for g in (owner, cara):  # announced by a background task of the disconnect
        g.wait_for("presence.update", lambda p: {m["user_id"] for m in p["members"]} == expected)
    assert {m["user_id"] for m in owner.emit("room.sync")["room"]["members"]} == {owner.user["id"], cara.user["id"]}


def test_a_user_with_two_sockets_stays_present_while_one_remains(trio, app):
    code, owner, bob, cara = trio
    second = Guest(app, bob.token, bob.user).connect()
    second.join(code)
    assert bob.user["id"] in last_roster(owner)
    bob.sio.disconnect()
    roster = owner.emit("room.sync")["room"]["members"]
    assert bob.user["id"] in {m["user_id"] for m in roster}, "one of Bob's sockets is still in the room"
    second.sio.disconnect()
    owner.wait_for("presence.update", lambda p: bob.user["id"] not in {m["user_id"] for m in p["members"]})


def test_leave_takes_the_socket_out_of_the_room(trio):
    code, owner, bob, cara = trio
    ack = bob.emit("leave", {})
    assert ack["ok"] is True
    for g in (owner, cara):
        assert bob.user["id"] not in last_roster(g)
    bob.received()
    owner.emit("chat.send", {"text": "after Bob left"})
    assert [name for name, _ in bob.events() if name in ROOM_EVENTS] == []
    ack = bob.emit("room.sync")
    assert ack["ok"] is False and ack["error"] == "conflict"
    assert bob.emit("leave")["ok"] is True, "leaving twice is harmless"


def test_a_socket_is_in_one_room_at_a_time(app):
    owner, bob = sign_in(app, "Owner").connect(), sign_in(app, "Bob").connect()
    first = create_room(app, owner, name="First")["code"]
    second = create_room(app, owner, name="Second")["code"]
    owner.join(first)
    bob.join(first)
    owner.join(second)
    assert owner.user["id"] not in last_roster(bob)
    bob.received()
    owner.emit("chat.send", {"text": "in the second room"})
    assert bob.received("chat.message") == []
