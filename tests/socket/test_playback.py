"""The room clock over sockets: scheduled starts, laggards, ads, control modes, concurrency."""
from __future__ import annotations

import threading
import time

import pytest

from server.background.due_rooms import run_due_rooms
from server.services.presence import status_reports
from server.timeutil import now_ms
from tests.support.socket_clients import create_room, sign_in

VID1, VID2, VID3 = "aaaaaaaaaa1", "bbbbbbbbbb2", "ccccccccccc"


def room_of_three(app, **settings):
    owner, bob, cat = sign_in(app, "Owner"), sign_in(app, "Bob"), sign_in(app, "Cat")
    code = create_room(app, owner, **settings)["code"]
    for g in (owner, bob, cat):
        g.connect().join(code)
    return code, owner, bob, cat


def drain(*guests):
    for g in guests:
        g.received()


def playbacks(guest):
    return guest.received("room.playback")


def start_entry(owner, *players, video=VID1):
    ack = owner.emit("queue.add", {"video_id": video})
    assert ack["ok"], ack
    entry_id = ack["entry"]["id"]
    for p in (owner, *players):
        assert p.emit("player.ready", {"entry_id": entry_id, "ready": True})["ok"]
    return entry_id


def test_scheduled_start_reaches_everyone_with_the_same_future_anchor(app):
    code, owner, bob, cat = room_of_three(app, control_mode="any")
    drain(owner, bob, cat)
    ack = owner.emit("queue.add", {"video_id": VID1})
    entry_id = ack["entry"]["id"]
    for g in (owner, bob, cat):
        starting = [p for p in playbacks(g) if p["state"] == "starting"]
        assert starting and set(starting[-1]["waiting_for"]) == {owner.user["id"], bob.user["id"], cat.user["id"]}
    assert owner.emit("player.ready", {"entry_id": entry_id, "ready": True})["ok"]
    assert bob.emit("player.ready", {"entry_id": entry_id, "ready": True})["ok"]
    before = now_ms()
    assert cat.emit("player.ready", {"entry_id": entry_id, "ready": True})["ok"]
    anchors = set()
    for g in (owner, bob, cat):
        playing = [p for p in playbacks(g) if p["state"] == "playing"]
        assert len(playing) == 1
        anchors.add(playing[0]["anchor_ms"])
        assert playing[0]["waiting_for"] == []
    assert len(anchors) == 1
    anchor = anchors.pop()
    assert anchor >= before + app.config["ST"].PLAYBACK_START_BUFFER_MS - 5  # in the future, by the buffer


def test_start_lead_grows_with_the_worst_round_trip(app, monkeypatch):
    code, owner, bob, cat = room_of_three(app)
    # the round trip the server measured itself (Engine.IO ping → pong; the test client has no
    # pings, tests/integration/test_live_round_trips.py measures real ones): 400 ms for Bob
    bob_sid = next(c.sid for c in app.extensions["sharetube"].presence.local_conns() if c.user_id == bob.user["id"])
    monkeypatch.setattr(status_reports, "measured_rtt_ms", lambda sid: 400 if sid == bob_sid else None)
    assert bob.emit("player.status", {"rtt_ms": 1, "offset_ms": 0})["ok"]  # what Bob claims does not count
    entry_id = owner.emit("queue.add", {"video_id": VID1})["entry"]["id"]
    drain(owner, bob, cat)
    t0 = now_ms()
    for g in (owner, bob, cat):
        g.emit("player.ready", {"entry_id": entry_id, "ready": True})
    playing = [p for p in playbacks(owner) if p["state"] == "playing"][0]
    assert playing["anchor_ms"] - t0 >= 800 - 5  # 2 x 400 ms beats the 200 ms buffer


def test_laggard_is_waited_for_then_named_and_skipped_at_the_timeout(make_app):
    app = make_app(START_TIMEOUT_MS=1500)  # long enough that a loaded machine does not time out early
    code, owner, bob, cat = room_of_three(app)
    entry_id = owner.emit("queue.add", {"video_id": VID1})["entry"]["id"]
    owner.emit("player.ready", {"entry_id": entry_id, "ready": True})
    bob.emit("player.ready", {"entry_id": entry_id, "ready": True})
    drain(owner, bob, cat)
    with app.app_context():
        assert run_due_rooms() == 0  # not yet: still waiting for Cat
    sync = owner.emit("room.sync")["room"]["playback"]
    assert sync["state"] == "starting" and sync["waiting_for"] == [cat.user["id"]]
    time.sleep(1.55)
    with app.app_context():
        assert run_due_rooms() == 1
    assert playbacks(bob)[-1]["state"] == "playing"
    lines = owner.system_lines()
    assert any("Started without Cat" in line for line in lines), lines


def test_start_now_is_for_operators_unless_anyone_may_control(app):
    code, owner, bob, cat = room_of_three(app)
    owner.emit("queue.add", {"video_id": VID1})
    refused = bob.emit("start_now")
    assert refused["ok"] is False and refused["error"] == "forbidden"
    ok = owner.emit("start_now")
    assert ok["ok"] and ok["playback"]["state"] == "playing"


@pytest.mark.parametrize("mode,ad_by,holds", [
    ("pause_all", "bob", True),
    ("off", "bob", False),
    ("operators_only", "bob", False),
    ("operators_only", "owner", True),
    ("starting_only", "bob", False),
])
def test_ad_while_playing_holds_per_mode(app, mode, ad_by, holds):
    code, owner, bob, cat = room_of_three(app, ad_sync_mode=mode)
    entry_id = start_entry(owner, bob, cat)
    drain(owner, bob, cat)
    who = {"bob": bob, "owner": owner}[ad_by]
    assert who.emit("player.ad", {"entry_id": entry_id, "active": True})["ok"]
    state = cat.emit("room.sync")["room"]["playback"]
    if holds:
        assert state["state"] == "midroll" and state["waiting_for"] == [who.user["id"]]
        held_at = state["position_ms"]
        released_at = now_ms()
        assert who.emit("player.ad", {"entry_id": entry_id, "active": False})["ok"]
        after = cat.emit("room.sync")["room"]["playback"]
        assert after["state"] == "playing" and after["position_ms"] == held_at  # resumes where it held
        assert after["anchor_ms"] >= released_at + app.config["ST"].PLAYBACK_START_BUFFER_MS  # a scheduled start
    else:
        assert state["state"] == "playing"
        assert who.user["id"] in state["in_ad"]


def test_starting_only_holds_the_start_for_an_ad(app):
    code, owner, bob, cat = room_of_three(app, ad_sync_mode="starting_only")
    entry_id = owner.emit("queue.add", {"video_id": VID1})["entry"]["id"]
    bob.emit("player.ad", {"entry_id": entry_id, "active": True})
    for g in (owner, bob, cat):
        g.emit("player.ready", {"entry_id": entry_id, "ready": True})
    pb = owner.emit("room.sync")["room"]["playback"]
    assert pb["state"] == "starting" and pb["waiting_for"] == [bob.user["id"]]
    bob.emit("player.ad", {"entry_id": entry_id, "active": False})
    bob.emit("player.ready", {"entry_id": entry_id, "ready": True})
    assert owner.emit("room.sync")["room"]["playback"]["state"] == "playing"


def test_ad_hold_times_out(make_app):
    app = make_app(AD_HOLD_TIMEOUT_MS=200)
    code, owner, bob, cat = room_of_three(app)
    entry_id = start_entry(owner, bob, cat)
    bob.emit("player.ad", {"entry_id": entry_id, "active": True})
    assert owner.emit("room.sync")["room"]["playback"]["state"] == "midroll"
    time.sleep(0.25)
    with app.app_context():
        assert run_due_rooms() == 1
    assert owner.emit("room.sync")["room"]["playback"]["state"] == "playing"


def test_participant_seek_refused_in_owner_only_and_nobody_sees_anything(app):
    code, owner, bob, cat = room_of_three(app, control_mode="owner_only")
    start_entry(owner, bob, cat)
    drain(owner, bob, cat)
    ack = bob.emit("seek", {"position_ms": 5000})
    assert ack == {"ok": False, "error": "forbidden", "message": ack["message"]}
    assert "owner" in ack["message"]
    assert owner.received() == [] and cat.received() == [] and bob.received() == []
    assert owner.emit("seek", {"position_ms": 5000})["ok"]
    assert playbacks(cat)[-1]["position_ms"] == 5000


def test_operator_promoted_by_owner_may_then_control(app):
    code, owner, bob, cat = room_of_three(app)
    start_entry(owner, bob, cat)
    assert bob.emit("pause")["error"] == "forbidden"
    assert owner.emit("member.role", {"user_id": bob.user["id"], "role": "operator"})["ok"]
    roles = {m["user_id"]: m["role"] for m in cat.received("presence.update")[-1]["members"]}
    assert roles[bob.user["id"]] == "operator"
    assert bob.emit("pause")["ok"]
    assert cat.emit("member.role", {"user_id": bob.user["id"], "role": "participant"})["error"] == "forbidden"


def test_thirty_clients_conflicting_commands_keep_versions_gapless(app):
    owner = sign_in(app, "Owner")
    code = create_room(app, owner, control_mode="any")["code"]
    owner.connect().join(code)
    start_entry(owner)
    listener = sign_in(app, "Listener")
    listener.connect().join(code)
    guests = [sign_in(app, f"G{i}") for i in range(30)]
    for g in guests:
        g.connect().join(code)
    drain(owner, listener, *guests)
    results: list[dict] = []
    lock = threading.Lock()

    def hammer(i, g):
        for n in range(3):
            cmd = [("pause", {}), ("seek", {"position_ms": 1000 * (i + 1) + n}), ("play", {})][(i + n) % 3]
            ack = g.emit(*cmd)
            with lock:
                results.append(ack)

    threads = [threading.Thread(target=hammer, args=(i, g)) for i, g in enumerate(guests)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r["ok"] for r in results), [r for r in results if not r["ok"]][:3]
    seen = [p["version"] for p in playbacks(listener)]
    assert seen == sorted(seen) and seen == list(range(seen[0], seen[0] + len(seen)))  # no gap, in order
    final = listener.emit("room.sync")["room"]["playback"]
    last_accepted = max((r["playback"] for r in results if r.get("playback")), key=lambda p: p["version"])
    assert final["version"] == seen[-1] == last_accepted["version"]
    assert {k: final[k] for k in ("state", "position_ms", "entry_id")} == \
        {k: last_accepted[k] for k in ("state", "position_ms", "entry_id")}


def test_simultaneous_ended_advances_exactly_once(app):
    code, owner, bob, cat = room_of_three(app)
    first = start_entry(owner, bob, cat, video=VID1)
    second = owner.emit("queue.add", {"video_id": VID2})["entry"]["id"]
    owner.emit("queue.add", {"video_id": VID3})
    drain(owner, bob, cat)
    barrier = threading.Barrier(3)

    def end(g):
        barrier.wait()
        assert g.emit("player.ended", {"entry_id": first})["ok"]

    threads = [threading.Thread(target=end, args=(g,)) for g in (owner, bob, cat)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    advanced = [p for p in playbacks(cat) if p["entry_id"] != first]
    assert len(advanced) == 1 and advanced[0]["entry_id"] == second and advanced[0]["state"] == "starting"
    queue = cat.emit("queue.load", {"history": 1})
    assert [e["id"] for e in queue["queue"] if e["status"] == "playing"] == [second]
    assert [e["status"] for e in queue["history"] if e["id"] == first] == ["played"]


def test_server_clock_advances_past_the_known_end(app):
    code, owner, bob, cat = room_of_three(app)
    entry_id = start_entry(owner, bob, cat)
    owner.emit("queue.add", {"video_id": VID2})
    assert owner.emit("player.duration", {"entry_id": entry_id, "duration_ms": 1000})["accepted"]
    time.sleep(1.0 + 0.2 + app.config["ST"].END_GRACE_MS / 1000 + 0.1)
    with app.app_context():
        assert run_due_rooms() == 1
    pb = owner.emit("room.sync")["room"]["playback"]
    assert pb["entry_id"] != entry_id and pb["state"] in ("starting", "playing")


def test_autoadvance_off_stops_and_says_so(app):
    code, owner, bob, cat = room_of_three(app, autoadvance=False)
    entry_id = start_entry(owner, bob, cat)
    owner.emit("queue.add", {"video_id": VID2})
    drain(owner, bob, cat)
    owner.emit("player.ended", {"entry_id": entry_id})
    pb = owner.emit("room.sync")["room"]["playback"]
    assert pb["state"] == "paused" and pb["entry_id"] == entry_id
    assert any("autoadvance is off" in line for line in bob.system_lines())


def test_room_survives_an_app_restart_playing_at_the_right_position(make_app, fresh_db_url):
    app = make_app(DATABASE_URL=fresh_db_url)
    owner = sign_in(app, "Owner")
    code = create_room(app, owner)["code"]
    owner.connect().join(code)
    start_entry(owner)
    before = owner.emit("room.sync")["room"]
    owner.sio.disconnect()
    time.sleep(0.4)
    app2 = make_app(DATABASE_URL=fresh_db_url)  # a new process on the same database
    g = sign_in(app2, "Later")
    g.connect()
    room = g.join(code)
    pb = room["playback"]
    assert pb["state"] == "playing" and pb["version"] >= before["playback"]["version"]
    now_pos = pb["position_ms"] + max(0, room["server_ms"] - pb["anchor_ms"]) * pb["rate"]
    b = before["playback"]
    was_scheduled = b["position_ms"] + max(0, room["server_ms"] - b["anchor_ms"]) * b["rate"]
    assert room["server_ms"] - b["anchor_ms"] > 150  # the clock really ran across the restart
    assert abs(now_pos - was_scheduled) <= 50


def test_every_change_is_audited_with_actor_and_before_after(app):
    import json

    from server.extensions import db
    from server.models import RoomAudit
    code, owner, bob, cat = room_of_three(app)
    start_entry(owner, bob, cat)
    owner.emit("pause")
    owner.emit("member.role", {"user_id": bob.user["id"], "role": "operator"})
    owner.emit("room.settings", {"control_mode": "owner_only"})
    owner.emit("member.kick", {"user_id": cat.user["id"]})
    with app.app_context():
        rows = {r.action: r for r in db.session.execute(db.select(RoomAudit)).scalars()}
    pause = rows["playback.pause"]
    assert pause.actor_id == owner.user["id"]
    assert json.loads(pause.before)["state"] == "playing" and json.loads(pause.after)["state"] == "paused"
    assert json.loads(rows["member.role"].after) == {str(bob.user["id"]): "operator"}
    assert json.loads(rows["room.settings"].after) == {"control_mode": "owner_only"}
    assert rows["member.kick"].actor_id == owner.user["id"]
