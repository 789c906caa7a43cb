"""The room skips a sponsor segment for everyone (issue 13, item 5, setting skip_segments).

A real server asks a local SponsorBlock-compatible stub for the video's segments once Alice ticks
"Sponsor" in the room settings; when the room's clock reaches the segment, the server's own clock
moves the room past it with a scheduled start, and both viewers jump together.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from extension_helpers import (
    BROWSER_SIDE,
    Profile,
    close_panel,
    open_panel,
    press_on_player,
    two_viewer_room,
    video_state,
    wait_in_sync,
    wait_until,
)
from harness.browser import sample_playback
from harness.fake_youtube import FakeYouTube

from server.domain.segments import hash_prefix
from tests.support.sponsorblock_stub import SegmentApiStub

# The database side runs on both databases in tests/socket/test_segments.py.
pytestmark = BROWSER_SIDE

FIRST = "stSkipRoom1"
SPONSOR = (11.0, 19.0)


@pytest.fixture(scope="module")
def room(playwright_instance: Any, fake_youtube: FakeYouTube, db_templates: Any,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Profile, Profile, SegmentApiStub]]:
    api = SegmentApiStub().start()
    api.set_segments(FIRST, [("sponsor", *SPONSOR), ("outro", 26.0, 30.0)])
    try:
        with two_viewer_room(playwright_instance, fake_youtube, tmp_path_factory, db_templates=db_templates,
                             server_env={"SPONSORBLOCK_API_URL": api.url},
                             video_id=FIRST, title="Sponsored video") as viewers:
            yield viewers.alice, viewers.bob, api
    finally:
        api.stop()


def test_ticking_sponsor_makes_the_room_skip_the_segment_for_everyone_at_once(room) -> None:
    alice, bob, api = room
    pages = [alice.page, bob.page]
    close_panel(bob.page)
    alice.page.click(".ytp-play-button")
    wait_in_sync(pages, playing=False, timeout_s=6)
    press_on_player(alice, "2")  # 6 s of 30
    open_panel(alice.page)
    alice.page.check("[data-testid=st-skip-segments] input[value=sponsor]")
    wait_until(lambda: len(api.requests) == 1, timeout_s=5, what="the server to ask the segment API")
    assert api.requests[0].startswith(f"/api/skipSegments/{hash_prefix(FIRST)}?categories=")
    assert FIRST not in api.requests[0]
    close_panel(alice.page)
    press_on_player(alice, "k")
    wait_in_sync(pages, playing=True, timeout_s=8)
    assert video_state(alice.page)["t"] < SPONSOR[0] - 2

    # Watch both players across the segment's start: neither plays into it, both land at its end.
    seen: list[tuple[float, float]] = []
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        a, b = sample_playback(pages)
        seen.append((a.current_time_s, b.current_time_s))
        if min(a.current_time_s, b.current_time_s) > SPONSOR[1] + 1:
            break
        time.sleep(0.05)
    inside = [pair for pair in seen if any(SPONSOR[0] + 0.6 < t < SPONSOR[1] - 0.1 for t in pair)]
    assert not inside, f"a player played into the sponsor segment: {inside[:5]}"
    assert min(seen[-1]) > SPONSOR[1], f"the room did not get past the segment: {seen[-3:]}"
    wait_in_sync(pages, playing=True, timeout_s=4)
    log = alice.page.locator("[data-testid=st-chat-log]")
    open_panel(alice.page)
    wait_until(lambda: "Skipped the sponsor segment 0:11–0:19 for everyone" in (log.text_content() or ""),
               timeout_s=4, what="the system line about the skip")
