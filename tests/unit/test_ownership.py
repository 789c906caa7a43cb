"""Who takes an away owner's room (server/domain/ownership.py), and when."""
from __future__ import annotations

from server.domain.ownership import Candidate, owner_away_long_enough, successor


def test_away_means_no_socket_for_the_whole_time_and_zero_turns_it_off():
    assert owner_away_long_enough(False, 1_000, 61_000, 60_000)
    assert not owner_away_long_enough(False, 1_000, 60_999, 60_000)
    assert not owner_away_long_enough(True, 1_000, 10**9, 60_000), "present: never"
    assert not owner_away_long_enough(False, 1_000, 10**9, 0), "0 turns the hand-over off"
    assert owner_away_long_enough(False, None, 60_000, 60_000), "never seen: away since the epoch"


def test_the_longest_present_operator_wins_else_the_longest_present_member():
    ops = [Candidate(5, "participant", 100), Candidate(7, "operator", 300), Candidate(6, "operator", 200)]
    assert successor(ops, owner_id=1) == 6
    members = [Candidate(9, "participant", 300), Candidate(8, "participant", 200)]
    assert successor(members, owner_id=1) == 8
    tie = [Candidate(4, "participant", 200), Candidate(3, "participant", 200)]
    assert successor(tie, owner_id=1) == 3, "a tie: lower id"


def test_the_owner_and_unknown_roles_are_never_chosen():
    assert successor([Candidate(1, "owner", 0)], owner_id=1) is None
    assert successor([Candidate(1, "participant", 0), Candidate(2, "admin", 0)], owner_id=1) is None
    assert successor([], owner_id=1) is None
