"""Which reported durations may change an entry (issue 14 finding 2): plausible and agreed."""
from __future__ import annotations

import pytest

from server.domain.constants import DURATION_AGREE_MS, MIN_PLAUSIBLE_DURATION_MS
from server.domain.duration_trust import DurationReport, DurationReports, judge_duration

PLAYER = dict(operator=False, shows_video=True)  # a participant's extension showing the current entry
BYSTANDER = dict(operator=False, shows_video=False)  # a participant about a queued entry / a remote
OPERATOR = dict(operator=True, shows_video=False)


def report(ms: int, who: dict, user: int = 7) -> DurationReport:
    return DurationReport(user, ms, **who)


@pytest.mark.parametrize("ms", [1, 500, MIN_PLAUSIBLE_DURATION_MS - 1])
def test_implausible_durations_are_refused_from_anyone(ms: int) -> None:
    for who in (PLAYER, OPERATOR):
        assert judge_duration(None, report(ms, who), {}).reason == "implausible"


def test_a_duration_before_where_the_room_already_is_is_refused() -> None:
    verdict = judge_duration(None, report(30_000, PLAYER), {}, room_position_ms=90_000)
    assert (verdict.accept, verdict.reason) == (False, "implausible")
    assert judge_duration(None, report(30_000, PLAYER), {}, room_position_ms=29_000).accept


def test_the_first_duration_comes_from_a_player_of_the_video_or_an_operator() -> None:
    assert judge_duration(None, report(200_000, PLAYER), {}).accept
    assert judge_duration(None, report(200_000, OPERATOR), {}).accept
    # a participant cannot poison a queued entry in advance
    verdict = judge_duration(None, report(2_000, BYSTANDER), {})
    assert (verdict.accept, verdict.reason) == (False, "not_a_player_of_it")


def test_a_single_report_never_shortens_a_known_duration() -> None:
    for who in (PLAYER, OPERATOR):
        verdict = judge_duration(200_000, report(5_000, who), {})
        assert (verdict.accept, verdict.reason) == (False, "needs_agreement")


def test_a_second_reporter_agreeing_changes_it() -> None:
    others = {8: 150_000 + DURATION_AGREE_MS}  # another user saw the same (within the tolerance)
    assert judge_duration(200_000, report(150_000, PLAYER), others).reason == "agreed"
    assert not judge_duration(200_000, report(150_000, PLAYER), {8: 100_000}).accept
    # the same user twice is not agreement
    assert not judge_duration(200_000, report(150_000, PLAYER, user=8), {8: 150_000}).accept


def test_an_operator_may_lengthen_a_participant_may_not_alone() -> None:
    assert judge_duration(200_000, report(260_000, OPERATOR), {}).reason == "operator"
    assert not judge_duration(200_000, report(260_000, PLAYER), {}).accept


def test_the_same_duration_again_changes_nothing() -> None:
    assert judge_duration(200_000, report(200_400, PLAYER), {}).reason == "unchanged"


def test_reports_are_kept_per_entry_and_user_and_bounded() -> None:
    reports = DurationReports(max_entries=3)
    reports.record(1, 7, 100)
    reports.record(1, 8, 200)
    assert reports.others(1, 7) == {8: 200}
    for entry in range(2, 6):
        reports.record(entry, 7, 1)
    assert reports.others(1, 9) == {}  # the oldest entry was forgotten
