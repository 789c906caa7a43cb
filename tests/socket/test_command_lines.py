"""System chat lines of playback commands: each command class declares its own line
(server/domain/room_clock/commands.py); the server fills in names and titles."""
from __future__ import annotations

from tests.support.socket_clients import create_room, sign_in, system_texts


def room_with(app, *names, **settings):
    guests = [sign_in(app, n) for n in names]
    code = create_room(app, guests[0], **settings)["code"]
    for g in guests:
        g.connect().join(code)
    for g in guests:
        g.received()
    return code, guests


def test_every_playback_control_says_its_own_line_and_reports_say_nothing(app):
    """The lines each command class declares, with names and titles filled in by the server."""
    code, (owner, bob) = room_with(app, "Owner", "Bob")
    first = owner.emit("queue.add", {"video_id": "aaaaaaaaaa1", "title": "Song"})["entry"]["id"]
    second = owner.emit("queue.add", {"video_id": "bbbbbbbbbb2", "title": "Tune"})["entry"]["id"]
    third = owner.emit("queue.add", {"video_id": "ccccccccccc", "title": "Hymn"})["entry"]["id"]
    for g in (owner, bob):
        g.emit("player.ready", {"entry_id": first, "ready": True})
    assert owner.emit("pause", {"position_ms": 0})["ok"]
    bob.received()
    for event, payload in [("play", {}), ("rate", {"rate": 1.5}), ("restart", {}), ("skip", {}),
                           ("queue.play", {"entry_id": third}), ("start_now", {})]:
        ack = owner.emit(event, payload)
        assert ack["ok"], (event, ack)
    events = bob.events()
    texts = system_texts(events)
    assert texts[0].startswith("Owner resumed at 0:0")
    assert texts[1:5] == ["Owner set the speed to 1.5×", "Owner restarted the video", "Owner skipped “Song”",
                          "Owner played “Hymn” now"]
    assert texts[5] == "Owner started without waiting for Owner and Bob"  # nobody was ready for Hymn
    assert len(texts) == 6 and second  # player reports (ready) said nothing
    # each line came inside its change's room.playback: no chat.message frame of its own, and
    # chat history has every line
    assert [n for n, d in events if n == "chat.message"] == []
    notes = [(d["version"], d["notes"]) for n, d in events if n == "room.playback" and d.get("notes")]
    assert len(notes) == 6 and all(m["kind"] == "system" and m["name"] == "ShareTube" and m["id"]
                                   for _v, ms in notes for m in ms)
    history = [m["text"] for m in owner.emit("chat.history", {})["messages"] if m["kind"] == "system"]
    assert history[-6:] == texts


def test_a_change_and_its_line_commit_together(app, monkeypatch):
    """A command's line is stored in the change's own transaction (issue 15: one commit per
    command) and sent inside its room.playback (`notes`): if the line cannot be stored, the change
    is not made either (nobody reads about a change that did not happen, and no change lacks its
    line in chat history); the sender is told to retry."""
    from server.services import system_messages
    code, (owner, bob) = room_with(app, "Owner", "Bob")
    entry = owner.emit("queue.add", {"video_id": "aaaaaaaaaa1", "title": "Song"})["entry"]["id"]
    for g in (owner, bob):
        g.emit("player.ready", {"entry_id": entry, "ready": True})
    bob.received()
    stored = system_messages.insert_line
    broken = lambda room_id, *rest: stored(None, *rest)  # noqa: E731  (NOT NULL refuses it)
    monkeypatch.setattr(system_messages, "insert_line", broken)
    before = owner.emit("room.sync")["room"]["playback"]
    ack = owner.emit("seek", {"position_ms": 42_000})
    assert ack["ok"] is False and ack["error"] == "unavailable"
    # (the entry's metadata look-up may send a queue.update meanwhile: not the subject)
    assert [n for n, _d in bob.events() if n in ("room.playback", "chat.message")] == []
    assert owner.emit("room.sync")["room"]["playback"]["version"] == before["version"]
    monkeypatch.undo()
    assert owner.emit("seek", {"position_ms": 42_000})["ok"]  # the room keeps working
    got = bob.events()
    playbacks = [d for n, d in got if n == "room.playback"]
    assert [d["position_ms"] for d in playbacks] == [42_000]
    assert [m["text"] for m in playbacks[0]["notes"]] == ["Owner jumped to 0:42"]
    assert [d for n, d in got if n == "chat.message"] == [], "the line rode in its room.playback"


def test_a_line_said_after_its_change_that_cannot_be_stored_is_dropped_and_the_change_stands(app, monkeypatch):
    """announce: a join's "… joined" is said after the join is committed; if the line cannot be
    stored (its INSERT refused), the join still stands, nothing half-written is sent, and the
    session is clean for what comes next."""
    from server.services import system_messages
    from tests.support.socket_clients import sign_in
    code, (owner,) = room_with(app, "Owner")
    stored = system_messages.insert_line
    monkeypatch.setattr(system_messages, "insert_line", lambda room_id, *rest: stored(None, *rest))
    bob = sign_in(app, "Bob")
    bob.connect().join(code)
    assert [m["name"] for m in owner.emit("room.sync")["room"]["members"]] == ["Owner", "Bob"], "the join stands"
    assert system_texts(owner.events()) == [], "no line for a line not stored"
    monkeypatch.undo()
    assert owner.emit("chat.send", {"text": "hi Bob"})["ok"], "the session is clean afterwards"
    history = [(m["kind"], m["text"]) for m in owner.emit("chat.history", {})["messages"]]
    assert history == [("system", "Owner joined"), ("text", "hi Bob")]
