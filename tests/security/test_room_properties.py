"""Stateful property tests: four members and an observer drive one real app (Flask-SocketIO test
clients) with random valid and invalid events, in any order; after every step the room must hold
its invariants:

- the observer saw the room's playback versions without a gap, ending at the room's version;
- exactly one owner, and it is the room's `owner_id`;
- the queued entries' positions are distinct and the queue as sent is in that order;
- no acknowledgement says `internal` or `unavailable` and no REST answer is a 5xx (the members
  also call the REST routes with good and bad input), nothing is logged at ERROR.
"""
from __future__ import annotations

import logging

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from server.extensions import db
from server.models import QueueEntry, Room, RoomMembership
from tests.security.authz_runner import on_loopback
from tests.support.socket_clients import Guest, create_room, sign_in

VIDEOS = ["aaaaaaaaaa0", "bbbbbbbbbb1", "cccccccccc2", "dddddddddd3", "eeeeeeeeee4"]
ACTORS = 4
SERVER_FAULTS = ("internal", "unavailable")
JUNK = st.one_of(st.none(), st.integers(-5, 5), st.text(max_size=5), st.lists(st.integers(), max_size=2),
                 st.dictionaries(st.sampled_from(["entry_id", "position_ms", "rate", "user_id", "code", "x"]),
                                 st.one_of(st.none(), st.integers(-10**16, 10**16), st.text(max_size=3),
                                           st.floats(allow_nan=True)), max_size=3))
EVENTS = ["play", "pause", "seek", "skip", "restart", "rate", "start_now", "queue.add", "queue.remove",
          "queue.move", "queue.play", "chat.send", "member.role", "member.kick", "room.settings", "player.ready",
          "player.ended", "player.duration", "player.ad", "join", "leave", "room.sync", "no.such.event"]


class ErrorLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class RoomMachine(RuleBasedStateMachine):
    app = None  # set by the test

    @initialize()
    def open_room(self) -> None:
        self.errors = ErrorLog()
        logging.getLogger().addHandler(self.errors)
        self.members: list[Guest] = [sign_in(self.app, f"P{i}").connect() for i in range(ACTORS)]
        on_loopback(self.app)
        self.code = create_room(self.app, self.members[0], control_mode="any")["code"]
        for guest in self.members:
            guest.join(self.code)
        self.observer = sign_in(self.app, "Observer").connect()
        on_loopback(self.app)
        first = self.observer.join(self.code)
        self.seen_versions = [first["playback"]["version"]]
        self.faults: list[tuple[str, object, dict]] = []

    def teardown(self) -> None:
        for guest in [*getattr(self, "members", []), getattr(self, "observer", None)]:
            if guest is not None and guest.sio.is_connected():
                guest.sio.disconnect()
        if hasattr(self, "errors"):
            logging.getLogger().removeHandler(self.errors)

    # -- what the members do ------------------------------------------------------------------
    def _entries(self) -> list[int]:
        with self.app.app_context():
            room = db.session.execute(db.select(Room).filter_by(code=self.code)).scalar_one()
            ids = list(db.session.execute(db.select(QueueEntry.id).filter_by(room_id=room.id)).scalars())
            db.session.remove()
        return ids or [1]

    def _send(self, who: int, event: str, payload: object) -> None:
        guest = self.members[who]
        if not guest.sio.is_connected():
            guest.connect()
            on_loopback(self.app)
        ack = guest.sio.emit(event, payload, callback=True)
        if not isinstance(ack, dict) or ack.get("error") in SERVER_FAULTS:
            self.faults.append((event, payload, ack))

    @rule(who=st.integers(0, ACTORS - 1), event=st.sampled_from(EVENTS), data=st.data())
    def valid_event(self, who: int, event: str, data) -> None:
        entry = data.draw(st.sampled_from(self._entries()))
        target = data.draw(st.sampled_from([g.user["id"] for g in self.members]))
        payloads = {
            "seek": {"position_ms": data.draw(st.integers(0, 600_000))},
            "pause": {"position_ms": data.draw(st.integers(0, 600_000))},
            "rate": {"rate": data.draw(st.sampled_from([0.5, 1.0, 1.25, 2.0]))},
            "queue.add": {"video_id": data.draw(st.sampled_from(VIDEOS))},
            "queue.remove": {"entry_id": entry},
            "queue.move": {"entry_id": entry, "to_index": data.draw(st.integers(0, 6))},
            "queue.play": {"entry_id": entry},
            "chat.send": {"text": data.draw(st.sampled_from(["hi", "https://youtu.be/aaaaaaaaaa0", "  "]))},
            "member.role": {"user_id": target, "role": data.draw(st.sampled_from(["owner", "operator",
                                                                                   "participant"]))},
            "member.kick": {"user_id": target, "ban": data.draw(st.booleans())},
            "room.settings": data.draw(st.sampled_from([{"control_mode": "any"}, {"control_mode": "owner_only"},
                                                        {"queue_locked": True}, {"queue_locked": False},
                                                        {"name": "Renamed"}])),
            "player.ready": {"entry_id": entry, "ready": data.draw(st.booleans())},
            "player.ended": {"entry_id": entry},
            "player.duration": {"entry_id": entry, "duration_ms": data.draw(st.integers(1, 900_000))},
            "player.ad": {"entry_id": entry, "active": data.draw(st.booleans())},
            "join": {"code": self.code},
        }
        self._send(who, event, payloads.get(event, {}))

    def _owner(self) -> int:
        with self.app.app_context():
            owner_id = db.session.execute(db.select(Room.owner_id).filter_by(code=self.code)).scalar_one()
            db.session.remove()
        return next(i for i, g in enumerate(self.members) if g.user["id"] == owner_id)

    @rule(event=st.sampled_from(["play", "pause", "skip", "restart", "start_now", "queue.add", "queue.move",
                                 "queue.play", "room.settings", "member.kick"]), data=st.data())
    def owner_event(self, event: str, data) -> None:
        """The owner acts (most of a random member's commands are refused)."""
        self.valid_event(self._owner(), event, data)

    @rule(to=st.integers(0, ACTORS - 1), role=st.sampled_from(["owner", "operator", "participant"]))
    def owner_sets_a_role(self, to: int, role: str) -> None:
        self._send(self._owner(), "member.role", {"user_id": self.members[to].user["id"], "role": role})

    @rule(who=st.integers(0, ACTORS - 1), event=st.sampled_from(EVENTS), junk=JUNK)
    def invalid_event(self, who: int, event: str, junk: object) -> None:
        self._send(who, event, junk)

    @rule(who=st.integers(0, ACTORS - 1), route=st.sampled_from(["facts", "remotes", "pairing", "create", "me"]),
          junk=st.one_of(st.none(), st.text(max_size=4), st.dictionaries(st.text(max_size=3), st.integers(),
                                                                          max_size=2)))
    def rest_call(self, who: int, route: str, junk: object) -> None:
        """REST routes beside the socket: any answer but a 5xx."""
        http = self.app.test_client()
        headers = {"Authorization": f"Bearer {self.members[who].token}"}
        code = self.code if junk is None else f"{self.code}{junk}"[:40]
        resp = {"facts": lambda: http.get(f"/api/rooms/{code}", headers=headers),
                "remotes": lambda: http.get(f"/api/rooms/{code}/remotes", headers=headers),
                "pairing": lambda: http.post(f"/api/rooms/{code}/remote-pairings", json=junk, headers=headers),
                "create": lambda: http.post("/api/rooms", json={"settings": junk}, headers=headers),
                "me": lambda: http.get("/auth/me", headers=headers)}[route]()
        if resp.status_code >= 500:
            self.faults.append((route, junk, {"status": resp.status_code}))

    # -- invariants ---------------------------------------------------------------------------
    @invariant()
    def no_server_fault(self) -> None:
        if hasattr(self, "faults"):
            assert self.faults == []
            assert [r.getMessage() for r in self.errors.records] == []

    @invariant()
    def one_owner_and_ordered_queue(self) -> None:
        if not hasattr(self, "code"):
            return
        with self.app.app_context():
            room = db.session.execute(db.select(Room).filter_by(code=self.code)).scalar_one()
            owners = list(db.session.execute(db.select(RoomMembership.user_id).filter_by(
                room_id=room.id, role="owner")).scalars())
            assert owners == [room.owner_id]
            positions = list(db.session.execute(db.select(QueueEntry.position).filter_by(
                room_id=room.id, status="queued")).scalars())
            assert len(positions) == len(set(positions))
            version = room.version
            db.session.remove()
        sent = self.observer.emit("queue.load")
        queued = [e for e in sent["queue"] if e["status"] == "queued"]
        assert [e["position"] for e in queued] == sorted(e["position"] for e in queued)
        assert len({e["id"] for e in sent["queue"]}) == len(sent["queue"])
        for update in self.observer.received("room.playback"):
            self.seen_versions.append(update["version"])
        first = self.seen_versions[0]
        assert self.seen_versions == list(range(first, first + len(self.seen_versions)))
        assert self.seen_versions[-1] == version


def test_random_members_keep_the_room_consistent(loopback_app):
    RoomMachine.app = loopback_app
    run_state_machine_as_test(RoomMachine, settings=settings(
        max_examples=15, stateful_step_count=25, deadline=None, database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
