"""A playlist added from a YouTube playlist page (issue 16, item 1), in the browser.

Alice's tab opens the room's video inside a playlist (watch?v=…&list=…).
Her overlay shows "Add playlist" (Bob's, on a plain watch page, does not). The imitation page
describes the playlist as YouTube does, in two forms (harness/page_variants.py PLAYLIST_VARIANTS):
first with NO initial data and a panel that renders 2.5 s after the page (the click comes before
it: the extension waits for it), then with the initial data only (no panel). Each time both
viewers' queues show the playlist's entries, appended in its order. Then the room's repeat is
set to "one": at the end of its video both viewers play it again from the start (item 2).
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from extension_helpers import (
    EXTENSION_ONLY,
    notice_text,
    open_panel,
    overlay_element,
    press_on_player,
    queue_video_ids,
    two_viewer_room,
    video_state,
    wait_in_sync,
    wait_until,
)
from harness.browser import evaluate_without_gesture
from harness.fake_youtube import FakeYouTube
from harness.page_variants import PLAYLIST_VARIANTS
from overlay_keyboard import press_in_overlay, tab_to

pytestmark = EXTENSION_ONLY
OVERLAY = "document.getElementById('sharetube-overlay').shadowRoot"

FIRST = "plstVideo01"
FIRST_LIST = ["plstVideo01", "plstVideo02", "plstVideo03", "plstVideo04"]
SECOND_LIST = ["plstVideo05", "plstVideo06"]


def chat_text(page: Any) -> str:
    script = f"{OVERLAY}.querySelector('[data-testid=st-chat-log]')?.textContent || ''"
    return evaluate_without_gesture(page, script) or ""


def test_a_playlist_added_from_its_page_reaches_both_queues_in_order(
        playwright_instance: Any, fake_youtube: FakeYouTube, db_templates: Any,
        tmp_path_factory: pytest.TempPathFactory) -> None:
    for index, video in enumerate(FIRST_LIST + SECOND_LIST):
        if index:
            fake_youtube.register(video, title=f"Playlist video {index + 1}", clip="short")
    fake_youtube.variant = PLAYLIST_VARIANTS["playlist_panel_late"]
    with two_viewer_room(playwright_instance, fake_youtube, tmp_path_factory, db_templates=db_templates,
                         video_id=FIRST, title="Playlist video 1", close_panels=False) as room:
        alice, bob = room.alice, room.bob
        fake_youtube.register_playlist("PLstFirst001", "Late panel playlist", FIRST_LIST)
        fake_youtube.register_playlist("PLstSecond02", "Initial data playlist", SECOND_LIST)
        # The room holds still (paused) so that nothing advances while the playlists arrive.
        alice.page.click(".ytp-play-button")
        wait_in_sync([alice.page, bob.page], playing=False, timeout_s=6)
        for profile in (alice, bob):
            open_panel(profile.page)
            wait_until(lambda p=profile: queue_video_ids(p.page) == [FIRST], timeout_s=10,
                       what=f"{profile.name}'s queue to show the room's first video")
        shown = overlay_element(bob.page, "st-queue-add-playlist")
        assert shown is not None and not shown["visible"], "no playlist on Bob's page: no button"
        # A pasted list= link of a playlist Bob's page does not show goes to the server, which has
        # no YouTube API key here: Bob is told plainly how to add it instead.
        bob.ui("st-queue-url").fill("https://www.youtube.com/playlist?list=PLstFirst001")
        bob.ui("st-queue-url").press("Enter")
        wait_until(lambda: "Add playlist" in notice_text(bob.page), timeout_s=8,
                   what="Bob's notice saying how to add a playlist without the server's API key")
        assert queue_video_ids(bob.page) == [FIRST]

        # Alice opens the room's video inside the playlist (watch?v=FIRST&list=…). No playlist in
        # the initial data, and the panel renders late (2.5 s after the page; here it is then
        # emptied, as YouTube does while it re-renders, and comes back 1.5 s after the click):
        # the extension waits for it rather than sending nothing.
        alice.page.goto(fake_youtube.playlist_url("PLstFirst001", FIRST))
        open_panel(alice.page)
        button = alice.ui("st-queue-add-playlist")
        button.wait_for(state="visible", timeout=10_000)
        alice.page.wait_for_selector("ytd-playlist-panel-renderer", state="attached", timeout=10_000)
        evaluate_without_gesture(alice.page, "window.__fakeYT.hidePlaylistPanel()")
        button.click()
        time.sleep(1.5)
        assert queue_video_ids(alice.page) == [FIRST], "nothing sent while the page shows no playlist"
        evaluate_without_gesture(alice.page, "window.__fakeYT.renderPlaylistPanel()")
        expected = [FIRST, *FIRST_LIST]
        for profile in (alice, bob):
            wait_until(lambda p=profile: queue_video_ids(p.page) == expected, timeout_s=12,
                       what=f"{profile.name}'s queue to show the playlist in order")

        # The initial data only (no panel at all): the same button reads it from ytInitialData.
        # This time by keyboard alone: Tab to "Add playlist", Enter (no key reaches YouTube's page).
        fake_youtube.variant = PLAYLIST_VARIANTS["playlist_data_only"]
        alice.page.goto(fake_youtube.playlist_url("PLstSecond02", FIRST))
        open_panel(alice.page)
        alice.ui("st-queue-add-playlist").wait_for(state="visible", timeout=10_000)
        tab_to(alice.page, "st-queue-add-playlist")
        press_in_overlay(alice.page, "Enter")
        expected += SECOND_LIST
        for profile in (alice, bob):
            wait_until(lambda p=profile: queue_video_ids(p.page) == expected, timeout_s=12,
                       what=f"{profile.name}'s queue to show the second playlist appended")
        assert alice.page.locator("ytd-playlist-panel-renderer").count() == 0

        # Repeat one (issue 16, item 2): the room at the end of its video plays it again, for both.
        alice.page.select_option("[data-testid=st-setting-repeat]", "one")
        wait_until(lambda: "repeat to one" in chat_text(bob.page), timeout_s=6, what="the repeat change in Bob's chat")
        press_on_player(alice, "9")  # 90 % of the 30 s video
        press_on_player(alice, "k")
        wait_in_sync([alice.page, bob.page], playing=True, video_id=FIRST, timeout_s=8)
        assert video_state(alice.page)["t"] > 25
        wait_until(lambda: all(video_state(p.page)["t"] < 6 and not video_state(p.page)["paused"]
                               for p in (alice, bob)), timeout_s=15, what="both viewers playing it again",
                   show=lambda: ([video_state(p.page) for p in (alice, bob)], chat_text(bob.page)[-300:]))
        wait_in_sync([alice.page, bob.page], playing=True, video_id=FIRST, timeout_s=8)
        assert "Repeat is on: playing it again" in chat_text(bob.page)
        assert queue_video_ids(bob.page) == expected, "nothing advanced"
