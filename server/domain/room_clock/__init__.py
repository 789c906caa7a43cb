"""The room clock (pure): the playback model, commands and effects, and `apply`.

    model.py        Playback, RoomContext, MemberView, EntryRef, Refused
    commands.py     what may be asked of the clock (commands) and what it asks back (effects)
    transitions.py  apply(playback, command, context, now_ms) and the handler of each command
    holds.py        starting/midroll holds, scheduled starts, the end of an entry
    members.py      ready, ad and member reports
    buffering.py    stall reports under buffer_policy "wait" (buffer holds)
    skips.py        segments skipped for everyone (skip_segments)
    votes.py        vote-skip: who counts and how many votes a skip needs

Nothing here reads a clock, a database or a socket; callers import from this package.
"""

from server.domain.room_clock.commands import (
    ADVANCE_STATUSES,
    SYSTEM_KINDS,
    Ad,
    Advanced,
    Command,
    Duration,
    Effect,
    Ended,
    HoldChanged,
    LoadSegments,
    MemberJoined,
    MemberLeft,
    Pause,
    Play,
    PlayEntry,
    Ready,
    Restart,
    Seek,
    SetRate,
    Skip,
    Stall,
    StartNow,
    System,
    Tick,
    VoteClear,
    VoteRecount,
    VoteSkip,
)
from server.domain.room_clock.holds import lead_ms
from server.domain.room_clock.model import STATES, EntryRef, MemberView, Playback, Refused, RoomContext
from server.domain.room_clock.transitions import apply, describe_transition, next_due_ms

__all__ = [
    "ADVANCE_STATUSES",
    "STATES",
    "SYSTEM_KINDS",
    "Ad",
    "Advanced",
    "Command",
    "Duration",
    "Effect",
    "Ended",
    "EntryRef",
    "HoldChanged",
    "MemberJoined",
    "MemberLeft",
    "MemberView",
    "Pause",
    "Play",
    "PlayEntry",
    "Playback",
    "Ready",
    "Refused",
    "Restart",
    "RoomContext",
    "Seek",
    "SetRate",
    "LoadSegments",
    "Skip",
    "Stall",
    "StartNow",
    "System",
    "Tick",
    "VoteClear",
    "VoteRecount",
    "VoteSkip",
    "apply",
    "describe_transition",
    "lead_ms",
    "next_due_ms",
]
