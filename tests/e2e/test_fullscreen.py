"""The room inside YouTube's fullscreen, and in the theater and default layouts (issue 13, item 4).

In fullscreen the browser draws only the fullscreen element (YouTube fullscreens #movie_player),
so everything the room says must be drawn inside it: the waiting / ad banner with "Start now",
"Join playback", chat lines as toasts and a small chat input. Fullscreen is entered with real
input (a click on the player's fullscreen button, the "f" key); every check reads what SHOWS:
inside `document.fullscreenElement`, a non-zero box, the topmost thing at its centre, and clear
of YouTube's own bottom bar.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from extension_helpers import (
    EXTENSION_ONLY,
    Profile,
    ViewerRoom,
    accept_invite_question_without_gesture,
    close_panel,
    ensure_playing_early,
    first_page,
    launch_profile,
    open_panel,
    overlay_element,
    overlay_invite,
    popup_sign_in,
    two_viewer_room,
    video_state,
    wait_in_sync,
    wait_until,
)
from harness.browser import evaluate_without_gesture
from harness.fake_youtube import FakeYouTube
from overlay_keyboard import LAYER_FOCUS, tab_to_layer

from tests.e2e.a11y import axe_violations_within

pytestmark = EXTENSION_ONLY


FIRST = "stFullVid01"

# What a player-layer element shows, read without a user gesture.
LAYER_ELEMENT = """((testid, having) => {
  const full = document.fullscreenElement;
  const host = document.getElementById('sharetube-player-layer');
  if (!host) return {exists: false};
  const el = [...host.shadowRoot.querySelectorAll(`[data-testid="${testid}"]`)]
    .find((e) => !having || e.textContent.includes(having));
  if (!el) return {exists: false};
  const r = el.getBoundingClientRect();
  const cx = r.x + r.width / 2, cy = r.y + r.height / 2;
  const top = host.shadowRoot.elementFromPoint(cx, cy);
  const bar = (full || document).querySelector('.ytp-chrome-bottom').getBoundingClientRect();
  const overlapsBar = r.bottom > bar.top && r.top < bar.bottom && r.right > bar.left && r.left < bar.right;
  return {exists: true, inFullscreen: Boolean(full && full.contains(host)),
          fullscreenIsPlayer: Boolean(full && full.id === 'movie_player'),
          visible: !el.closest('[hidden]') && r.width > 0 && r.height > 0 && Boolean(top && el.contains(top)),
          overlapsBar, x: cx, y: cy, text: el.textContent};
})"""


def layer_element(profile: Profile, testid: str, having: str = "") -> dict[str, Any]:
    """The player layer's first `testid` element (whose text contains `having`, if given)."""
    return evaluate_without_gesture(profile.page, f"{LAYER_ELEMENT}({testid!r}, {having!r})")


def shown_in_fullscreen(profile: Profile, testid: str, *, having: str = "",
                        timeout_s: float = 6.0) -> dict[str, Any]:
    """Waits until `testid` shows inside the fullscreen element; checks it leaves the bar free."""
    seen = wait_until(lambda: (e := layer_element(profile, testid, having))["exists"] and e["visible"] and e,
                      timeout_s=timeout_s, what=f"{testid} {having!r} to show in {profile.name}'s fullscreen",
                      show=lambda: layer_element(profile, testid))
    assert seen["inFullscreen"] and seen["fullscreenIsPlayer"], seen
    assert not seen["overlapsBar"], f"{testid} covers YouTube's bottom bar: {seen}"
    return seen


def enter_fullscreen(profile: Profile, *, with_key: bool = False) -> None:
    """Real input, as a viewer does it: the player's fullscreen button, or the "f" key."""
    page = profile.page
    if with_key:
        page.focus("#movie_player")
        page.keyboard.press("f")
    else:
        page.hover("#movie_player")
        page.click(".ytp-fullscreen-button")
    wait_until(lambda: evaluate_without_gesture(page, "document.fullscreenElement?.id") == "movie_player",
               timeout_s=5, what=f"{profile.name}'s player to be fullscreen")


def leave_fullscreen(profile: Profile) -> None:
    evaluate_without_gesture(profile.page, "document.fullscreenElement && document.exitFullscreen()")
    wait_until(lambda: evaluate_without_gesture(profile.page, "document.fullscreenElement") is None,
               timeout_s=5, what="fullscreen to end")


Room = ViewerRoom


def end_ad_and_leave_fullscreen(room: Room, *, ad_on: Profile) -> None:
    """After an ad-hold test: the ad ends, everyone leaves fullscreen, the room plays in sync."""
    ad_on.page.evaluate("window.__fakeYT.endAd()")
    for profile in room.profiles:
        leave_fullscreen(profile)
    wait_in_sync(room.pages, playing=True, timeout_s=10)


@pytest.fixture(scope="module")
def room(playwright_instance: Any, fake_youtube: FakeYouTube, db_templates: Any,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[Room]:
    with two_viewer_room(playwright_instance, fake_youtube, tmp_path_factory, db_templates=db_templates,
                         video_id=FIRST, title="Fullscreen opener", viewport=(1280, 720)) as viewers:
        yield viewers


def test_chat_toasts_and_the_chat_input_work_inside_fullscreen(room: Room) -> None:
    alice, bob = room.alice, room.bob
    ensure_playing_early(alice, room.pages)
    enter_fullscreen(bob)
    try:
        toggle = shown_in_fullscreen(bob, "st-fs-chat-toggle")
        assert layer_element(bob, "st-fs-waiting")["visible"] is False, "no banner while nothing waits"
        # Alice writes from her panel: the line shows over Bob's fullscreen video as a toast.
        open_panel(alice.page)
        alice.ui("st-chat-input").fill("popcorn time")
        alice.ui("st-chat-input").press("Enter")
        close_panel(alice.page)
        toast = shown_in_fullscreen(bob, "st-fs-toast", having="popcorn time")
        assert toast["text"] == "Alicepopcorn time", toast  # name, then the line
        # Bob answers from the small input (a real click on the toggle, real typing). The "k"
        # and space he types must not reach YouTube's shortcuts (they would pause the video).
        bob.page.mouse.click(toggle["x"], toggle["y"])
        shown_in_fullscreen(bob, "st-fs-chat-input")
        bob.page.keyboard.type("ok keep going")
        bob.page.keyboard.press("Enter")
        wait_until(lambda: "ok keep going" in (alice.ui("st-chat-log").text_content() or ""),
                   timeout_s=6, what="Bob's fullscreen chat line to reach Alice")
        assert not video_state(bob.page)["paused"], "typing in the fullscreen chat reached YouTube's shortcuts"
        assert evaluate_without_gesture(bob.page, "document.fullscreenElement?.id") == "movie_player"
        # The toast goes away by itself (FULLSCREEN_TOAST_MS, 6 s), the fullscreen stays.
        wait_until(lambda: not layer_element(bob, "st-fs-toast")["exists"], timeout_s=10,
                   what="the toasts to fade")
    finally:
        leave_fullscreen(bob)
    # the layer hides on `fullscreenchange`, which Chromium fires in the frame after
    # `document.fullscreenElement` is already null: a moment, not at once
    wait_until(lambda: layer_element(bob, "st-fs-chat-toggle")["visible"] is False, timeout_s=3,
               what="the layer to hide out of fullscreen")


def test_an_ad_hold_shows_whom_it_waits_for_and_start_now_inside_fullscreen(room: Room) -> None:
    alice, bob = room.alice, room.bob
    ensure_playing_early(alice, room.pages)
    enter_fullscreen(alice, with_key=True)
    enter_fullscreen(bob)
    try:
        bob.page.evaluate("window.__fakeYT.startAd(15000)")
        banner = shown_in_fullscreen(alice, "st-fs-waiting")
        assert "Waiting for an ad: Bob" in banner["text"], banner
        start_now = shown_in_fullscreen(alice, "st-fs-start-now")  # Alice owns the room
        wait_until(lambda: video_state(alice.page)["paused"], timeout_s=4, what="Alice to hold")
        alice.page.mouse.click(start_now["x"], start_now["y"])
        wait_until(lambda: not video_state(alice.page)["paused"], timeout_s=6,
                   what="the room to start without waiting for Bob's ad")
        wait_until(lambda: not layer_element(alice, "st-fs-waiting")["visible"], timeout_s=4,
                   what="the banner to go")
        assert evaluate_without_gesture(alice.page, "document.fullscreenElement?.id") == "movie_player"
    finally:
        end_ad_and_leave_fullscreen(room, ad_on=bob)


# YouTube's shortcuts listen for keydown on the document; this listener does the same and keeps
# every key that reaches it (our layer must keep the keys pressed on its controls to itself).
RECORD_KEYS = """(() => { window.__stKeysAtDocument = [];
  if (!window.__stKeyRecorder) { window.__stKeyRecorder = (e) => window.__stKeysAtDocument?.push(e.key);
    document.addEventListener('keydown', window.__stKeyRecorder); } })()"""


def keys_at_document(profile: Profile) -> list[str]:
    return evaluate_without_gesture(profile.page, "window.__stKeysAtDocument || []")


def scan_layer(profile: Profile, label: str) -> None:
    """axe-core over the player layer, in YouTube's light and dark themes (the layer draws its own
    dark cards over the video in both; the theme must not change that)."""
    for dark in ("false", "true", "false"):
        evaluate_without_gesture(profile.page, f"window.__fakeYT.setDarkTheme({dark})")
        problems = axe_violations_within(profile.page, "#sharetube-player-layer")
        assert problems == [], f"axe-core in the fullscreen layer ({label}, dark={dark}): {problems}"


def test_the_chat_toggle_and_start_now_work_from_the_keyboard_inside_fullscreen(room: Room) -> None:
    """The mouse tests above, from the keyboard: Tab from the player to the layer's controls,
    Space / Enter on them; none of those keys reaches YouTube's shortcuts on the document."""
    alice, bob = room.alice, room.bob
    ensure_playing_early(alice, room.pages)
    enter_fullscreen(alice, with_key=True)
    enter_fullscreen(bob, with_key=True)
    try:
        for profile in (alice, bob):
            evaluate_without_gesture(profile.page, RECORD_KEYS)
        # Bob: Tab to "💬 Chat", Space opens the input with the focus in it; Enter sends
        shown_in_fullscreen(bob, "st-fs-chat-toggle")
        tab_to_layer(bob.page, "st-fs-chat-toggle")
        evaluate_without_gesture(bob.page, RECORD_KEYS)  # (the Tabs on the way reached the page)
        toggle = bob.page.locator("#sharetube-player-layer").get_by_test_id("st-fs-chat-toggle")
        if toggle.get_attribute("aria-expanded") == "true":  # left open by an earlier test: Enter closes it
            bob.page.keyboard.press("Enter")
            wait_until(lambda: not layer_element(bob, "st-fs-chat-input")["visible"], timeout_s=3,
                       what="Enter on the toggle to close the input")
        bob.page.keyboard.press("Space")
        shown_in_fullscreen(bob, "st-fs-chat-input")
        assert evaluate_without_gesture(bob.page, LAYER_FOCUS) == "st-fs-chat-input", "the input takes the focus"
        bob.page.keyboard.type("sent from the keyboard")
        bob.page.keyboard.press("Enter")
        wait_until(lambda: "sent from the keyboard" in (alice.ui("st-chat-log").text_content() or ""),
                   timeout_s=6, what="Bob's keyboard line to reach Alice")
        scan_layer(bob, "chat input open")
        # Escape in the input hides it and gives the focus back to the toggle (not out of the
        # layer, where the next Tab or key would land on YouTube's page); Enter opens it again
        bob.page.keyboard.press("Escape")
        wait_until(lambda: not layer_element(bob, "st-fs-chat-input")["visible"], timeout_s=3,
                   what="Escape in the input to hide it")
        assert evaluate_without_gesture(bob.page, LAYER_FOCUS) == "st-fs-chat-toggle", \
            "Escape in the chat input left the focus outside the layer"
        assert toggle.get_attribute("aria-expanded") == "false"
        bob.page.keyboard.press("Enter")
        shown_in_fullscreen(bob, "st-fs-chat-input")
        assert evaluate_without_gesture(bob.page, LAYER_FOCUS) == "st-fs-chat-input", "Enter on the toggle reopens it"
        # Shift+Tab back to the toggle, Enter closes the input again
        for _ in range(4):
            if evaluate_without_gesture(bob.page, LAYER_FOCUS) == "st-fs-chat-toggle":
                break
            bob.page.keyboard.press("Shift+Tab")
        assert evaluate_without_gesture(bob.page, LAYER_FOCUS) == "st-fs-chat-toggle"
        bob.page.keyboard.press("Enter")
        wait_until(lambda: not layer_element(bob, "st-fs-chat-input")["visible"], timeout_s=3,
                   what="Enter on the toggle to close the input")
        assert toggle.get_attribute("aria-expanded") == "false"
        assert keys_at_document(bob) == [], f"keys reached YouTube's shortcuts: {keys_at_document(bob)}"
        assert not video_state(bob.page)["paused"], "the keys paused Bob's video"
        assert evaluate_without_gesture(bob.page, "document.fullscreenElement?.id") == "movie_player"

        # Alice: Bob's ad holds the room; Tab to "Start now", Enter starts it
        bob.page.evaluate("window.__fakeYT.startAd(15000)")
        shown_in_fullscreen(alice, "st-fs-start-now")
        wait_until(lambda: video_state(alice.page)["paused"], timeout_s=4, what="Alice to hold")
        scan_layer(alice, "waiting banner with Start now")
        tab_to_layer(alice.page, "st-fs-start-now")
        evaluate_without_gesture(alice.page, RECORD_KEYS)
        alice.page.keyboard.press("Enter")
        wait_until(lambda: not video_state(alice.page)["paused"], timeout_s=6,
                   what="Enter on Start now to start the room without waiting for Bob's ad")
        wait_until(lambda: not layer_element(alice, "st-fs-waiting")["visible"], timeout_s=4,
                   what="the banner to go")
        assert keys_at_document(alice) == [], f"keys reached YouTube's shortcuts: {keys_at_document(alice)}"
        assert evaluate_without_gesture(alice.page, "document.fullscreenElement?.id") == "movie_player"
    finally:
        end_ad_and_leave_fullscreen(room, ad_on=bob)


def test_join_playback_shows_inside_fullscreen_under_the_real_autoplay_policy(room: Room) -> None:
    ensure_playing_early(room.alice, room.pages)
    invite = overlay_invite(room.alice, FIRST)
    close_panel(room.alice.page)
    context = launch_profile(room.playwright, room.extension, room.fake, room.server.port,
                             room.scratch.mktemp("profile-carol"), autoplay_policy_free=False)
    try:
        popup_sign_in(context, "Carol").close()
        carol = Profile("Carol", context, first_page(context))
        carol.page.set_viewport_size({"width": 1280, "height": 720})
        carol.page.goto(invite)
        accept_invite_question_without_gesture(carol)  # a real click would unlock playback
        wait_until(lambda: (b := overlay_element(carol.page, "st-resume-playback")) and b["visible"],
                   timeout_s=10, what="'Join playback' on Carol's page")
        enter_fullscreen(carol, with_key=True)
        button = shown_in_fullscreen(carol, "st-resume-playback".replace("st-", "st-fs-"))
        assert "Join playback" in button["text"]
        # From the keyboard, as a viewer in fullscreen would: Tab from the player to the button,
        # Enter (the layer keeps the key from YouTube's shortcuts)
        tab_to_layer(carol.page, "st-fs-resume-playback")
        carol.page.keyboard.press("Enter")
        wait_in_sync([*room.pages, carol.page], playing=True, timeout_s=10)
        wait_until(lambda: not layer_element(carol, "st-fs-resume-playback")["visible"], timeout_s=4,
                   what="'Join playback' to go once playing")
    finally:
        context.close()


@pytest.mark.parametrize("layout", ["default", "theater"])
def test_banners_show_beside_the_player_and_clear_of_its_controls(room: Room, layout: str) -> None:
    alice, bob = room.alice, room.bob
    ensure_playing_early(alice, room.pages)
    if layout == "theater":
        bob.page.focus("#movie_player")
        bob.page.keyboard.press("t")
        assert evaluate_without_gesture(bob.page, "document.querySelector('ytd-watch-flexy').hasAttribute('theater')")
    try:
        alice.page.evaluate("window.__fakeYT.startAd(15000)")
        banner = wait_until(lambda: (b := overlay_element(bob.page, "st-waiting")) and b["visible"] and b,
                            timeout_s=6, what=f"the waiting banner in the {layout} layout")
        assert "Waiting for an ad: Alice" in banner["text"]
        overlap = evaluate_without_gesture(bob.page, """(() => {
          const host = document.getElementById('sharetube-overlay');
          const bar = document.querySelector('#movie_player .ytp-chrome-bottom').getBoundingClientRect();
          const boxes = [...host.shadowRoot.querySelectorAll('.root > *')].filter((el) => !el.hidden)
            .map((el) => el.getBoundingClientRect());
          return boxes.some((r) => r.width > 0 && r.bottom > bar.top && r.top < bar.bottom
                                   && r.right > bar.left && r.left < bar.right);
        })()""")
        assert overlap is False, f"the overlay covers YouTube's bottom bar in the {layout} layout"
        # The player layer stays out of the way when not fullscreen.
        assert layer_element(bob, "st-fs-waiting").get("visible") in (None, False)
    finally:
        alice.page.evaluate("window.__fakeYT.endAd()")
        if layout == "theater":
            bob.page.focus("#movie_player")
            bob.page.keyboard.press("t")
    wait_in_sync(room.pages, playing=True, timeout_s=10)
    time.sleep(0.2)
