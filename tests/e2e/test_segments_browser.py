"""Another extension that moves the video (issue 13, item 5), in the browser.

A page script on Bob's tab acts as SponsorBlock does: whenever the video is inside a sponsor
segment it sets currentTime to the segment's end. The room's engine reverts such a seek (it is
neither Bob's input nor the room's), the "extension" skips again... After at most two reverts Bob
is "skipping locally": left alone ahead of the room, shown so in the roster, and back on the room
clock as soon as the room passes the segment.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from extension_helpers import (
    EXTENSION_ONLY,
    Profile,
    close_panel,
    open_panel,
    press_on_player,
    two_viewer_room,
    video_state,
    wait_in_sync,
    wait_until,
)
from harness.browser import evaluate_without_gesture, sample_playback
from harness.fake_youtube import FakeYouTube

pytestmark = EXTENSION_ONLY


FIRST = "stSkipVid01"
SEGMENT = (9.0, 17.0)  # the "sponsor" segment the page script skips, seconds

# The other extension: on every timeupdate/seeked inside the segment, jump to its end (once
# per landing, like SponsorBlock), and count the jumps.
SKIPPER = """((start, end) => {
  const video = document.querySelector('#movie_player video.html5-main-video');
  window.__skips = [];
  const skip = () => {
    const t = video.currentTime;
    if (t >= start && t < end - 0.3) {
      window.__skips.push(Math.round(t * 1000));
      video.currentTime = end;
    }
  };
  video.addEventListener('timeupdate', skip);
  video.addEventListener('seeked', skip);
  video.addEventListener('playing', skip);
})"""


@pytest.fixture(scope="module")
def room(playwright_instance: Any, fake_youtube: FakeYouTube, db_templates: Any,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Profile, Profile]]:
    with two_viewer_room(playwright_instance, fake_youtube, tmp_path_factory, db_templates=db_templates,
                         video_id=FIRST, title="Has a sponsor segment") as viewers:
        yield viewers.alice, viewers.bob


def roster_tags(profile: Profile, name: str) -> str:
    return evaluate_without_gesture(profile.page, f"""(() => {{
      const host = document.getElementById('sharetube-overlay');
      const row = [...host.shadowRoot.querySelectorAll('[data-testid=st-member]')]
        .find((li) => li.querySelector('.grow').textContent.startsWith({name!r}));
      return row ? [...row.querySelectorAll('.tag')].map((t) => t.textContent).join(',') : '';
    }})()""") or ""


def test_a_segment_skipper_is_left_alone_after_at_most_two_reverts_and_rejoins_after_it(
        room: tuple[Profile, Profile]) -> None:
    alice, bob = room
    pages = [alice.page, bob.page]
    close_panel(bob.page)
    # The room plays from 3 s (Alice pauses, "1" jumps to 10 % of 30 s, then plays).
    alice.page.click(".ytp-play-button")
    wait_in_sync(pages, playing=False, timeout_s=6)
    press_on_player(alice, "1")
    press_on_player(alice, "k")
    wait_in_sync(pages, playing=True, timeout_s=8)
    assert video_state(alice.page)["t"] < SEGMENT[0] - 2, "the room must start before the segment"
    open_panel(alice.page)
    evaluate_without_gesture(bob.page, f"{SKIPPER}({SEGMENT[0]}, {SEGMENT[1]})")

    # The room reaches the segment: Bob's "extension" skips; the engine reverts at most twice.
    wait_until(lambda: evaluate_without_gesture(bob.page, "window.__skips.length") >= 1, timeout_s=12,
               what="the page script to skip the segment on Bob's tab")
    time.sleep(1.5)  # a fight would go on here
    skips = evaluate_without_gesture(bob.page, "window.__skips")
    print(f"skips by the page script: {skips}")
    assert 1 <= len(skips) <= 3, f"a seek fight: the segment was skipped {len(skips)} times: {skips}"

    # Left alone: Bob stays ahead of the room by about the segment while the room is inside it.
    alice_t, bob_t = (s.current_time_s for s in sample_playback(pages))
    assert alice_t < SEGMENT[1] - 0.5, f"the room already left the segment ({alice_t:.2f} s): test too slow"
    assert bob_t >= SEGMENT[1] - 0.1 and bob_t - alice_t > 3, (alice_t, bob_t)
    # ... and the room sees why: Alice's roster tags Bob "skipping locally".
    wait_until(lambda: "skipping locally" in roster_tags(alice, "Bob"), timeout_s=5,
               what="Alice's roster to show Bob skipping locally")

    # The room passes the segment's end: Bob is back on the room clock, and no new skip happens.
    wait_until(lambda: video_state(alice.page)["t"] > SEGMENT[1], timeout_s=12, what="the room past the segment")
    wait_in_sync(pages, playing=True, timeout_s=4)
    assert evaluate_without_gesture(bob.page, "window.__skips.length") == len(skips)
    wait_until(lambda: "skipping locally" not in roster_tags(alice, "Bob"), timeout_s=6,
               what="the roster tag to go once Bob is back")
