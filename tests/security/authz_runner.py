"""Runs one authorization case for real: a fresh room in the database, a fresh actor with the
case's role and credential, its real socket (Flask-SocketIO test client) or REST call, then the
room's state before and after. Used by test_authz_matrix.py."""
from __future__ import annotations

import itertools
import json
import secrets
from dataclasses import dataclass, field

from sqlalchemy import text

from server.domain.room_clock import Playback
from server.extensions import db, socketio
from server.models import QueueEntry, RemotePairing, Room, RoomKnock, RoomMembership, User
from server.services.members import kick_member
from server.services.room_codes import new_code
from server.services.runtime import rt
from server.services.tokens import issue_token
from server.timeutil import now_ms
from tests.security.authz_table import Action, event_name

_serial = itertools.count(1)
VIDEOS = ("aaaaaaaaaa0", "bbbbbbbbbb1", "cccccccccc2")


@dataclass
class Case:
    app: object
    action: Action
    role: str
    mode: str
    cred: str
    ids: dict = field(default_factory=dict)
    token: str = ""
    sio: object = None


def _user(name: str, cred: str) -> User:
    n = next(_serial)
    if cred == "guest":
        return User(name=name, is_guest=True)
    return User(name=name, google_sub=f"authz-{n}-{secrets.token_hex(4)}", email=f"u{n}@example.com",
                email_verified=True, role="admin" if cred == "admin" else "user")


@dataclass
class Scene:
    """A room with its host, a target participant, a banned participant, three entries and a
    played one, a pending knock and two pairings; reused by the next case as long as nothing in
    it changed."""
    mode: str
    state: str
    ids: dict
    clean: bool = True


def build_scene(mode: str, state: str, owner: User | None = None, private: bool = False) -> Scene:
    now = now_ms()
    host, target, knocker, outcast = User(name="Host"), User(name="Target"), User(name="Knocker"), User(name="Outcast")
    db.session.add_all([host, target, knocker, outcast])
    db.session.flush()
    owner = owner or host
    room = Room(code=new_code(), name="Matrix room", owner_id=owner.id, control_mode=mode, version=1,
                is_private=private, invite_secret=secrets.token_urlsafe(24) if private else None)
    db.session.add(room)
    db.session.flush()
    db.session.add_all([RoomMembership(room_id=room.id, user_id=target.id, role="participant"),
                        RoomMembership(room_id=room.id, user_id=outcast.id, role="participant", banned=True,
                                       active=False),
                        RoomMembership(room_id=room.id, user_id=host.id,
                                       role="owner" if owner is host else "operator")])
    entries = [QueueEntry(room_id=room.id, video_id=VIDEOS[i], url=f"https://www.youtube.com/watch?v={VIDEOS[i]}",
                          title=f"Video {i}", status="playing" if i == 0 else "queued", position=i + 1,
                          duration_ms=600_000, added_by=host.id) for i in range(3)]
    played = QueueEntry(room_id=room.id, video_id="ffffffffff5", url="https://www.youtube.com/watch?v=ffffffffff5",
                        title="Played video", status="played", position=0, duration_ms=600_000, added_by=host.id,
                        finished_ms=now - 60_000)
    db.session.add_all([*entries, played])
    db.session.flush()
    room.playback = json.dumps(playback(state, entries[0], host.id, now).to_record())
    knock = RoomKnock(room_id=room.id, user_id=knocker.id, name="Knocker", sid="gone", created_ms=now)
    host_pairing = RemotePairing(code_hash=secrets.token_hex(32), user_id=host.id, room_id=room.id,
                                 created_ms=now, expires_ms=now + 60_000, used_ms=now)
    db.session.add_all([knock, host_pairing])
    db.session.flush()
    ids = {"room": room.id, "code": room.code, "secret": room.invite_secret, "host": host.id, "target": target.id,
           "entries": [e.id for e in entries], "knock": knock.id, "host_pairing": host_pairing.id,
           "outcast": outcast.id, "played": played.id}
    db.session.commit()
    return Scene(mode, state, ids)


def build(case: Case, scenes: dict) -> Scene:
    """The actor (fresh each case) with the case's role and credential, in a clean scene."""
    now = now_ms()
    actor_cred = case.cred if case.cred in ("guest", "google", "admin") else "guest"
    actor = _user("Actor", actor_cred)
    db.session.add(actor)
    db.session.flush()
    key = (case.mode, case.action.state, case.action.private)
    if case.role == "owner":
        scene = build_scene(case.mode, case.action.state, owner=actor, private=case.action.private)
        scene.clean = False  # one owner per room: never shared
    else:
        scene = scenes.get(key)
        if scene is None or not scene.clean:
            scene = scenes[key] = build_scene(case.mode, case.action.state, private=case.action.private)
    room = db.session.get(Room, scene.ids["room"])
    other = Room(code=new_code(), name="Elsewhere", owner_id=actor.id, version=0)
    db.session.add(other)
    db.session.flush()
    rows: list = [RoomMembership(room_id=other.id, user_id=actor.id, role="owner")]
    if case.role in ("owner", "operator", "participant", "kicked", "banned"):
        role = case.role if case.role in ("owner", "operator") else "participant"
        rows.append(RoomMembership(room_id=room.id, user_id=actor.id, role=role))
    own_entry = QueueEntry(room_id=room.id, video_id="eeeeeeeeee4", url="https://www.youtube.com/watch?v=eeeeeeeeee4",
                           title="Actor's video", status="queued", position=10, duration_ms=600_000, added_by=actor.id)
    own_pairing = RemotePairing(code_hash=secrets.token_hex(32), user_id=actor.id, room_id=room.id,
                                created_ms=now, expires_ms=now + 60_000, used_ms=now)
    rows += [own_entry, own_pairing]
    db.session.add_all(rows)
    db.session.flush()
    if case.cred in ("remote_here", "remote_elsewhere"):
        paired_room = room if case.cred == "remote_here" else other
        pairing = RemotePairing(code_hash=secrets.token_hex(32), user_id=actor.id, room_id=paired_room.id,
                                created_ms=now, expires_ms=now + 60_000, used_ms=now)
        db.session.add(pairing)
        db.session.flush()
        case.token = issue_token(actor, room_code=paired_room.code, pairing_id=pairing.id)
    else:
        case.token = issue_token(actor)
    if case.cred == "revoked":
        actor.token_version += 1
    case.ids = {**scene.ids, "actor": actor.id, "own_entry": own_entry.id, "own_pairing": own_pairing.id}
    db.session.commit()
    return scene


def playback(state: str, entry: QueueEntry, host_id: int, now: int) -> Playback:
    base = {"entry_id": entry.id, "video_id": entry.video_id, "duration_ms": 600_000, "version": 1}
    if state == "playing":
        return Playback(state="playing", position_ms=5_000, anchor_ms=now - 1_000, **base)
    if state == "paused":
        return Playback(state="paused", position_ms=5_000, anchor_ms=now - 1_000, **base)
    return Playback(state="starting", position_ms=0, anchor_ms=0, hold="start", then="playing",
                    deadline_ms=now + 60_000, waiting_for=(host_id,), **base)


SNAPSHOT_SQL = {
    "room": "SELECT version, queue_version, name, control_mode, is_private, password_hash, owner_id, closed_ms, "
            "playback FROM rooms WHERE id = :room",
    "members": "SELECT user_id, role, active, banned FROM room_memberships WHERE room_id = :room ORDER BY user_id",
    "queue": "SELECT id, status, position, title, duration_ms FROM queue_entries WHERE room_id = :room ORDER BY id",
    "chat": "SELECT count(*) FROM chat_messages WHERE room_id = :room AND kind = 'text'",
    "knocks": "SELECT id, decided_ms FROM room_knocks WHERE room_id = :room ORDER BY id",
    "pairings": "SELECT id, revoked_ms FROM remote_pairings WHERE room_id = :room ORDER BY id",
    "reactions": "SELECT count(*) FROM room_reactions WHERE room_id = :room",
    "host_tv": "SELECT token_version FROM users WHERE id = :host",
    "target": "SELECT role, banned, token_version FROM users WHERE id = :target",
}


def snapshot(ids: dict) -> dict:
    """Everything a refused action must leave as it was (plain SQL: the matrix runs thousands)."""
    params = {"room": ids["room"], "host": ids["host"], "target": ids["target"]}
    out = {name: [tuple(row) for row in db.session.execute(text(sql), params).all()]
           for name, sql in SNAPSHOT_SQL.items()}
    record = json.loads(out["room"][0][-1] or "{}")
    out["room"] = (*out["room"][0][:-1], record.get("state"), record.get("entry_id"), record.get("rate"),
                   record.get("duration_ms"), record.get("position_ms"))
    db.session.rollback()
    return out


def payload(case: Case) -> dict:
    i = case.ids
    e0, e1, _e2 = i["entries"]
    e2 = i["own_entry"]
    return {
        "": {},
        "time_sync": {"client_ms": 1},
        "join": {"code": i["code"]},
        "join_secret": {"code": i["code"], "invite": i["secret"]},
        "settings_name": {"name": "Renamed"},
        "settings_password": {"password": "sekrit-pass"},
        "settings_private": {"is_private": True},
        "settings_listed": {"listed": True},
        "settings_control_mode": {"control_mode": "any" if case.mode != "any" else "owner_only"},
        "knock_answer": {"knock_id": i["knock"], "admit": True},
        "pause": {"position_ms": 6_000},
        "seek": {"position_ms": 30_000},
        "rate": {"rate": 1.5},
        "ready": {"entry_id": e0, "ready": True},
        "ad": {"entry_id": e0, "active": True},
        "buffering": {"entry_id": e0, "active": True},
        "ended": {"entry_id": e0},
        "duration": {"entry_id": e0, "duration_ms": 1_000},
        "status": {"entry_id": e0, "position_ms": 6_000, "offset_ms": 0, "rtt_ms": 20, "buffering": False},
        "queue_add": {"video_id": "dddddddddd3"},
        "playlist": {"list_id": "PLmatrix", "entries": [{"video_id": "ffffffffff1", "title": "One"},
                                                        {"video_id": "ffffffffff2"}]},
        "remove_own": {"entry_id": e2},
        "remove_other": {"entry_id": e1},
        "move": {"entry_id": e2, "to_index": 0},
        "queue_play": {"entry_id": e1},
        "chat": {"text": "hello"},
        "vote_skip": {"entry_id": e0},
        "reaction": {"emoji": "👍", "position_ms": 6_000},
        "promote": {"user_id": i["target"], "role": "operator"},
        "kick": {"user_id": i["target"]},
        "unban": {"user_id": i["outcast"]},
        "replay": {"entry_id": i["played"]},
        "admin_code": {"code": i["code"]},
        "admin_kick": {"code": i["code"], "user_id": i["target"]},
        "admin_ban": {"user_id": i["target"], "banned": True},
        "admin_role": {"user_id": i["target"], "role": "admin"},
    }[case.action.payload]


def connect(case: Case):
    """The actor's socket, or None when the server refuses the connection (as it must for a revoked token)."""
    client = socketio.test_client(case.app, auth={"token": case.token})
    if not client.is_connected():
        return None
    case.sio = client
    on_loopback(case.app)
    return client


def on_loopback(app) -> None:
    """The Flask-SocketIO test client has no peer address ("?"): say it is 127.0.0.1, so the app's
    RATE_LIMIT_EXEMPT_LOOPBACK lifts the per-IP limits (thousands of joins from one address)."""
    with app.app_context():
        for conn in rt().presence.local_conns():
            if getattr(conn, "ip", None) == "?":
                conn.ip = "127.0.0.1"


def enter(case: Case) -> None:
    """Put the actor where its role says: in the room (members), removed by a kick (kicked, banned)."""
    if case.role == "non_member" or case.cred in ("remote_elsewhere", "revoked"):
        return
    if case.action.name.startswith("join") and case.role in ("owner", "operator", "participant"):
        return
    # In the room as `join` leaves a member (the `join` row runs the real thing): its membership is
    # active and its socket in the room's group and presence.
    room = db.session.get(Room, case.ids["room"])
    conn = next(c for c in rt().presence.local_conns() if c.user_id == case.ids["actor"])
    rt().presence.enter(conn.sid, room.code)
    socketio.server.enter_room(conn.sid, room.code, namespace="/")
    if case.role in ("kicked", "banned"):
        m = db.session.execute(db.select(RoomMembership)
                               .filter_by(room_id=room.id, user_id=case.ids["actor"])).scalar_one()
        kick_member(room, m, actor_id=case.ids["host"], ban=case.role == "banned", actor_name="Host")
        db.session.remove()
    case.sio.get_received()


def act(case: Case) -> bool:
    """Perform the action; True when the server accepted it."""
    if case.action.kind == "rest":
        return rest(case)
    if case.action.kind == "admin":
        return admin_request(case)
    if case.sio is None:
        return False
    ack = case.sio.emit(event_name(case.action), payload(case), callback=True)
    assert isinstance(ack, dict) and ack.get("error") != "internal", (case.action.name, ack)
    return bool(ack.get("ok"))


def rest(case: Case) -> bool:
    http = case.app.test_client()
    headers = {"Authorization": f"Bearer {case.token}"}
    code, i = case.ids["code"], case.ids
    name = case.action.name
    if name == "GET /api/rooms/<code>":
        resp = http.get(f"/api/rooms/{code}", headers=headers)
    elif name == "POST /api/rooms":
        resp = http.post("/api/rooms", json={}, headers=headers)
    elif name == "POST /api/rooms/<code>/remote-pairings":
        resp = http.post(f"/api/rooms/{code}/remote-pairings", json={}, headers=headers)
    elif name == "GET /api/rooms/<code>/remotes":
        resp = http.get(f"/api/rooms/{code}/remotes", headers=headers)
    elif name == "DELETE /api/remotes/<own other pairing>":
        resp = http.delete(f"/api/remotes/{i['own_pairing']}", headers=headers)
    elif name == "DELETE /api/remotes/<host's pairing>":
        resp = http.delete(f"/api/remotes/{i['host_pairing']}", headers=headers)
    elif name == "GET /auth/me":
        resp = http.get("/auth/me", headers=headers)
    elif name == "POST /auth/logout":
        resp = http.post("/auth/logout", headers=headers)
    elif name == "POST /api/admin/session":
        resp = http.post("/api/admin/session", json={}, headers=headers)
    else:
        raise AssertionError(name)
    assert resp.status_code < 500, (name, resp.status_code, resp.get_data(as_text=True))
    return resp.status_code < 300


def admin_request(case: Case) -> bool:
    """Open a dashboard session with the credential, connect `/admin` from the service's own
    origin with its cookie, send the request; False when any step is refused."""
    http = case.app.test_client()
    opened = http.post("/api/admin/session", json={}, headers={"Authorization": f"Bearer {case.token}"})
    assert opened.status_code < 500, opened.get_data(as_text=True)
    cookie_name = case.app.config["JWT_ACCESS_COOKIE_NAME"]
    cookie = http.get_cookie(cookie_name)
    if opened.status_code != 200 or cookie is None:
        return False
    headers = {"Cookie": f"{cookie_name}={cookie.value}", "Origin": case.app.config["ST"].BACKEND_BASE_URL}
    sio = socketio.test_client(case.app, namespace="/admin", headers=headers)
    if not sio.is_connected("/admin"):
        return False
    try:
        ack = sio.emit(case.action.name, payload(case), callback=True, namespace="/admin")
    finally:
        sio.disconnect(namespace="/admin")
    assert isinstance(ack, dict) and ack.get("error") != "internal", (case.action.name, ack)
    return bool(ack.get("ok"))


def close(case: Case) -> None:
    """Leave (synchronously, so the room's clock hears it now, not from a later disconnect task)
    and disconnect."""
    if case.sio is not None and case.sio.is_connected():
        case.sio.emit("leave", {}, callback=True)
        case.sio.disconnect()
    db.session.remove()
