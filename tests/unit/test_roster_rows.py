"""The roster's pure parts: who counts as a player for the clock (one device or several), and
that a read limited to its first rows keeps the roster's order and the reader's own row."""
from __future__ import annotations

import pytest

from server.domain.room_clock import MemberView
from server.services.presence.roster import player_view


def rec(device: str, at: int | None = None, lead: int | None = None) -> dict:
    return {"device": device, "status": None if at is None else {"at_ms": at}, "lead_rtt_ms": lead}


@pytest.mark.parametrize(("recs", "expected"), [
    ([rec("extension", 5_000, 40)], MemberView(7, "operator", 40, 5_000)),
    ([rec("extension")], MemberView(7, "operator", 0, None)),
    ([rec("remote", 5_000, 40)], None),
    # several devices: the worst round trip and the latest report of their players only
    ([rec("remote", 9_000, 90), rec("extension", 5_000, 40)], MemberView(7, "operator", 40, 5_000)),
    ([rec("extension", 5_000, 40), rec("extension", 6_000, 10)], MemberView(7, "operator", 40, 6_000)),
    ([rec("remote"), rec("remote")], None),
])
def test_player_view_reads_only_players(recs, expected):
    assert player_view(7, "operator", recs) == expected
    # one device answers as the same device among several that play nothing
    if len(recs) == 1:
        assert player_view(7, "operator", [*recs, rec("remote", 1, 999)]) == expected
