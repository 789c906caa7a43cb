"""Every state x every command, a 500-step random walk, and the Playback's wire/record shapes."""

from __future__ import annotations

import json
import random
from dataclasses import fields

import pytest

from server.domain.constants import MAX_RATE, MIN_RATE
from server.domain.room_clock import (
    STATES,
    Ad,
    Command,
    Duration,
    Ended,
    EntryRef,
    LoadSegments,
    MemberJoined,
    MemberLeft,
    MemberView,
    Pause,
    Play,
    Playback,
    PlayEntry,
    Ready,
    Refused,
    Restart,
    RoomContext,
    Seek,
    SetRate,
    Skip,
    Stall,
    StartNow,
    Tick,
    VoteClear,
    VoteRecount,
    VoteSkip,
    apply,
    describe_transition,
)
from server.domain.segments import Segment

NOW = 5_000_000
OWNER, BOB, NEWCOMER = 1, 2, 3
CURRENT = EntryRef(10, "vid10aaaaaa", 60_000)
CTX = RoomContext(
    members=(MemberView(OWNER, "owner", 40), MemberView(BOB, "participant", 150)),
    next_entry=EntryRef(11, "vid11aaaaaa", 120_000),
)
# fmt: off
ON_ENTRY = {"entry_id": CURRENT.id, "video_id": CURRENT.video_id, "duration_ms": 60_000, "version": 5}
ROOMS = {
    "idle": Playback(version=5),
    "starting": Playback(
        state="starting", position_ms=5_000, anchor_ms=NOW - 500, hold="start", then="playing",
        waiting_for=(OWNER, BOB), deadline_ms=NOW + 7_500, **ON_ENTRY,  # type: ignore[arg-type]
    ),
    "playing": Playback(state="playing", position_ms=10_000, anchor_ms=NOW - 5_000, **ON_ENTRY),  # type: ignore[arg-type]
    "paused": Playback(state="paused", position_ms=20_000, anchor_ms=NOW - 9_000, **ON_ENTRY),  # type: ignore[arg-type]
    "midroll": Playback(
        state="midroll", position_ms=15_000, anchor_ms=NOW - 2_000, hold="ad", then="playing",
        waiting_for=(BOB,), in_ad=(BOB,), deadline_ms=NOW + 100_000, **ON_ENTRY,  # type: ignore[arg-type]
    ),
}
COMMANDS: dict[str, Command] = {
    "play": Play(OWNER),
    "pause": Pause(OWNER),
    "seek": Seek(OWNER, 30_000),
    "skip": Skip(OWNER),
    "restart": Restart(OWNER),
    "rate": SetRate(OWNER, 1.5),
    "start_now": StartNow(OWNER),
    "play_entry": PlayEntry(OWNER, EntryRef(20, "vid20aaaaaa", 90_000)),
    "ready": Ready(BOB, CURRENT.id),
    "ad": Ad(OWNER, CURRENT.id, True),
    "ended": Ended(OWNER, CURRENT.id),  # far from the end: stale everywhere
    "duration": Duration(OWNER, CURRENT.id, 61_000),
    "joined": MemberJoined(NEWCOMER),
    "left": MemberLeft(BOB),
    "tick": Tick(),
}
SAME = "same"  # the very same Playback object back, no effects
# state -> command -> resulting state (bumped version), SAME, or a refusal code
TABLE: dict[str, dict[str, str]] = {
    "idle": {
        "play": "starting", "pause": SAME, "seek": "conflict", "skip": "conflict",
        "restart": "conflict", "rate": "idle", "start_now": "conflict", "play_entry": "starting",
        "ready": SAME, "ad": SAME, "ended": SAME, "duration": SAME, "joined": SAME,
        "left": SAME, "tick": SAME,
    },
    "starting": {
        "play": SAME, "pause": "paused", "seek": "starting", "skip": "starting",
        "restart": "starting", "rate": "starting", "start_now": "playing",
        "play_entry": "starting", "ready": "starting", "ad": "starting", "ended": SAME,
        "duration": "starting", "joined": "starting", "left": "starting", "tick": SAME,
    },
    "playing": {
        "play": SAME, "pause": "paused", "seek": "playing", "skip": "starting",
        "restart": "playing", "rate": "playing", "start_now": "conflict",
        "play_entry": "starting", "ready": SAME, "ad": "midroll", "ended": SAME,
        "duration": "playing", "joined": SAME, "left": SAME, "tick": SAME,
    },
    "paused": {
        "play": "playing", "pause": SAME, "seek": "paused", "skip": "starting",
        "restart": "paused", "rate": "paused", "start_now": "conflict",
        "play_entry": "starting", "ready": SAME, "ad": "paused", "ended": SAME,
        "duration": "paused", "joined": SAME, "left": SAME, "tick": SAME,
    },
    "midroll": {
        "play": SAME, "pause": "paused", "seek": "midroll", "skip": "starting",
        "restart": "midroll", "rate": "midroll", "start_now": "playing",
        "play_entry": "starting", "ready": SAME, "ad": "midroll", "ended": SAME,
        "duration": "midroll", "joined": SAME, "left": "playing", "tick": SAME,
    },
}
# fmt: on
CASES = [(state, name, TABLE[state][name]) for state in STATES for name in COMMANDS]


def test_the_table_covers_every_state_and_command() -> None:
    assert set(TABLE) == set(STATES) and len(CASES) == 5 * 15
    assert all(set(row) == set(COMMANDS) for row in TABLE.values())


@pytest.mark.parametrize(("state", "name", "expected"), CASES)
def test_state_by_command(state: str, name: str, expected: str) -> None:
    before, command = ROOMS[state], COMMANDS[name]
    if expected in ("conflict", "invalid", "not_found"):
        with pytest.raises(Refused) as refused:
            apply(before, command, CTX, NOW)
        assert refused.value.code == expected
        return
    after, effects = apply(before, command, CTX, NOW)
    if expected == SAME:
        assert after is before and effects == []
        return
    assert (after.state, after.version) == (expected, before.version + 1)
    if not command.may_change(before):  # the runner skips it without reading the members
        assert expected == SAME, (state, name)
    server_caused = isinstance(command, (Tick, MemberJoined, MemberLeft))
    assert after.actor_id == (None if server_caused else command.actor)


# --- a random walk never leaves the valid states -------------------------------------------


def random_context(rng: random.Random) -> RoomContext:
    users = rng.sample(range(1, 6), rng.randint(0, 4))
    roles = ("owner", "operator", "participant")
    members = tuple(
        MemberView(user, rng.choice(roles), rng.choice((0, 30, 120, 400)), rng.choice((None, 10**13)))
        for user in users
    )
    next_entry = rng.choice(
        (None, EntryRef(rng.randint(1, 9), "vidxxxxxxxx", rng.choice((None, 90_000))))
    )
    return RoomContext(
        members=members,
        vote_skip_ratio=rng.choice((0.1, 0.5, 0.75, 1.0)),
        ad_sync_mode=rng.choice(
            ("off", "pause_all", "operators_only", "starting_only")
        ),
        autoadvance=rng.random() < 0.7,
        buffer_policy=rng.choice(("catch_up", "wait", "wait", "ignore")),
        next_entry=next_entry,
    )


def random_command(rng: random.Random, pb: Playback) -> Command:
    user = rng.randint(1, 5)
    entry_id = rng.choice((pb.entry_id, pb.entry_id, rng.randint(1, 9)))
    makers = (
        lambda: Play(user),
        lambda: Pause(user, rng.choice((None, rng.randint(-1_000, 200_000)))),
        lambda: Seek(
            user, rng.randint(-5_000, 200_000), rng.choice((None, True, False))
        ),
        lambda: Skip(user),
        lambda: Restart(user),
        lambda: SetRate(user, rng.choice((0.1, 0.25, 0.5, 1.0, 1.75, 2.0, 3.0))),
        lambda: StartNow(user),
        lambda: PlayEntry(
            user,
            EntryRef(
                rng.randint(1, 9),
                "vidyyyyyyyy",
                rng.choice((None, 30_000)),
                rng.choice((0, 4_000)),
            ),
        ),
        lambda: Ready(user, entry_id, rng.random() < 0.8),
        lambda: Ad(user, entry_id, rng.random() < 0.5),
        lambda: Ended(user, entry_id),
        lambda: Duration(user, entry_id, rng.choice((0, 20_000, 95_000))),
        lambda: MemberJoined(user),
        lambda: MemberLeft(user),
        lambda: Tick(),
        lambda: Stall(user, entry_id, rng.random() < 0.6),
        lambda: LoadSegments(None, entry_id, rng.choice(((), (Segment(12_000, 20_000, "sponsor"),)))),
        lambda: VoteSkip(user, rng.choice((None, entry_id))),
        lambda: VoteClear(user),
        lambda: VoteRecount(None),
    )
    return rng.choice(makers)()


def assert_valid(pb: Playback) -> None:
    assert pb.state in STATES
    held = pb.state in ("starting", "midroll")
    assert bool(pb.waiting_for) == held, pb
    assert (pb.deadline_ms is not None) == held, pb
    assert pb.hold in {"starting": ("start",), "midroll": ("ad", "buffer")}.get(pb.state, (None,)), pb
    assert pb.stalled == () or pb.entry_id is not None, pb
    assert (pb.then in ("playing", "paused")) == held, pb
    assert pb.ready == () or pb.state == "starting", pb
    assert (pb.entry_id is None) == (pb.state == "idle"), pb
    assert pb.position_ms >= 0 and MIN_RATE <= pb.rate <= MAX_RATE
    assert list(pb.waiting_for) == sorted(set(pb.waiting_for))
    assert list(pb.skip_votes) == sorted(set(pb.skip_votes)) and (pb.skip_votes == () or pb.entry_id is not None)


@pytest.mark.parametrize("seed", [7, 2024])
def test_a_thousand_random_commands_keep_the_clock_valid(seed: int) -> None:
    rng = random.Random(seed)
    pb, now, changes, visited = Playback(), NOW, 0, set()
    for _ in range(1_000):
        now += rng.choice((0, 5, 200, 3_000, 20_000, 130_000))
        command = random_command(rng, pb)
        try:
            after, effects = apply(pb, command, random_context(rng), now)
        except Refused as refused:
            assert refused.code in ("invalid", "conflict", "not_found")
            continue
        if not command.may_change(pb):  # the runner skips such a command without reading members
            assert after is pb and effects == [], (pb.state, command)
        if after is pb:
            assert effects == []
        else:
            assert after.version == pb.version + 1 and after != pb
            changes += 1
        assert_valid(after)
        visited.add(after.state)
        assert Playback.from_record(json.loads(json.dumps(after.to_record()))) == after
        pb = after
    assert changes > 100 and visited == set(STATES)  # the walk really went everywhere


# --- wire and record shapes ----------------------------------------------------------------


@pytest.mark.parametrize("state", STATES)
def test_a_record_round_trips_through_json(state: str) -> None:
    pb = ROOMS[state]
    assert Playback.from_record(json.loads(json.dumps(pb.to_record()))) == pb
    assert set(pb.to_record()) == {spec.name for spec in fields(Playback)}


def test_a_record_takes_defaults_and_ignores_unknown_keys() -> None:
    pb = Playback.from_record(
        {"state": "paused", "entry_id": 4, "in_ad": [3, 1], "rate": 1, "later_field": 1}
    )
    assert (pb.state, pb.entry_id, pb.in_ad, pb.rate, pb.version) == (
        "paused",
        4,
        (3, 1),
        1.0,
        0,
    )


def test_a_record_with_an_unknown_state_is_rejected() -> None:
    with pytest.raises(ValueError):
        Playback.from_record({"state": "buffering"})


def test_the_wire_shape_is_the_protocol_playback() -> None:
    wire = ROOMS["midroll"].to_wire()
    assert list(wire) == [
        "state",
        "entry_id",
        "video_id",
        "position_ms",
        "anchor_ms",
        "rate",
        "version",
        "actor_id",
        "deadline_ms",
        "waiting_for",
        "duration_ms",
        "in_ad",
        "hold",
        "stalled",
        "segments",
        "skip_votes",
    ]
    assert (wire["waiting_for"], wire["in_ad"], wire["hold"]) == ([BOB], [BOB], "ad")
    json.dumps(wire)


def test_a_transition_is_logged_from_and_to_with_who_did_it() -> None:
    after, _ = apply(ROOMS["playing"], Pause(OWNER), CTX, NOW)
    line = describe_transition(ROOMS["playing"], after, Pause(OWNER))
    assert line == "event=pause from=playing to=paused v=6 by=u1"
    assert describe_transition(after, after, Tick()).endswith("by=server")
