"""Vote-skip over sockets (issue 16, item 3): who may vote in each control mode, distinct votes
on the current entry, the threshold over watching members (idle ones do not block, a voter from
a phone counts), the veto, the owner's ratio setting, limits and invalid input."""
from __future__ import annotations

from server.services.runtime import rt
from server.timeutil import now_ms
from tests.socket.test_pairing import remote_guest
from tests.support.socket_clients import create_room, sign_in

VIDS = ("aaaaaaaaaa1", "bbbbbbbbbb2", "cccccccccc3")


def room_of(app, names=("Owner", "Bob", "Cat", "Dan"), **settings):
    guests = [sign_in(app, name) for name in names]
    code = create_room(app, guests[0], **settings)["code"]
    for g in guests:
        g.connect().join(code)
    return code, guests


def playing(app, names=("Owner", "Bob", "Cat", "Dan"), watching=None, **settings):
    """A room playing the first of three entries; `watching` (default: everyone) report their player."""
    code, guests = room_of(app, names, **settings)
    owner = guests[0]
    entries = [owner.emit("queue.add", {"video_id": vid})["entry"]["id"] for vid in VIDS]
    for g in guests:
        assert g.emit("player.ready", {"entry_id": entries[0], "ready": True})["ok"]
    for g in guests if watching is None else watching:
        assert g.emit("player.status", {"entry_id": entries[0], "position_ms": 1_000})["ok"]
    assert owner.emit("room.sync")["room"]["playback"]["state"] == "playing"
    for g in guests:
        g.received()
    return code, entries, guests


def lines_of(guest) -> list[str]:
    return [m["text"] for m in guest.received("chat.message") if m["kind"] == "system"]


def said(got: dict[str, list]) -> list[str]:
    """The system lines in an inbox: chat.message, or a clock change's notes in its room.playback."""
    lines = [m["text"] for m in got.get("chat.message", [])]
    return lines + [n["text"] for p in got.get("room.playback", []) for n in p.get("notes") or []]


def inbox(guest) -> dict[str, list]:
    """Everything that reached `guest` since the last look, by event name (read once: a look drains it)."""
    got: dict[str, list] = {}
    for name, data in guest.events():
        got.setdefault(name, []).append(data)
    return got


def test_two_participants_skip_in_an_owner_only_room_and_the_room_sees_the_count(app):
    code, entries, (owner, bob, cat, dan) = playing(app, control_mode="owner_only")
    assert bob.emit("skip")["error"] == "forbidden", "a participant may not skip here"

    first = bob.emit("vote.skip", {"entry_id": entries[0]})
    assert first["ok"] and first["skipped"] is False
    assert (first["vote"]["votes"], first["vote"]["needed"], first["vote"]["watching"]) == (1, 2, 4)
    for g in (owner, cat, dan):
        state = g.wait_for("vote.state")
        assert state == {"entry_id": entries[0], "votes": 1, "needed": 2, "watching": 4, "voters": [bob.user["id"]]}
    again = bob.emit("vote.skip", {})
    assert again["ok"] and again["vote"]["votes"] == 1, "one vote per member and entry"
    assert dan.received("vote.state") == [], "a repeated vote changes nothing"
    assert owner.emit("room.sync")["room"]["vote"]["votes"] == 1, "late joiners see the count"

    second = cat.emit("vote.skip", {"entry_id": entries[0]})
    assert second["ok"] and second["skipped"] is True
    assert second["playback"]["entry_id"] == entries[1]
    assert second["vote"] == {"entry_id": entries[1], "votes": 0, "needed": 2, "watching": 4, "voters": []}
    got = inbox(dan)
    pb = next(p for p in got["room.playback"] if p["entry_id"] == entries[1])
    assert pb["skip_votes"] == [] and pb["actor_id"] == cat.user["id"]
    assert got["vote.state"][-1]["entry_id"] == entries[1] and got["vote.state"][-1]["votes"] == 0, \
        "a new entry clears the votes"
    assert any(text.startswith("The room voted to skip") and text.endswith("(2 votes)") for text in said(got)), got
    queue = {e["id"]: e["status"] for e in owner.emit("queue.load", {"history": 1})["history"]}
    assert queue[entries[0]] == "skipped"


def test_members_who_may_skip_are_told_to_skip_and_nothing_playing_is_a_conflict(app):
    code, guests = room_of(app, ("Owner", "Bob"), control_mode="any")
    owner, bob = guests
    assert bob.emit("vote.skip")["error"] == "conflict", "nothing is playing"
    entry = owner.emit("queue.add", {"video_id": VIDS[0]})["entry"]["id"]
    for g in guests:
        g.emit("player.ready", {"entry_id": entry, "ready": True})
    refused = bob.emit("vote.skip")
    assert refused["ok"] is False and refused["error"] == "conflict" and "skip" in refused["message"]
    assert owner.emit("vote.skip")["error"] == "conflict"
    assert owner.emit("room.sync")["room"]["playback"]["skip_votes"] == []
    outsider = sign_in(app, "Eve").connect()
    assert outsider.emit("vote.skip")["error"] == "conflict", "not in a room"


def test_an_operator_votes_under_owner_only_and_a_vote_for_an_old_entry_is_refused(app):
    code, entries, (owner, bob, cat, dan) = playing(app, control_mode="owner_only")
    assert owner.emit("member.role", {"user_id": bob.user["id"], "role": "operator"})["ok"]
    stale = cat.emit("vote.skip", {"entry_id": entries[1]})
    assert stale["ok"] is False and stale["error"] == "conflict"
    assert bob.emit("vote.skip", {"entry_id": entries[0]})["vote"]["votes"] == 1
    bad = cat.emit("vote.skip", {"entry_id": "x"})
    assert bad["error"] == "invalid"


def test_idle_members_do_not_block_and_a_remote_voter_counts(app):
    # Only Owner and Bob's players report: Cat and Dan are idle tabs
    code, entries, (owner, bob, cat, dan) = playing(app, control_mode="owner_only", watching=None)
    with app.app_context():  # Cat's and Dan's last reports are 31 s old
        for conn in rt().presence.local_conns():
            if conn.user_id in (cat.user["id"], dan.user["id"]) and conn.status:
                rt().presence.update(conn.sid, status={**conn.status, "at_ms": now_ms() - 31_000})
    remote, _ = remote_guest(app, cat, code)
    remote.connect().join(code)
    # watching: Owner, Bob (recent players) → needed 1 of 2; but first a voter from a phone: Cat
    vote = remote.emit("vote.skip", {"entry_id": entries[0]})
    assert vote["ok"], vote
    # watching = Owner, Bob and the voter Cat = 3 → needed ceil(1.5) = 2: not yet
    assert (vote["vote"]["watching"], vote["vote"]["needed"], vote["skipped"]) == (3, 2, False)
    done = bob.emit("vote.skip", {"entry_id": entries[0]})
    assert done["skipped"] is True, "Dan's idle tab does not block the vote"


def test_operators_veto_participants_may_not(app):
    code, entries, (owner, bob, cat, dan) = playing(app, control_mode="owner_only")
    assert owner.emit("member.role", {"user_id": dan.user["id"], "role": "operator"})["ok"]
    assert bob.emit("vote.skip")["vote"]["votes"] == 1
    owner.received()
    assert cat.emit("vote.clear")["error"] == "forbidden"
    assert owner.emit("room.sync")["room"]["vote"]["votes"] == 1, "a refused veto changes nothing"
    cleared = dan.emit("vote.clear")
    assert cleared["ok"] and cleared["vote"]["votes"] == 0
    got = inbox(owner)
    assert got["vote.state"][-1]["votes"] == 0 and got["vote.state"][-1]["entry_id"] == entries[0]
    assert any("Dan cleared the votes to skip" in text for text in said(got)), got
    inbox(owner)  # drained
    assert dan.emit("vote.clear")["ok"], "nothing to clear: answered, no change"
    again = inbox(owner)
    assert not again.get("vote.state") and not said(again), f"a clear with nothing to clear told the room: {again}"
    assert owner.emit("room.sync")["room"]["playback"]["entry_id"] == entries[0]


def test_an_outright_skip_clears_the_votes(app):
    code, entries, (owner, bob, cat, dan) = playing(app, control_mode="owner_only")
    bob.emit("vote.skip")
    owner.received()
    assert owner.emit("skip")["ok"]
    state = cat.wait_for("vote.state", lambda s: s["entry_id"] == entries[1])
    assert state["votes"] == 0 and state["voters"] == []


def test_the_ratio_is_the_owners_setting(app):
    code, entries, (owner, bob, cat, dan) = playing(app, control_mode="owner_only")
    assert owner.emit("room.sync")["room"]["settings"]["vote_skip_ratio"] == 0.5
    assert owner.emit("member.role", {"user_id": dan.user["id"], "role": "operator"})["ok"]
    assert dan.emit("room.settings", {"vote_skip_ratio": 1.0})["error"] == "forbidden"
    for bad in (0.05, 1.5, "half", True):
        assert owner.emit("room.settings", {"vote_skip_ratio": bad})["error"] == "invalid", bad
    bob.received()
    assert owner.emit("room.settings", {"vote_skip_ratio": 1.0})["settings"]["vote_skip_ratio"] == 1.0
    assert bob.wait_for("vote.state")["needed"] == 4
    assert bob.emit("vote.skip")["vote"]["needed"] == 4
    assert cat.emit("vote.skip")["skipped"] is False
    # 1.0 of four watching: the owner would have to vote too. Lowered, the two votes suffice now:
    bob.received()
    assert owner.emit("room.settings", {"vote_skip_ratio": 0.5})["ok"]
    got = inbox(bob)
    assert next(p for p in got["room.playback"] if p["entry_id"] == entries[1])["actor_id"] is None
    assert any("The room voted to skip" in text for text in said(got)), "a recount's skip is said, by nobody"
    assert got["vote.state"][-1]["entry_id"] == entries[1] and got["vote.state"][-1]["votes"] == 0


def test_votes_are_rate_limited_per_user(app):
    code, entries, (owner, bob, cat, dan) = playing(app, control_mode="owner_only")
    answers = [bob.emit("vote.skip") for _ in range(6)]
    assert all(a["ok"] for a in answers[:5]), answers
    assert answers[5]["error"] == "rate_limited" and answers[5]["retry_after_ms"] > 0
    assert cat.emit("vote.skip")["ok"], "another member's vote is not limited by Bob's"


def due_of(code: str) -> int:
    """When the server's clock next looks at the room (call in an app context)."""
    from server.extensions import db
    from server.models import Room
    due = db.session.execute(db.select(Room.due_ms).filter_by(code=code)).scalar_one()
    db.session.rollback()
    assert due is not None, "the room is not on the server's clock"
    return due


def test_an_open_vote_is_counted_again_as_members_go_idle_or_leave(app):
    """The server's clock looks at a room with an open vote every VOTE_RECOUNT_MS: a member who
    went idle no longer counts (`needed` falls, the room is told once), and when the votes cast
    now suffice, the room skips without another vote."""
    from server.background.due_rooms import run_due_rooms
    from server.domain.constants import VOTE_RECOUNT_MS
    from server.extensions import db
    from server.models import Room

    code, entries, (owner, bob, cat, dan) = playing(app, control_mode="owner_only")
    first = bob.emit("vote.skip")
    assert (first["vote"]["votes"], first["vote"]["needed"], first["vote"]["watching"]) == (1, 2, 4)
    with app.app_context():
        due = db.session.execute(db.select(Room.due_ms).filter_by(code=code)).scalar_one()
        assert due is not None and due <= now_ms() + VOTE_RECOUNT_MS, "an open vote puts the room on the clock"
        assert run_due_rooms(now=due) == 0, "nothing changed: no skip"
    owner.received()
    with app.app_context():  # nothing changed: the recount tells nobody
        run_due_rooms(now=due_of(code))
    assert owner.received("vote.state") == []
    with app.app_context():  # Cat's and Dan's tabs go idle: their last reports are 31 s old
        for conn in rt().presence.local_conns():
            if conn.user_id in (cat.user["id"], dan.user["id"]) and conn.status:
                rt().presence.update(conn.sid, status={**conn.status, "at_ms": now_ms() - 31_000})
        assert run_due_rooms(now=due_of(code)) == 1
    # watching: Owner and the voter Bob → needed ceil(0.5 x 2) = 1 ≤ 1 vote: the room skipped
    assert owner.emit("room.sync")["room"]["playback"]["entry_id"] == entries[1]
    got = inbox(owner)
    assert any("voted to skip" in text for text in said(got)), got
    assert got["vote.state"][-1]["entry_id"] == entries[1] and got["vote.state"][-1]["votes"] == 0
    with app.app_context():  # the new entry has no votes: no recount due for it
        due = db.session.execute(db.select(Room.due_ms).filter_by(code=code)).scalar_one()
        assert due is None or due > now_ms() + VOTE_RECOUNT_MS


def test_a_recount_that_lowers_needed_tells_the_room(app):
    from server.background.due_rooms import run_due_rooms

    code, entries, guests = playing(app, names=("Owner", "Bob", "Cat", "Dan", "Eve", "Fay"),
                                    control_mode="owner_only")
    owner, bob, cat, dan, eve, fay = guests
    assert bob.emit("vote.skip")["vote"]["needed"] == 3  # ceil(0.5 x 6)
    owner.received()
    with app.app_context():  # Eve's and Fay's tabs go idle: 4 watching → needed 2, one vote: no skip
        for conn in rt().presence.local_conns():
            if conn.user_id in (eve.user["id"], fay.user["id"]) and conn.status:
                rt().presence.update(conn.sid, status={**conn.status, "at_ms": now_ms() - 31_000})
        assert run_due_rooms(now=due_of(code)) == 0
    states = owner.received("vote.state")
    assert [(s["votes"], s["needed"], s["watching"]) for s in states] == [(1, 2, 4)]
    # the room a (re)joining member reads counts the same (from the roster it carries)
    assert owner.emit("room.sync")["room"]["vote"] == states[-1]
    assert fay.emit("join", {"code": code})["room"]["vote"] == states[-1]
    assert cat.emit("vote.skip")["skipped"] is True
