"""The overlay from the keyboard alone, in YouTube's light and dark themes (issue 16, "Done when").

Alice (owner) and Bob share a room; their pages load in YouTube's dark theme (`dark` on <html>,
the `dark_theme` page variant) and switch to light live, as YouTube's Appearance setting does.
In each theme an axe-core scan of the overlay's shadow root (WCAG 2.x A and AA: contrast, names,
roles, focusable scrolling regions) finds nothing, in every state the test brings up (the panel
open and collapsed, the pairing dialog, knocks, the waiting banner, a queue with entries, the
"another video" choice, the join question, outside a room: each scanned in light AND dark,
switched live); Shift+Tab from the top of the page reaches the pill; Tab walks EVERY visible
control of the overlay in order, each showing its focus; and controls are operated with Enter,
Space, arrows and Escape only, each checked by what it did (in the room, on the server, on the
other viewer's page). Controls that appear only in some states are brought up and operated too:
the waiting banner's "Start now", a knock's "Let in"/"Decline", a paired phone's "Unpair"/"Keep",
the "you opened another video" choice, the join question, and the signed-in panel outside a room
(join by code, create a room).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from extension_helpers import (
    EXTENSION_ONLY,
    ViewerRoom,
    notice_text,
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
from harness.page_variants import VARIANTS
from overlay_keyboard import (
    PILL,
    chat_has,
    controls,
    focused,
    last_line_says,
    open_related_video,
    open_the_panel,
    panel_open,
    reach_the_pill,
    scan,
    scan_in_both_themes,
    tab_to,
    tags_of,
    theme,
    toggle_and_back,
    walk_every_control,
)
from playwright.sync_api import Error as PlaywrightError

from tests.support.sio import Client, new_room

pytestmark = EXTENSION_ONLY

FIRST, SECOND, THIRD, OTHER, FOURTH = "stA11yVid01", "stA11yVid02", "stA11yVid03", "stA11yVid04", "stA11yVid05"
PHONE_UA = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0 Mobile Safari/537.36")


def queued(page: Any) -> list[str]:
    """The queue's video ids ([] while a navigation replaces the page)."""
    try:
        return queue_video_ids(page)
    except PlaywrightError:
        return []


@pytest.fixture(scope="module")
def room(playwright_instance: Any, fake_youtube: FakeYouTube, db_templates: Any,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[ViewerRoom]:
    fake_youtube.variant = VARIANTS["dark_theme"]
    with two_viewer_room(playwright_instance, fake_youtube, tmp_path_factory, db_templates=db_templates,
                         video_id=FIRST, title="Keyboard opener", viewport=(1280, 900),
                         server_env={"SPONSORBLOCK_API_URL": "http://127.0.0.1:9"}) as viewers:
        yield viewers


def light_theme(room: ViewerRoom) -> list[str]:
    """Light, switched live (YouTube's Appearance setting)."""
    alice, bob, page = room.alice, room.bob, room.alice.page
    for profile in (alice, bob):
        evaluate_without_gesture(profile.page, "window.__fakeYT.setDarkTheme(false)")
    wait_until(lambda: theme(page) == "light", timeout_s=3, what="the overlay to follow the light theme")
    presses = reach_the_pill(page)
    print(f"Shift+Tab presses from the top of the page to the pill: {presses}")
    page.keyboard.press("Enter")
    assert panel_open(page)
    scan(page, "light, panel open")
    light = walk_every_control(page, "light")
    print(f"light theme: {len(light)} controls reached by Tab")
    tab_to(page, "select||control_mode|")  # a control inside the panel
    page.keyboard.press("Escape")
    assert not panel_open(page) and focused(page)["key"] == PILL, "Escape closes the panel, focus on the pill"
    scan_in_both_themes(page, "panel collapsed")
    page.keyboard.press("Space")
    assert panel_open(page)
    tab_to(page, "st-chat-input")
    page.keyboard.type("light and readable")
    page.keyboard.press("Enter")
    chat_has(bob, "light and readable")
    return light


def dark_theme_walk(room: ViewerRoom, light: list[str]) -> None:
    """Dark, switched back live; then every control operated."""
    alice, bob, page = room.alice, room.bob, room.alice.page
    for profile in (alice, bob):
        evaluate_without_gesture(profile.page, "window.__fakeYT.setDarkTheme(true)")
    wait_until(lambda: theme(page) == "dark", timeout_s=3, what="the overlay to follow the dark theme")
    scan(page, "dark, panel open")
    tab_to(page, "st-chat-input")
    page.keyboard.press("Escape")
    assert not panel_open(page) and focused(page)["key"] == PILL
    reach_the_pill(page)
    page.keyboard.press("Enter")
    assert panel_open(page), "Enter on the pill opens the panel"
    dark = walk_every_control(page, "dark")
    assert dark == light, "the same controls in both themes"

def room_header_and_phone_remote(room: ViewerRoom) -> None:
    """The room header: copy the invite (button and link), the phone remote dialog."""
    page = room.alice.page
    tab_to(page, "Copy invite")
    page.keyboard.press("Enter")
    wait_until(lambda: "Invite link copied" in notice_text(page) or "Copy this link" in notice_text(page),
               timeout_s=4, what="the copy notice")
    tab_to(page, "st-invite-link")
    page.keyboard.press("Enter")
    assert page.url.startswith("https://www.youtube.com/watch"), "the link copies, it does not navigate"
    tab_to(page, "st-remote-qr")
    page.keyboard.press("Enter")
    wait_until(lambda: (d := overlay_element(page, "st-remote-pair-url")) and d["visible"], timeout_s=8,
               what="the pairing dialog")
    pair_url = overlay_element(page, "st-remote-pair-url")["text"]
    scan_in_both_themes(page, "pairing dialog")
    tab_to(page, "st-remote-pair-copy")
    page.keyboard.press("Space")
    wait_until(lambda: "Remote link copied" in notice_text(page) or "Copying was not allowed" in notice_text(page),
               timeout_s=4, what="the pairing link copy notice")
    answer = requests.post(f"{room.server.base_url}/api/remote/pair", json={"code": pair_url.split("#pair=", 1)[1]},
                           headers={"User-Agent": PHONE_UA}, timeout=10)
    assert answer.status_code == 200, answer.text
    phone = Client(room.server.base_url, answer.json()["access_token"]).connect()  # the phone connects
    phone.join(room.code)
    wait_until(lambda: (d := overlay_element(page, "st-remote-paired")) and d["visible"], timeout_s=10,
               what="the dialog to say the phone paired")
    tab_to(page, "st-remote-close")
    page.keyboard.press("Enter")
    wait_until(lambda: not (overlay_element(page, "st-remote-dialog") or {}).get("visible"), timeout_s=4,
               what="the dialog to close")
    tab_to(page, "st-remote-revoke")
    page.keyboard.press("Enter")
    wait_until(lambda: (focused(page) or {}).get("key", "").startswith("button|st-remote-revoke-confirm"),
               timeout_s=4, what="the focus on the unpair question")
    page.keyboard.press("Tab")
    assert focused(page)["key"].startswith("button|st-remote-revoke-cancel")
    page.keyboard.press("Space")  # Keep
    wait_until(lambda: (focused(page) or {}).get("key", "").startswith("button|st-remote-revoke|"),
               timeout_s=4, what="the focus back on Unpair after Keep")
    page.keyboard.press("Enter")
    wait_until(lambda: (focused(page) or {}).get("key", "").startswith("button|st-remote-revoke-confirm"),
               timeout_s=4, what="the question again")
    page.keyboard.press("Enter")
    wait_until(lambda: page.locator("[data-testid=st-remote-item]").count() == 0, timeout_s=8,
               what="the phone to be unpaired")
    wait_until(lambda: not phone.connected, timeout_s=8, what="the unpaired phone's socket to drop")
    phone.close()

def roster(room: ViewerRoom) -> None:
    """The roster: make Bob an operator (Enter), the same place demotes him (Space)."""
    page = room.alice.page
    tab_to(page, "Make operator: Bob")
    page.keyboard.press("Enter")
    wait_until(lambda: "operator" in tags_of(page, "Bob"), timeout_s=6, what="Bob an operator")
    wait_until(lambda: "Demote: Bob" in ((focused(page) or {}).get("key") or ""), timeout_s=4,
               what="the focus to stay on Bob's role button")
    page.keyboard.press("Space")
    wait_until(lambda: "operator" not in tags_of(page, "Bob"), timeout_s=6, what="Bob demoted")

def settings(room: ViewerRoom) -> None:
    """Settings: every select with the arrows, every checkbox with Space, the password with Enter."""
    alice, page = room.alice, room.alice.page
    selects = (("control_mode", "owner_only", "operators"), ("ad_sync_mode", "operators_only", "pause_all"),
               ("buffer_policy", "wait", "catch_up"))
    for name, there, back in selects:
        tab_to(page, f"select||{name}|")
        page.keyboard.press("ArrowUp" if name == "control_mode" else "ArrowDown")
        last_line_says(alice, f"changed {name.replace('_', ' ')} to {there}")
        page.keyboard.press("ArrowDown" if name == "control_mode" else "ArrowUp")
        last_line_says(alice, f"changed {name.replace('_', ' ')} to {back}")
    for category in ("sponsor", "selfpromo", "interaction", "intro", "outro", "preview", "music_offtopic", "filler"):
        toggle_and_back(alice, f"skip_segments={category}", f"skip segments to {category}", "skip segments to none")
    toggle_and_back(alice, "autoadvance=on", "autoadvance to False", "autoadvance to True")
    toggle_and_back(alice, "queue_locked=on", "queue locked to True", "queue locked to False")
    tab_to(page, "st-setting-listed")
    page.keyboard.press("Space")
    last_line_says(alice, "listed to True")
    public = requests.get(f"{room.server.base_url}/api/rooms/public", timeout=10).json()["rooms"]
    assert [(r["code"], r["watching"]) for r in public] == [(room.code, 2)], public
    page.keyboard.press("Space")
    last_line_says(alice, "listed to False")
    tab_to(page, "input||password|")
    page.keyboard.type("keyboard-secret")
    page.keyboard.press("Enter")
    wait_until(lambda: "has a password" in (overlay_element(page, "st-password-state") or {}).get("text", ""),
               timeout_s=6, what="the password set with Enter")
    tab_to(page, "st-password-clear")
    page.keyboard.press("Space")
    wait_until(lambda: "No password" in (overlay_element(page, "st-password-state") or {}).get("text", ""),
               timeout_s=6, what="the password cleared with Space")
    tab_to(page, "input||password|")
    page.keyboard.type("again-secret")
    tab_to(page, "st-password-set")
    page.keyboard.press("Space")
    wait_until(lambda: "has a password" in (overlay_element(page, "st-password-state") or {}).get("text", ""),
               timeout_s=6, what="the password set with its button")
    tab_to(page, "st-password-clear")
    page.keyboard.press("Enter")
    wait_until(lambda: "No password" in (overlay_element(page, "st-password-state") or {}).get("text", ""),
               timeout_s=6, what="the password cleared with Enter")

def knocks(room: ViewerRoom) -> None:
    """A private room: knocks beside the pill, "Let in" with Enter, "Decline" with Space."""
    alice, page = room.alice, room.alice.page
    tab_to(page, "st-setting-private")
    page.keyboard.press("Space")
    last_line_says(alice, "is private to True")
    knockers = [Client.guest(room.server.base_url, name).connect() for name in ("Carol", "Dave")]
    try:
        for knocker in knockers:
            assert knocker.call("room.knock", {"code": room.code})["admitted"] is False
        wait_until(lambda: page.locator("[data-testid=st-knock]").count() == 2, timeout_s=8, what="two knocks")
        scan_in_both_themes(page, "knocks")
        tab_to(page, "Let in: Carol")
        page.keyboard.press("Enter")
        assert knockers[0].wait_for("room.knock_answer", timeout=10)["admitted"] is True
        tab_to(page, "Decline: Dave")
        page.keyboard.press("Space")
        assert knockers[1].wait_for("room.knock_answer", timeout=10)["admitted"] is False
    finally:
        for knocker in knockers:
            knocker.close()
    tab_to(page, "st-setting-private")
    page.keyboard.press("Space")
    last_line_says(alice, "is private to False")

def chat(room: ViewerRoom) -> None:
    """Chat: Enter in the box, Space on "Send"; the log itself takes the focus (it scrolls)."""
    bob, page = room.bob, room.alice.page
    tab_to(page, "st-chat-input")
    page.keyboard.type("typed with Enter")
    page.keyboard.press("Enter")
    chat_has(bob, "typed with Enter")
    tab_to(page, "st-chat-input")
    page.keyboard.type("sent with Space")
    page.keyboard.press("Tab")
    assert focused(page)["key"].startswith("button|st-chat-send")
    page.keyboard.press("Space")
    chat_has(bob, "sent with Space")
    tab_to(page, "st-chat-log")
    page.keyboard.press("Home")

def start_now(room: ViewerRoom) -> None:
    """The waiting banner beside the pill: Bob's ad holds the room, Alice starts it with Enter."""
    alice, bob, page = room.alice, room.bob, room.alice.page
    press_on_player(alice, "k")
    wait_in_sync(room.pages, playing=True, timeout_s=10)
    bob.page.evaluate("window.__fakeYT.startAd(15000)")
    try:
        wait_until(lambda: (b := overlay_element(page, "st-start-now")) and b["visible"], timeout_s=8,
                   what="Start now on Alice's page")
        scan_in_both_themes(page, "waiting banner")
        tab_to(page, "st-start-now")
        page.keyboard.press("Enter")
        wait_until(lambda: not (overlay_element(page, "st-waiting") or {}).get("visible"), timeout_s=6,
                   what="the hold to end")
        wait_until(lambda: not video_state(page)["paused"], timeout_s=6, what="Alice playing again")
    finally:
        bob.page.evaluate("window.__fakeYT.endAd()")
    wait_in_sync(room.pages, playing=True, timeout_s=12)
    press_on_player(alice, "k")
    wait_in_sync(room.pages, playing=False, timeout_s=8)

def queue(room: ViewerRoom) -> None:
    """The queue: links with Enter and with Space on "Add", ↓ and ↑, ✕, ▶, "Add this video", Skip."""
    alice, page = room.alice, room.alice.page
    for video_id, how in ((SECOND, "Enter"), (THIRD, "Space"), (FOURTH, "Enter")):
        tab_to(page, "st-queue-url")
        page.keyboard.type(f"https://youtu.be/{video_id}")
        if how == "Space":
            page.keyboard.press("Tab")
            assert focused(page)["key"].startswith("button|st-queue-add|")
        page.keyboard.press(how)
        wait_until(lambda v=video_id: v in queue_video_ids(page), timeout_s=8, what=f"{video_id} queued")
    assert queue_video_ids(page)[1:] == [SECOND, THIRD, FOURTH]
    queue = page.locator("[data-testid=st-queue]")
    wait_until(lambda: all(t in (queue.text_content() or "") for t in ("Second by", "Third by", "Fourth by")),
               timeout_s=8, what="the queued titles (oEmbed)")
    scan_in_both_themes(page, "a queue with entries")
    tab_to(page, "Move Second by keyboard down")
    page.keyboard.press("Enter")
    wait_until(lambda: queue_video_ids(page)[1:] == [THIRD, SECOND, FOURTH], timeout_s=6, what="moved down")
    tab_to(page, "Move Second by keyboard up")
    page.keyboard.press("Space")
    wait_until(lambda: queue_video_ids(page)[1:] == [SECOND, THIRD, FOURTH], timeout_s=6, what="moved up")
    tab_to(page, "Remove Fourth by keyboard")
    page.keyboard.press("Enter")
    wait_until(lambda: FOURTH not in queue_video_ids(page), timeout_s=6, what="removed")
    tab_to(page, "Play Second by keyboard now")
    page.keyboard.press("Enter")
    wait_in_sync(room.pages, playing=True, video_id=SECOND, timeout_s=15)
    open_the_panel(page)  # (YouTube loaded the new video's page)
    tab_to(page, "st-queue-add-current")
    page.keyboard.press("Enter")
    wait_until(lambda: "queue" in notice_text(page), timeout_s=6, what="the add-this-video notice")
    tab_to(page, "st-skip")
    page.keyboard.press("Enter")
    wait_in_sync(room.pages, playing=True, video_id=THIRD, timeout_s=15)
    open_the_panel(page)
    chat_has(alice, "skipped")

def open_another_video(page: Any, video_id: str) -> None:
    """A related video opened on YouTube (Tab to it, Enter): the overlay asks what to do with it."""
    open_related_video(page, video_id)
    wait_until(lambda: page.locator("#st-panel .dialog button").count() == 3, timeout_s=8, what="the choice")
    open_the_panel(page)


def another_video(room: ViewerRoom) -> None:
    """"You opened another video": add it to the queue (Enter); another: play it for everyone (Space)."""
    page = room.alice.page
    open_another_video(page, OTHER)
    scan_in_both_themes(page, "choice")
    tab_to(page, "Add it to the queue")
    page.keyboard.press("Enter")
    wait_until(lambda: OTHER in queued(page), timeout_s=8, what="the opened video queued")
    wait_until(lambda: video_state(page)["src"].endswith(f"/{THIRD}.webm"), timeout_s=10,
               what="Alice's tab back on the room's video")
    open_the_panel(page)  # (back on the room's video: YouTube loaded its page)
    open_another_video(page, FOURTH)
    tab_to(page, "Play it for everyone")
    page.keyboard.press("Space")
    wait_in_sync(room.pages, playing=True, video_id=FOURTH, timeout_s=15)
    open_the_panel(page)


def remove_and_join_question(room: ViewerRoom) -> None:
    """Remove Bob (Enter); Bob, outside the room, answers two invite questions from the keyboard."""
    bob, fake, page = room.bob, room.fake, room.alice.page
    tab_to(page, "Remove Bob")
    page.keyboard.press("Enter")
    wait_until(lambda: page.locator("[data-testid=st-member]").filter(has_text="Bob").count() == 0,
               timeout_s=8, what="Bob removed")
    eve = Client.guest(room.server.base_url, "Eve").connect()
    try:
        other_code = new_room(room.server.base_url, eve.token, name="Eve's keyboard room")
        eve.join(other_code)
        for answer in ("st-invite-dismiss", "st-invite-join"):
            bob.page.goto(f"{fake.watch_url(FIRST)}#sharetube={other_code}")
            wait_until(lambda: (q := overlay_element(bob.page, "st-invite-join")) and q["visible"], timeout_s=10,
                       what="the join question on Bob's page")
            reach_the_pill(bob.page)
            scan_in_both_themes(bob.page, "join question")
            tab_to(bob.page, answer)
            bob.page.keyboard.press("Enter" if answer == "st-invite-join" else "Space")
            wait_until(lambda: not (overlay_element(bob.page, "st-invite-confirm") or {}).get("visible"),
                       timeout_s=6, what=f"the question answered {answer!r}")
        wait_until(lambda: (c := overlay_element(bob.page, "st-room-code")) and c["text"] == other_code,
                   timeout_s=10, what="Bob in Eve's room")
    finally:
        eve.close()

def outside_a_room(room: ViewerRoom) -> None:
    """Leave (the choice's "Leave the room", Enter); outside a room: join by code with Enter on
    "Join", then "Leave room" (Space) and "Create a room" (Enter)."""
    page = room.alice.page
    open_another_video(page, SECOND)
    tab_to(page, "Leave the room")
    page.keyboard.press("Enter")
    wait_until(lambda: (b := overlay_element(page, "st-create-room")) and b["visible"], timeout_s=8,
               what="the signed-in panel outside a room")
    scan_in_both_themes(page, "outside a room")
    outside = controls(page)
    assert {"button|st-create-room||", "input|st-join-code||Room code or invite link",
            "button|st-join-submit||"} <= set(outside), outside
    tab_to(page, "st-join-code")
    page.keyboard.type(room.code)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    wait_until(lambda: (c := overlay_element(page, "st-room-code")) and c["visible"] and c["text"] == room.code,
               timeout_s=10, what="Alice back in her room")
    tab_to(page, "Leave room")
    page.keyboard.press("Space")
    wait_until(lambda: (b := overlay_element(page, "st-create-room")) and b["visible"], timeout_s=8,
               what="outside the room again")
    tab_to(page, "st-create-room")
    page.keyboard.press("Enter")
    wait_until(lambda: (c := overlay_element(page, "st-room-code")) and c["visible"]
               and c["text"] not in ("", room.code), timeout_s=10, what="a new room created from the keyboard")


def test_every_overlay_control_works_from_the_keyboard_in_light_and_dark_themes(room: ViewerRoom) -> None:
    alice, fake, page = room.alice, room.fake, room.alice.page
    for video_id, title in ((FIRST, "Keyboard opener"), (SECOND, "Second by keyboard"),
                            (THIRD, "Third by keyboard"), (OTHER, "Opened elsewhere"), (FOURTH, "Fourth by keyboard")):
        fake.register(video_id, title=title)  # again: the registry is reset between tests
    assert evaluate_without_gesture(page, "document.documentElement.hasAttribute('dark')")
    assert theme(page) == "dark"
    # The room pauses (YouTube's "k" on the player) so the 30 s clip lasts the whole test.
    press_on_player(alice, "k")
    wait_in_sync(room.pages, playing=False, timeout_s=8)
    light = light_theme(room)
    dark_theme_walk(room, light)
    room_header_and_phone_remote(room)
    roster(room)
    settings(room)
    knocks(room)
    chat(room)
    start_now(room)
    queue(room)
    another_video(room)
    remove_and_join_question(room)
    outside_a_room(room)
