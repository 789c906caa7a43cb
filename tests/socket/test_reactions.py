"""Reactions pinned to a moment over sockets (issue 16, item 4): the allow-list, the position
checked against the entry's duration, the broadcast (room only), late joiners, the bound per
entry, a phone remote, and the per-user and per-room limits."""
from __future__ import annotations

from server.domain.constants import REACTION_EMOJI, REACTIONS_KEPT_PER_ENTRY
from server.extensions import db
from server.models import Room, RoomReaction
from tests.socket.test_pairing import remote_guest
from tests.support.socket_clients import create_room, sign_in


def playing_room(app, names=("Owner", "Bob")):
    guests = [sign_in(app, name) for name in names]
    code = create_room(app, guests[0])["code"]
    for g in guests:
        g.connect().join(code)
    owner = guests[0]
    entries = [owner.emit("queue.add", {"video_id": vid, "duration_ms": 60_000})["entry"]["id"]
               for vid in ("aaaaaaaaaa1", "bbbbbbbbbb2")]
    for g in guests:
        g.emit("player.ready", {"entry_id": entries[0], "ready": True})
    for g in guests:
        g.received()
    return code, entries, guests


def test_a_reaction_reaches_the_room_pinned_to_its_moment_and_nobody_else(app):
    code, entries, (owner, bob) = playing_room(app)
    elsewhere = sign_in(app, "Eve").connect()
    elsewhere.join(create_room(app, elsewhere)["code"])
    elsewhere.received()
    ack = bob.emit("reaction.send", {"emoji": "🔥", "position_ms": 12_345})
    assert ack["ok"], ack
    sent = ack["reaction"]
    assert (sent["emoji"], sent["position_ms"], sent["entry_id"], sent["user_id"], sent["name"]) == \
        ("🔥", 12_345, entries[0], bob.user["id"], "Bob")
    for g in (owner, bob):
        assert g.wait_for("reaction") == sent
    assert elsewhere.received("reaction") == [], "another room hears nothing"


def test_bad_reactions_are_refused_to_the_sender_only(app):
    code, entries, (owner, bob) = playing_room(app)
    cases = [
        ({"emoji": "💩", "position_ms": 1_000}, "invalid"),  # not on the allow-list
        ({"emoji": "❤", "position_ms": 1_000}, "invalid"),  # the heart without its variation selector
        ({"emoji": "👍", "position_ms": 60_001}, "invalid"),  # past the entry's end
        ({"emoji": "👍", "position_ms": -1}, "invalid"),
        ({"emoji": "👍"}, "invalid"),
        ({"emoji": ["👍"], "position_ms": 5}, "invalid"),
    ]
    for payload, error in cases:
        ack = bob.emit("reaction.send", payload)
        assert ack["ok"] is False and ack["error"] == error and ack["message"], (payload, ack)
    assert owner.received("reaction") == []
    assert bob.emit("reaction.send", {"emoji": "👍", "position_ms": 60_000})["ok"], "the very end is a moment"
    assert set(REACTION_EMOJI) == {"👍", "❤️", "😂", "😮", "😢", "👏", "🔥", "🎉"}


def test_nothing_playing_is_a_conflict_and_outsiders_are_refused(app):
    owner = sign_in(app, "Owner").connect()
    code = create_room(app, owner)["code"]
    owner.join(code)
    assert owner.emit("reaction.send", {"emoji": "👍", "position_ms": 0})["error"] == "conflict"
    stranger = sign_in(app, "Mallory").connect()
    assert stranger.emit("reaction.send", {"emoji": "👍", "position_ms": 0})["error"] == "conflict"


def test_late_joiners_get_the_current_entrys_latest_reactions_bounded(app):
    code, entries, (owner, bob) = playing_room(app)
    with app.app_context():  # an entry that already has the most a room keeps
        room = db.session.execute(db.select(Room).filter_by(code=code)).scalar_one()
        db.session.add_all([RoomReaction(room_id=room.id, entry_id=entries[0], user_id=owner.user["id"],
                                         name="Owner", emoji="👍", position_ms=i, created_ms=i)
                            for i in range(REACTIONS_KEPT_PER_ENTRY + 4)])
        db.session.commit()
    newest = bob.emit("reaction.send", {"emoji": "🎉", "position_ms": 30_000})["reaction"]
    with app.app_context():
        assert db.session.query(RoomReaction).filter_by(entry_id=entries[0]).count() == REACTIONS_KEPT_PER_ENTRY
    carol = sign_in(app, "Carol").connect()
    got = carol.join(code)["reactions"]
    assert len(got) == REACTIONS_KEPT_PER_ENTRY and got[-1] == newest
    assert got[0]["position_ms"] == 5, "the oldest ones went"
    assert owner.emit("skip")["ok"]
    assert carol.emit("room.sync")["room"]["reactions"] == [], "a new entry starts without reactions"
    assert bob.emit("reaction.send", {"emoji": "👍", "position_ms": 1_000})["ok"]
    with app.app_context():
        assert db.session.query(RoomReaction).filter_by(entry_id=entries[0]).count() == 0, "the old entry's are gone"


def test_a_phone_remote_reacts_as_its_member(app):
    code, entries, (owner, bob) = playing_room(app)
    remote, _ = remote_guest(app, bob, code)
    remote.connect().join(code)
    ack = remote.emit("reaction.send", {"emoji": "😂", "position_ms": 2_000})
    assert ack["ok"] and ack["reaction"]["user_id"] == bob.user["id"]
    assert owner.wait_for("reaction")["emoji"] == "😂"


def test_reactions_are_limited_per_user_and_per_room(app):
    names = ("Owner", "Bob", "Cat", "Dan", "Eve", "Fay", "Gus")
    code, entries, guests = playing_room(app, names)
    bob = guests[1]
    answers = [bob.emit("reaction.send", {"emoji": "👏", "position_ms": 1_000}) for _ in range(6)]
    assert all(a["ok"] for a in answers[:5])
    assert answers[5]["error"] == "rate_limited" and answers[5]["retry_after_ms"] > 0
    # 5 per user: the others add 25 more (30 in the room), the next one is the room's 31st
    sent = [g.emit("reaction.send", {"emoji": "👏", "position_ms": 1_000}) for g in guests[2:] for _ in range(5)]
    assert all(a["ok"] for a in sent)
    crowded = guests[0].emit("reaction.send", {"emoji": "👏", "position_ms": 1_000})
    assert crowded["error"] == "rate_limited" and "room" in crowded["message"]
