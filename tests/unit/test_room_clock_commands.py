"""Each playback command is declared once: its class carries its event, audit flag and system line,
and everything else (the transition table, the socket handler, audit, the chat line) follows."""
from __future__ import annotations

import pytest

import server.events  # noqa: F401  (declares every socket handler)
from server.domain import room_clock as clock
from server.domain.room_clock.commands import Command, Line, fmt_time
from server.domain.room_clock.transitions import handled_commands
from server.extensions import socketio

COMMANDS = sorted(Command.__subclasses__(), key=lambda c: c.__name__)
PAUSED = clock.Playback(state="paused", entry_id=7, video_id="aaaaaaaaaa1", position_ms=65_000, version=3)
PLAYING = clock.Playback(state="playing", entry_id=7, video_id="aaaaaaaaaa1", position_ms=65_000, version=4)


def socket_events() -> set[str]:
    return {name for name, _fn, ns in socketio.handlers if ns == "/"}


def test_every_command_has_exactly_one_transition():
    assert set(COMMANDS) == handled_commands()
    assert len(COMMANDS) >= 15


@pytest.mark.parametrize("command_type", COMMANDS, ids=lambda c: c.__name__)
def test_every_command_a_person_sends_has_its_own_socket_event(command_type):
    assert command_type.EVENT
    if not command_type.SERVER_CAUSED:
        assert command_type.EVENT in socket_events()


def test_the_audited_commands_are_the_controls():
    audited = {c.__name__ for c in COMMANDS if c.AUDITED}
    assert audited == {"Play", "Pause", "Seek", "Skip", "Restart", "SetRate", "StartNow", "PlayEntry", "VoteSkip",
                       "VoteClear"}
    assert clock.SetRate.audit_action() == "playback.setrate"


def test_server_caused_changes_carry_no_actor():
    assert {c.__name__ for c in COMMANDS if c.SERVER_CAUSED} == {"Tick", "MemberJoined", "MemberLeft", "LoadSegments",
                                                                 "VoteRecount"}
    ctx = clock.RoomContext(members=(clock.MemberView(4), clock.MemberView(5)),
                            next_entry=clock.EntryRef(7, "aaaaaaaaaa1", 60_000, 0))
    starting, _ = clock.apply(clock.Playback(), clock.Play(actor=4), ctx, 1_000)
    assert starting.state == "starting" and starting.actor_id == 4 and 5 in starting.waiting_for
    left, _ = clock.apply(starting, clock.MemberLeft(actor=5), clock.RoomContext(members=(clock.MemberView(4),)), 1_100)
    assert left.version == starting.version + 1 and 5 not in left.waiting_for and left.actor_id is None


def test_each_command_says_its_own_line():
    assert clock.Pause(actor=1).line(PLAYING, PAUSED) == Line("{actor} paused at 1:05")
    assert clock.Pause(actor=1).line(PAUSED, PAUSED) is None  # already paused: nothing to say
    assert clock.Play(actor=1).line(PAUSED, PLAYING) == Line("{actor} resumed at 1:05")
    assert clock.Skip(actor=1).line(PLAYING, clock.Playback()) == Line("{actor} skipped {entry}", 7)
    assert clock.SetRate(actor=1, rate=1.5).line(PLAYING, PLAYING.__class__(**{**PLAYING.__dict__, "rate": 1.5})) \
        == Line("{actor} set the speed to 1.5×")
    assert clock.Ready(actor=1, entry_id=7).line(PLAYING, PLAYING) is None


def test_the_transition_log_names_the_wire_event():
    line = clock.describe_transition(PLAYING, PAUSED, clock.SetRate(actor=3, rate=1.5))
    assert line.startswith("event=rate from=playing to=paused v=3 by=u3")
    assert clock.describe_transition(PLAYING, PLAYING, clock.Tick()).endswith("by=server")


@pytest.mark.parametrize("ms,text", [(0, "0:00"), (65_000, "1:05"), (3_723_000, "1:02:03"), (-5, "0:00")])
def test_positions_read_as_people_read_them(ms, text):
    assert fmt_time(ms) == text
