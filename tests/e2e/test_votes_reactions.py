"""Vote-skip and reactions pinned to a moment, with the real extension (issue 16, items 3 and 4).

Alice owns an `owner_only` room; Bob (extension) and Carol (on her phone remote) may not skip.
- A reaction Alice sends floats up on Bob's player when his video is at its moment (±250 ms, read
  from Bob's own <video> the instant the float appears), sits as a mark on his progress bar,
  replays when the room seeks back over it, and shows inside fullscreen too; Carol's phone
  reacts as well.
- Carol votes from the phone, Bob from the overlay: both see the count (1 / 2), Alice sees it
  with "Clear votes" but no vote button; the second vote skips the video for everyone.
- From the keyboard alone: Bob Tabs into the fullscreen layer's React row (the vote button first)
  and reacts; in the panels Alice reacts, Bob votes, Alice clears the votes, and the played list
  opens and "Play again" works, its focus kept while the list is rebuilt (axe-core scans of the
  vote row and the played list in light and dark).
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from extension_helpers import (
    EXTENSION_ONLY,
    ROOT,
    Profile,
    ViewerRoom,
    close_panel,
    ensure_playing_early,
    open_panel,
    overlay_element,
    press_on_player,
    two_viewer_room,
    video_state,
    wait_in_sync,
    wait_until,
)
from harness.browser import evaluate_without_gesture
from harness.fake_youtube import FakeYouTube
from overlay_keyboard import (
    RECORD_KEYS,
    controls,
    focused,
    key_of,
    keys_at_document,
    layer_focus,
    open_the_panel,
    press_in_overlay,
    scan_in_both_themes,
    tab_to,
    tab_to_layer,
)

from tests.support.sio import Client

# The room's database behind these is covered by the socket tests on both databases; what this
# adds is the page side (the overlay, the player layer, the phone): run once, on SQLite.
pytestmark = EXTENSION_ONLY

FIRST, SECOND = "stReactVid1", "stVoteVid02"
MOMENT_MS = 250  # the tolerance: a reaction shows within ±250 ms of its moment
PHONE_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]

# Records, in Bob's page, every reaction float the instant it is added: which reaction, its
# moment, and where Bob's own video is then (read by the page, not reported by the extension).
WATCH_FLOATS = """(() => {
  const host = document.getElementById('sharetube-reaction-layer');
  if (!host || !host.shadowRoot) return false;
  if (window.__stFloats) return true;
  window.__stFloats = [];
  new MutationObserver((records) => {
    const video = document.querySelector('#movie_player video.html5-main-video');
    for (const record of records) for (const node of record.addedNodes) {
      if (!node.dataset || node.dataset.testid !== 'st-reaction-float') continue;
      const r = node.getBoundingClientRect(), full = document.fullscreenElement;
      window.__stFloats.push({id: Number(node.dataset.reactionId), pos: Number(node.dataset.positionMs),
        t: Math.round(video.currentTime * 1000), text: node.textContent,
        inFullscreen: Boolean(full && full.contains(host)), w: r.width, h: r.height});
    }
  }).observe(host.shadowRoot, {childList: true, subtree: true});
  return true;
})()"""

MARKS = """(() => {
  const host = document.getElementById('sharetube-reaction-layer');
  const bar = document.querySelector('.ytp-progress-bar').getBoundingClientRect();
  return [...host.shadowRoot.querySelectorAll('[data-testid=st-reaction-mark]')].map((m) => {
    const r = m.getBoundingClientRect();
    return {pos: Number(m.dataset.positionMs), x: r.x + r.width / 2, bar_left: bar.left, bar_width: bar.width,
            visible: r.width > 0 && r.height > 0};
  });
})()"""


def floats(profile: Profile) -> list[dict[str, Any]]:
    return evaluate_without_gesture(profile.page, "window.__stFloats || []")


def float_for(profile: Profile, reaction_id: int, nth: int = 1, timeout_s: float = 6.0) -> dict[str, Any]:
    """The `nth` appearance of `reaction_id` on the profile's player."""
    seen = wait_until(lambda: [f for f in floats(profile) if f["id"] == reaction_id][nth - 1:] or None,
                      timeout_s=timeout_s, what=f"reaction {reaction_id} to float up on {profile.name}'s player"
                      f" (appearance {nth})", show=lambda: floats(profile))
    return seen[0]


class Room:
    def __init__(self, viewers: ViewerRoom, phone: Any, carol: Client) -> None:
        self.fake, self.server, self.code = viewers.fake, viewers.server, viewers.code
        self.alice, self.bob = viewers.alice, viewers.bob
        self.phone, self.carol = phone, carol

    @property
    def pages(self) -> list[Any]:
        return [self.alice.page, self.bob.page]


@pytest.fixture(scope="module")
def room(playwright_instance: Any, fake_youtube: FakeYouTube, db_templates: Any,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[Room]:
    subprocess.run(["node", "mobile_remote/build.mjs"], cwd=ROOT, check=True, capture_output=True)
    phone_browser = playwright_instance.chromium.launch(executable_path="/usr/bin/chromium", args=PHONE_ARGS)
    carol: Client | None = None
    try:
        with two_viewer_room(playwright_instance, fake_youtube, tmp_path_factory, db_templates=db_templates,
                             video_id=FIRST, title="Reaction video", viewport=(1280, 720)) as viewers:
            alice, bob, code, server = viewers.alice, viewers.bob, viewers.code, viewers.server
            fake_youtube.register(SECOND, title="After the vote")
            open_panel(alice.page)
            alice.page.select_option("select[name=control_mode]", "owner_only")
            close_panel(alice.page)
            # Carol: a member whose only device is her phone (paired with a code her socket asked for)
            carol = Client.guest(server.base_url, "Carol").connect()
            carol.join(code)
            made = carol_pairing(server, carol, code)
            phone = phone_browser.new_context(viewport={"width": 360, "height": 640}, has_touch=True, is_mobile=True)
            phone_page = phone.new_page()
            phone_page.goto(made["pair_url"])
            phone_page.get_by_test_id("remote-app").wait_for(state="visible", timeout=10_000)
            wait_until(lambda: (phone_page.get_by_test_id("np-state").text_content() or "").startswith("Playing"),
                       timeout_s=8, what="Carol's phone in the room")
            assert carol.call("leave")["ok"]  # her phone stays: she remains a member, with no player
            wait_until(lambda: evaluate_without_gesture(bob.page, WATCH_FLOATS), timeout_s=6,
                       what="the reaction layer in Bob's player")
            yield Room(viewers, phone_page, carol)
    finally:
        if carol is not None:
            carol.close()
        phone_browser.close()


def carol_pairing(server: Any, carol: Client, code: str) -> dict[str, Any]:
    resp = requests.post(f"{server.base_url}/api/rooms/{code}/remote-pairings", json={},
                         headers={"Authorization": f"Bearer {carol.token}"}, timeout=10)
    assert resp.status_code == 201, resp.text
    return resp.json()


def test_a_reaction_floats_at_its_moment_marks_the_bar_replays_on_seek_back_and_shows_in_fullscreen(room: Room) -> None:
    alice, bob = room.alice, room.bob
    ensure_playing_early(alice, room.pages)
    time.sleep(1.0)  # a moment a few seconds into the video
    count = len(floats(bob))
    open_panel(alice.page)
    alice.page.locator("[data-testid=st-react][data-emoji='🔥']").click()
    close_panel(alice.page)
    first = wait_until(lambda: floats(bob)[count:] or None, timeout_s=6, what="Alice's 🔥 on Bob's player",
                       show=lambda: floats(bob))[0]
    assert "🔥" in first["text"] and "Alice" in first["text"], first
    print(f"live reaction: shown {first['t'] - first['pos']:+d} ms from its moment")
    assert abs(first["t"] - first["pos"]) <= MOMENT_MS, f"shown at {first['t']} ms for the moment {first['pos']} ms"
    assert first["w"] > 0 and first["h"] > 0, "the float has a box over the player"

    # the mark on Bob's progress bar, at the moment's share of the bar
    marks = wait_until(lambda: [m for m in evaluate_without_gesture(bob.page, MARKS) if m["pos"] == first["pos"]],
                       timeout_s=4, what="the mark on Bob's progress bar")
    duration_ms = room.fake.duration_s(FIRST) * 1000
    expected_x = marks[0]["bar_left"] + marks[0]["bar_width"] * first["pos"] / duration_ms
    assert marks[0]["visible"] and abs(marks[0]["x"] - expected_x) <= 3, (marks, expected_x)

    # Alice seeks back (−5 s): the room passes the moment again, and Bob sees it again, on time
    press_on_player(alice, "ArrowLeft")
    again = float_for(bob, first["id"], nth=2, timeout_s=12)
    print(f"replayed after the seek back: shown {again['t'] - again['pos']:+d} ms from its moment")
    assert abs(again["t"] - again["pos"]) <= MOMENT_MS, again

    # fullscreen: Bob watches fullscreen; Alice's 😂 floats inside it, at its moment
    ensure_playing_early(alice, room.pages)
    bob.page.hover("#movie_player")
    bob.page.click(".ytp-fullscreen-button")
    wait_until(lambda: evaluate_without_gesture(bob.page, "document.fullscreenElement?.id") == "movie_player",
               timeout_s=5, what="Bob's player to be fullscreen")
    try:
        count = len(floats(bob))
        open_panel(alice.page)
        alice.page.locator("[data-testid=st-react][data-emoji='😂']").click()
        close_panel(alice.page)
        shown = wait_until(lambda: floats(bob)[count:] or None, timeout_s=6, what="😂 in Bob's fullscreen")[0]
        assert shown["inFullscreen"] and "😂" in shown["text"], shown
        print(f"in fullscreen: shown {shown['t'] - shown['pos']:+d} ms from its moment")
        assert abs(shown["t"] - shown["pos"]) <= MOMENT_MS, shown
        assert shown["w"] > 0 and shown["h"] > 0
        # …and Bob may vote and reacts from inside fullscreen, by keyboard alone: Tab from the player
        # to the layer's "React" toggle, Enter opens the panel's vote and reaction buttons there
        layer = bob.page.locator("#sharetube-player-layer")
        toggle = layer.get_by_test_id("st-fs-social-toggle")
        tab_to_layer(bob.page, "st-fs-social-toggle")
        evaluate_without_gesture(bob.page, RECORD_KEYS)  # (the Tabs on the way reached the page)
        bob.page.keyboard.press("Enter")
        assert toggle.get_attribute("aria-expanded") == "true"
        social = layer.get_by_test_id("st-fs-social")
        social.wait_for(state="visible", timeout=3_000)
        vote = social.get_by_test_id("st-fs-vote-skip")
        assert vote.is_visible() and vote.text_content() == "Vote to skip", "Bob may not skip here: he votes"
        assert layer_focus(bob.page) == "st-fs-vote-skip", "opening the row puts the focus on its first button"
        assert evaluate_without_gesture(bob.page, "document.fullscreenElement.contains("
                                        "document.getElementById('sharetube-player-layer'))")
        # (Bob does not vote here: with two players watching, his vote alone would skip the video)
        # Bob Tabs on to 😮, Enter: it floats on his own fullscreen player
        count = len(floats(bob))
        tab_to_layer(bob.page, "st-fs-react:😮", from_player=False)
        bob.page.keyboard.press("Enter")
        own = wait_until(lambda: floats(bob)[count:] or None, timeout_s=6, what="Bob's 😮 from fullscreen")[0]
        assert "😮" in own["text"] and "Bob" in own["text"] and own["inFullscreen"], own
        assert evaluate_without_gesture(bob.page, "document.fullscreenElement?.id") == "movie_player", \
            "pressing Enter on our buttons left YouTube's fullscreen alone"
        tab_to_layer(bob.page, "st-fs-social-toggle", from_player=False)
        bob.page.keyboard.press("Enter")
        assert not social.is_visible(), "the toggle closes the row again"
        assert keys_at_document(bob.page) == [], f"keys reached YouTube's shortcuts: {keys_at_document(bob.page)}"
    finally:
        evaluate_without_gesture(bob.page, "document.fullscreenElement && document.exitFullscreen()")

    # Carol's phone reacts too (at the room clock's moment, as the phone plays nothing)
    count = len(floats(bob))
    room.phone.get_by_test_id("react").filter(has_text="👏").click()
    from_phone = wait_until(lambda: floats(bob)[count:] or None, timeout_s=6, what="the phone's 👏 on Bob's player")[0]
    assert "Carol" in from_phone["text"] and abs(from_phone["t"] - from_phone["pos"]) <= 1_000, from_phone


def test_two_participants_vote_the_video_off_in_an_owner_only_room(room: Room) -> None:
    alice, bob, phone = room.alice, room.bob, room.phone
    ensure_playing_early(alice, room.pages)
    # Carol queues the next video from her socket for a moment (it would count as a player if it stayed)
    room.carol.join(room.code)
    assert room.carol.call("queue.add", {"video_id": SECOND})["ok"]
    assert room.carol.call("leave")["ok"]
    open_panel(bob.page)
    vote = bob.ui("st-vote-skip")
    vote.wait_for(state="visible")
    # Carol first, from her phone: watching are Alice, Bob (their players report) and Carol
    phone.get_by_test_id("vote-skip").click()
    wait_until(lambda: phone.get_by_test_id("vote-count").text_content() == "1 / 2 votes to skip", timeout_s=5,
               what="the count on Carol's phone", show=lambda: phone.get_by_test_id("vote-count").text_content())
    assert phone.get_by_test_id("vote-skip").is_disabled(), "one vote per member"
    wait_until(lambda: bob.ui("st-vote-count").text_content() == "1 / 2 votes to skip", timeout_s=5,
               what="the count in Bob's overlay", show=lambda: bob.ui("st-vote-count").text_content())
    open_panel(alice.page)
    wait_until(lambda: alice.ui("st-vote-count").text_content() == "1 / 2 votes to skip", timeout_s=5,
               what="the count in Alice's overlay")
    assert not (overlay_element(alice.page, "st-vote-skip") or {}).get("visible"), "the owner skips, never votes"
    assert (overlay_element(alice.page, "st-vote-clear") or {}).get("visible"), "the owner may clear the votes"
    assert not video_state(bob.page)["paused"]

    vote.click()  # the second participant: 2 of 2
    wait_in_sync(room.pages, playing=True, video_id=SECOND, timeout_s=15)
    log = alice.ui("st-chat-log")
    wait_until(lambda: "The room voted to skip “Reaction video” (2 votes)" in (log.text_content() or ""),
               timeout_s=5, what="the system line", show=lambda: log.text_content())
    wait_until(lambda: not (overlay_element(bob.page, "st-vote-count") or {}).get("text"), timeout_s=5,
               what="a new entry to clear the count")
    wait_until(lambda: not phone.get_by_test_id("vote-count").text_content(), timeout_s=5,
               what="the new entry to clear the phone's count too")
    close_panel(alice.page)
    close_panel(bob.page)


def test_the_panels_vote_reactions_and_played_list_work_from_the_keyboard(room: Room) -> None:
    """After the vote: "After the vote" plays, "Reaction video" was skipped. From the keyboard alone
    (Tab, then Enter or Space; no key reaching YouTube's shortcuts on the document): Alice reacts
    with two buttons (they float on Bob's player); with the ratio at "everyone" Bob votes in his
    panel (its vote row passes axe-core in light and dark, before and after; the focus stays in the
    row) and Alice clears the votes (Bob may vote again; her focus stays in the row); Alice opens
    the played list (axe-clean with its entry) and, on "Play again", keeps the focus there while
    Bob's vote (the ratio back at half) skips the last video and the list gains its row; Enter puts
    "Reaction video" back in the room's queue (Carol's socket reads it)."""
    alice, bob = room.alice, room.bob
    ensure_playing_early(alice, room.pages, latest_s=8)  # (the 30 s clip plays through this test)
    wait_in_sync(room.pages, playing=True, video_id=SECOND, timeout_s=10)
    wait_until(lambda: evaluate_without_gesture(bob.page, WATCH_FLOATS), timeout_s=6,
               what="the reaction layer in Bob's player")
    # Alice's reactions: Enter on 👏, Space on 🎉; both float on Bob's player, signed Alice
    open_the_panel(alice.page)
    for emoji, key in (("👏", "Enter"), ("🎉", "Space")):
        before = len(floats(bob))
        tab_to(alice.page, f"React {emoji} at this moment")
        press_in_overlay(alice.page, key)
        shown = wait_until(lambda b=before: floats(bob)[b:] or None, timeout_s=6,
                           what=f"Alice's {emoji} on Bob's player")[0]
        assert emoji in shown["text"] and "Alice" in shown["text"], shown
    # Every watching member's vote needed (two players: Bob's alone would skip)
    alice.page.select_option("select[name=vote_skip_ratio]", "1")
    tally = alice.ui("st-vote-count")

    ensure_playing_early(alice, room.pages, latest_s=8)
    open_the_panel(bob.page)
    tab_to(bob.page, "st-vote-skip")
    scan_in_both_themes(bob.page, "the vote row, as a participant who may vote")
    press_in_overlay(bob.page, "Space")
    wait_until(lambda: tally.text_content() == "1 / 2 votes to skip", timeout_s=5,
               what="Bob's keyboard vote counted in Alice's overlay", show=lambda: tally.text_content())
    assert bob.ui("st-vote-skip").text_content() == "Voted to skip"
    assert (focused(bob.page) or {}).get("key", "").startswith("button|st-react|"), \
        f"the vote (its button disabled) dropped Bob's focus: {focused(bob.page)}"
    scan_in_both_themes(bob.page, "the vote row with a count and Bob's vote")
    # Alice vetoes: Tab to "Clear votes", Enter; the server clears the count on Bob's page too
    tab_to(alice.page, "st-vote-clear")
    press_in_overlay(alice.page, "Enter")
    wait_until(lambda: bob.ui("st-vote-skip").text_content() == "Vote to skip" and bob.ui("st-vote-skip").is_enabled(),
               timeout_s=5, what="the votes cleared on Bob's page (he may vote again)")
    # Alice's overlay hears the clear on its own socket: it may render a moment after Bob's page
    wait_until(lambda: not tally.text_content(), timeout_s=5, what="the count gone with the votes in Alice's overlay",
               show=lambda: tally.text_content())
    assert (focused(alice.page) or {}).get("key", "").startswith("button|st-react|"), \
        f"Clear votes (gone with the votes) dropped Alice's focus: {focused(alice.page)}"
    alice.page.select_option("select[name=vote_skip_ratio]", "0.5")  # one vote of two players skips again

    # The played list: Enter opens it, with the skipped video and its "Play again"
    ensure_playing_early(alice, room.pages, latest_s=8)
    open_the_panel(alice.page)
    tab_to(alice.page, "st-played-toggle")
    press_in_overlay(alice.page, "Enter")
    again = wait_until(lambda: key_of(alice.page, "Play again: Reaction video", strict=False), timeout_s=8,
                       what="'Reaction video' in Alice's played list")
    assert "skipped" in (overlay_element(alice.page, "st-played") or {}).get("text", "")
    scan_in_both_themes(alice.page, "the played list with an entry")
    tab_to(alice.page, again)
    # Bob's vote (Space) skips the last video, nothing follows: Alice's open list gains it and is
    # rebuilt; her focus stays on the same "Play again"
    tab_to(bob.page, "st-vote-skip")
    press_in_overlay(bob.page, "Space")
    wait_until(lambda: len([k for k in controls(alice.page) if "|st-play-again|" in k]) == 2, timeout_s=10,
               what="the skipped second video to join Alice's played list", show=lambda: controls(alice.page))
    assert (focused(alice.page) or {}).get("key") == again, \
        f"the list's rebuild moved the focus off 'Play again': {focused(alice.page)}"
    press_in_overlay(alice.page, "Enter")
    room.carol.join(room.code)
    try:  # the server's queue, read by Carol's socket
        wait_until(lambda: any(e["video_id"] == FIRST for e in room.carol.call("queue.load")["queue"]), timeout_s=6,
                   what="'Reaction video' back in the room's queue")
    finally:
        assert room.carol.call("leave")["ok"]
