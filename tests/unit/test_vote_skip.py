"""Vote-skip in the room clock (pure): distinct votes on the current entry, the threshold over
watching members, idle members, the voter counting, the veto, a recount, and a new entry
clearing the votes. Also the reaction rules (allow-list, position against the duration)."""
from __future__ import annotations

import pytest

from server.domain.constants import REACTION_EMOJI, VOTE_SKIP_ACTIVE_MS
from server.domain.reactions import reaction_refusal
from server.domain.room_clock import (
    Advanced,
    EntryRef,
    MemberView,
    Playback,
    Refused,
    RoomContext,
    Skip,
    VoteClear,
    VoteRecount,
    VoteSkip,
    apply,
)
from server.domain.room_clock.votes import tally, votes_needed, watching

NOW = 10_000_000
OWNER, BOB, CAT, DAN = 1, 2, 3, 4
PLAYING = Playback(state="playing", entry_id=10, video_id="vid10aaaaaa", position_ms=5_000, anchor_ms=NOW - 1_000,
                   duration_ms=60_000, version=3)
NEXT = EntryRef(11, "vid11aaaaaa", 90_000)


def ctx(ratio: float = 0.5, idle: tuple[int, ...] = ()) -> RoomContext:
    """Four members with a player; those in `idle` last reported 31 s ago."""
    members = tuple(MemberView(uid, "owner" if uid == OWNER else "participant", 20,
                               NOW - (VOTE_SKIP_ACTIVE_MS + 1_000 if uid in idle else 2_000))
                    for uid in (OWNER, BOB, CAT, DAN))
    return RoomContext(members=members, next_entry=NEXT, vote_skip_ratio=ratio)


@pytest.mark.parametrize(("ratio", "count", "needed"), [
    (0.5, 4, 2), (0.5, 5, 3), (0.5, 1, 1), (0.5, 0, 1), (0.7, 10, 7), (1.0, 3, 3), (0.1, 3, 1), (0.34, 3, 2),
])
def test_votes_needed_is_the_ceiling_of_ratio_times_watching(ratio, count, needed):
    assert votes_needed(ratio, count) == needed


def test_watching_is_recent_players_and_every_voter():
    members = ctx(idle=(CAT,)).members + (MemberView(9, "participant", 0, None),)
    assert watching(members, (), NOW) == {OWNER, BOB, DAN}, "idle and never-reported players do not count"
    assert watching(members, (CAT, 12), NOW) == {OWNER, BOB, DAN, CAT, 12}, "a voter always counts"
    exactly = (MemberView(5, "participant", 0, NOW - VOTE_SKIP_ACTIVE_MS),)
    assert watching(exactly, (), NOW) == {5}, "30 s ago still counts"


def test_distinct_votes_skip_the_current_entry_at_the_threshold():
    one, effects = apply(PLAYING, VoteSkip(BOB, 10), ctx(), NOW)
    assert one.skip_votes == (BOB,) and one.entry_id == 10 and one.version == 4 and effects == []
    same, effects = apply(one, VoteSkip(BOB), ctx(), NOW)
    assert same is one and effects == [], "a member votes once per entry"
    two, effects = apply(one, VoteSkip(CAT), ctx(), NOW)
    assert two.entry_id == NEXT.id and two.state == "starting" and two.skip_votes == ()
    assert effects[0] == Advanced(10, "skipped", NEXT.id)
    assert two.actor_id == CAT
    assert VoteSkip(CAT).line(one, two).template == "The room voted to skip {entry} (2 votes)"
    assert VoteSkip(BOB).line(PLAYING, one) is None


def test_idle_members_do_not_block():
    one, _ = apply(PLAYING, VoteSkip(BOB), ctx(idle=(CAT, DAN)), NOW)
    assert one.entry_id == NEXT.id, "Owner and Bob watch: one vote of two is half"
    assert tally((BOB,), ctx(idle=(CAT, DAN)).members, 0.5, NOW).passed


def test_the_last_entry_skipped_by_vote_leaves_the_room_idle():
    alone = RoomContext(members=ctx().members, vote_skip_ratio=0.25)
    after, effects = apply(PLAYING, VoteSkip(BOB), alone, NOW)
    assert after.state == "idle" and after.skip_votes == () and effects[0] == Advanced(10, "skipped", None)


def test_refusals():
    with pytest.raises(Refused) as idle:
        apply(Playback(version=1), VoteSkip(BOB), ctx(), NOW)
    assert idle.value.code == "conflict"
    with pytest.raises(Refused) as stale:
        apply(PLAYING, VoteSkip(BOB, 9), ctx(), NOW)
    assert stale.value.code == "conflict"


def test_any_change_of_entry_clears_the_votes():
    one, _ = apply(PLAYING, VoteSkip(BOB), ctx(ratio=1.0), NOW)
    skipped, _ = apply(one, Skip(OWNER), ctx(ratio=1.0), NOW)
    assert skipped.entry_id == NEXT.id and skipped.skip_votes == ()
    paused, _ = apply(one, VoteSkip(CAT), ctx(ratio=1.0), NOW)
    assert paused.skip_votes == (BOB, CAT), "kept while the entry plays on"


def test_the_veto_and_a_recount():
    two, _ = apply(PLAYING, VoteSkip(BOB), ctx(ratio=1.0), NOW)
    two, _ = apply(two, VoteSkip(CAT), ctx(ratio=1.0), NOW)
    cleared, _ = apply(two, VoteClear(OWNER), ctx(), NOW)
    assert cleared.skip_votes == () and cleared.entry_id == 10 and cleared.actor_id == OWNER
    assert apply(cleared, VoteClear(OWNER), ctx(), NOW)[0] is cleared, "nothing to clear"
    assert apply(two, VoteRecount(None), ctx(ratio=1.0), NOW)[0] is two, "still not enough"
    recounted, effects = apply(two, VoteRecount(None), ctx(ratio=0.5), NOW)
    assert recounted.entry_id == NEXT.id and recounted.actor_id is None and effects[0].to_entry_id == NEXT.id


def test_reaction_rules():
    assert all(reaction_refusal(e, 0, 60_000) is None for e in REACTION_EMOJI)
    assert reaction_refusal("👍", 60_000, 60_000) is None
    assert reaction_refusal("👍", 10**9, None) is None, "an unknown duration bounds nothing"
    assert "past the end" in (reaction_refusal("👍", 60_001, 60_000) or "")
    assert reaction_refusal("👍", -1, None)
    assert reaction_refusal("👍", True, None), "a bool is not a position"  # type: ignore[arg-type]
    assert reaction_refusal("💩", 0, None)
