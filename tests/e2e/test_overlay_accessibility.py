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
(join by code, create a room); the owner's moderation views; Shuffle / Undo shuffle, the
hand-over to another member, and "Older messages" (test_shuffle_hand_over_and_older_messages_…).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from extension_helpers import (
    EXTENSION_ONLY,
    OVERLAY_HOST,
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
    key_of,
    last_line_says,
    open_related_video,
    open_the_panel,
    panel_open,
    press_in_overlay,
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
    scan_in_both_themes(page, "the remotes list with a paired phone")
    tab_to(page, "st-remote-revoke")
    page.keyboard.press("Enter")
    wait_until(lambda: (focused(page) or {}).get("key", "").startswith("button|st-remote-revoke-confirm"),
               timeout_s=4, what="the focus on the unpair question")
    scan_in_both_themes(page, "the unpair question")
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
    # Repeat and the owner's vote-skip share: ArrowDown to the next option, ArrowUp back
    for part, there, back in (("st-setting-repeat", "repeat to one", "repeat to off"),
                              ("select||vote_skip_ratio|", "vote skip ratio to 0.75", "vote skip ratio to 0.5")):
        tab_to(page, part)
        press_in_overlay(page, "ArrowDown")
        last_line_says(alice, f"changed {there}")
        press_in_overlay(page, "ArrowUp")
        last_line_says(alice, f"changed {back}")
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


def pause_the_room(room: ViewerRoom) -> None:
    """The room paused (YouTube's "k" on the player, only when it plays) so the 30 s clip lasts."""
    if not video_state(room.alice.page)["paused"]:
        press_on_player(room.alice, "k")
    wait_in_sync(room.pages, playing=False, timeout_s=8)


def role_in_presence(client: Client, user_id: int, role: str) -> Any:
    """The first presence.update the client got in which `user_id` has `role` (the server's word)."""
    return client.wait_for("presence.update", lambda d: any(
        m["user_id"] == user_id and m["role"] == role for m in d["members"]), timeout=10)


def roster_names(page: Any) -> list[str]:
    return [name.strip() for name in page.locator("[data-testid=st-member] .grow").all_text_contents()]


def focus_is(page: Any, part: str, what: str) -> None:
    wait_until(lambda: part in ((focused(page) or {}).get("key") or ""), timeout_s=4, what=what,
               show=lambda: focused(page))


@pytest.mark.parametrize("wanted", ["light", "dark"])
def test_moderation_views_pass_axe_and_work_from_the_keyboard(room: ViewerRoom, wanted: str) -> None:
    """The owner's moderation views in one theme (switched live): the roster with another member's
    buttons, the hand-over question and the ban list with a banned member pass axe-core; from the
    keyboard alone Alice makes Carol an operator, opens and cancels the hand-over to her, bans Dave,
    opens the ban list and lifts his ban. Each step is checked on the server (Carol's and Dave's
    sockets), the focus stays on or beside the pressed control after each re-render, and no key
    pressed on a control reaches YouTube's shortcuts on the document."""
    page, base = room.alice.page, room.server.base_url
    room.fake.register(FIRST, title="Keyboard opener")  # the registry is reset between tests
    pause_the_room(room)
    carol = Client.guest(base, "Carol").connect()
    dave = Client.guest(base, "Dave").connect()
    try:
        carol.join(room.code)
        dave.join(room.code)
        carol_id, dave_id = carol.user["id"], dave.user["id"]
        evaluate_without_gesture(page, f"window.__fakeYT.setDarkTheme({'true' if wanted == 'dark' else 'false'})")
        wait_until(lambda: theme(page) == wanted, timeout_s=3, what=f"the overlay in the {wanted} theme")
        open_the_panel(page)
        for name in ("Carol", "Dave"):
            wait_until(lambda n=name: key_of(page, f"Ban {n} from the room", strict=False), timeout_s=10,
                       what=f"{name}'s moderation buttons in Alice's roster", show=lambda: controls(page))
        scan(page, f"{wanted}, the owner's roster with moderation buttons")
        owner_id = carol.call("room.sync")["room"]["owner_id"]

        # Make operator (Enter): the server says Carol is one; the focus stays on her role button.
        carol.clear()
        tab_to(page, "Make operator: Carol")
        press_in_overlay(page, "Enter")
        role_in_presence(carol, carol_id, "operator")
        focus_is(page, "Demote: Carol", "the focus on Carol's role button, now Demote")

        # Make owner (Space) asks first; the question passes axe; Cancel (Enter) keeps the room.
        tab_to(page, "Make owner: hand the room over to Carol")
        press_in_overlay(page, "Space")
        focus_is(page, "st-member-owner-", "the focus on the hand-over question")
        assert key_of(page, "Hand over to Carol") and key_of(page, "Cancel: keep the room, Carol")
        scan(page, f"{wanted}, the hand-over question")
        tab_to(page, "Cancel: keep the room, Carol")
        press_in_overlay(page, "Enter")
        focus_is(page, "Make owner: hand the room over to Carol", "the focus back on Make owner after Cancel")
        assert key_of(page, "Hand over to Carol", strict=False) is None, "Cancel closes the question"
        room_now = carol.call("room.sync")["room"]
        assert room_now["owner_id"] == owner_id, "Cancel handed the room over"
        assert [m["role"] for m in room_now["members"] if m["user_id"] == carol_id] == ["operator"]

        # Ban (Enter): Dave is kicked as banned and may not join; the server's ban list names him.
        tab_to(page, "Ban Dave from the room")
        press_in_overlay(page, "Enter")
        assert dave.wait_for("room.kicked", timeout=10)["reason"] == "banned"
        assert dave.call("join", {"code": room.code})["error"] == "forbidden"
        assert [b["user_id"] for b in carol.call("room.bans")["bans"]] == [dave_id]
        wait_until(lambda: "Dave" not in roster_names(page), timeout_s=8, what="Dave gone from Alice's roster")
        assert focused(page) is not None, "the focus left the overlay when Dave's row went"

        # The ban list (Enter on "Ban list"), scanned with Dave in it; "Lift ban" (Space).
        tab_to(page, "st-bans-toggle")
        press_in_overlay(page, "Enter")
        wait_until(lambda: key_of(page, "Lift ban: Dave", strict=False), timeout_s=10, what="Dave in the ban list",
                   show=lambda: controls(page))
        assert "by Alice" in (overlay_element(page, "st-bans") or {}).get("text", "")
        scan(page, f"{wanted}, the ban list with Dave banned")
        tab_to(page, "Lift ban: Dave")
        carol.clear()
        press_in_overlay(page, "Space")
        carol.wait_for("room.bans", lambda d: d["bans"] == [], timeout=8)  # the server's push to operators
        assert carol.call("room.bans")["bans"] == [], "the server still lists Dave"
        wait_until(lambda: (overlay_element(page, "st-bans") or {}).get("text") == "Nobody is banned.", timeout_s=8,
                   what="Alice's ban list empty")
        focus_is(page, "st-bans-toggle", "the focus on the Ban list button once the last ban is lifted")
        assert dave.call("join", {"code": room.code})["ok"], "Dave may join again"

        # Back as the room was: the list closed (Enter), Carol a participant again (Space on Demote).
        press_in_overlay(page, "Enter")
        assert (overlay_element(page, "st-bans") or {}).get("visible") is False
        carol.clear()
        tab_to(page, "Demote: Carol")
        press_in_overlay(page, "Space")
        role_in_presence(carol, carol_id, "participant")
        focus_is(page, "Make operator: Carol", "the focus on Carol's role button, now Make operator")
        press_in_overlay(page, "Escape")
        assert not panel_open(page) and focused(page)["key"] == PILL, "Escape closes the panel, focus on the pill"
        assert video_state(page)["paused"], "a key on the overlay reached YouTube's player (it plays)"
    finally:
        carol.close()
        dave.close()
    wait_until(lambda: sorted(roster_names(page)) == ["Alice (you)", "Bob"], timeout_s=10,
               what="Carol and Dave gone", show=lambda: roster_names(page))
    evaluate_without_gesture(page, "window.__fakeYT.setDarkTheme(true)")  # as the next test starts
    wait_until(lambda: theme(page) == "dark", timeout_s=3, what="the dark theme again")


CHAT_LINES = f"""(() => {OVERLAY_HOST}.shadowRoot.querySelectorAll('[data-testid=st-chat-log] .chat-line').length)()"""


def queued_ids(queue_update: dict) -> list[int]:
    return [e["id"] for e in queue_update["queue"] if e["status"] == "queued"]


def test_shuffle_hand_over_and_older_messages_work_from_the_keyboard(room: ViewerRoom) -> None:
    """From the keyboard alone (Tab, then Enter or Space; no key reaching YouTube's shortcuts on
    the document), each checked on the server: Alice shuffles three queued videos and undoes it
    ("Undo shuffle" shown passes axe-core in light and dark; the focus stays in the queue when it
    goes), hands the room over to Carol (Carol's socket hands it back), and, after a reload with
    more chat than one page, loads the older messages (the button shown passes axe-core; the
    focus moves to the log when it goes). The room is left as the next test expects it: the
    queue without the three, Carol gone, Alice owner, the panel closed, the dark theme."""
    page, base = room.alice.page, room.server.base_url
    for video_id, title in ((FIRST, "Keyboard opener"), (SECOND, "Second by keyboard"),
                            (THIRD, "Third by keyboard"), (FOURTH, "Fourth by keyboard")):
        room.fake.register(video_id, title=title)
    pause_the_room(room)
    carol = Client.guest(base, "Carol").connect()
    talkers: list[Client] = []
    try:
        carol.join(room.code)
        carol_id = carol.user["id"]
        alice_id = carol.call("room.sync")["room"]["owner_id"]
        added = [carol.call("queue.add", {"video_id": v})["entry"]["id"] for v in (SECOND, THIRD, FOURTH)]
        open_the_panel(page)
        wait_until(lambda: queued(page)[1:] == [SECOND, THIRD, FOURTH], timeout_s=8, what="Carol's three queued",
                   show=lambda: queued(page))

        # Shuffle (Enter): the server's queue comes back in another order, and may be undone
        carol.clear()
        tab_to(page, "st-queue-shuffle")
        press_in_overlay(page, "Enter")
        shuffled = carol.wait_for("queue.update", lambda d: d["can_undo_shuffle"], timeout=8)
        assert sorted(queued_ids(shuffled)) == sorted(added) and queued_ids(shuffled) != added, shuffled
        wait_until(lambda: key_of(page, "st-queue-unshuffle", strict=False), timeout_s=6, what="Undo shuffle")
        scan_in_both_themes(page, "Undo shuffle shown")
        # Undo shuffle (Space): the server's order is the one before; the button goes, the focus
        # moves to Shuffle
        carol.clear()
        tab_to(page, "st-queue-unshuffle")
        press_in_overlay(page, "Space")
        undone = carol.wait_for("queue.update", lambda d: not d["can_undo_shuffle"], timeout=8)
        assert queued_ids(undone) == added, undone
        focus_is(page, "st-queue-shuffle", "the focus on Shuffle once Undo shuffle went")
        for entry_id in added:
            assert carol.call("queue.remove", {"entry_id": entry_id})["ok"]
        wait_until(lambda: queued(page) == [FIRST], timeout_s=8, what="the queue as it was", show=lambda: queued(page))

        # Hand over (Space on Make owner, Enter on Hand over): the server makes Carol the owner
        carol.clear()
        tab_to(page, "Make owner: hand the room over to Carol")
        press_in_overlay(page, "Space")
        focus_is(page, "st-member-owner-", "the focus on the hand-over question")
        tab_to(page, "Hand over to Carol")
        press_in_overlay(page, "Enter")
        assert carol.wait_for("presence.update", lambda d: d.get("owner_id") == carol_id, timeout=10)
        role_in_presence(carol, alice_id, "operator")
        wait_until(lambda: "owner" in tags_of(page, "Carol"), timeout_s=6, what="Carol the owner in Alice's roster")
        assert focused(page) is not None, "the focus left the overlay when the room was handed over"
        # …and Carol hands it back from her socket: Alice owns the room again
        assert carol.call("member.role", {"user_id": alice_id, "role": "owner"})["ok"]
        wait_until(lambda: key_of(page, "Make owner: hand the room over to Carol", strict=False), timeout_s=8,
                   what="Alice the owner again (her Make owner buttons back)", show=lambda: controls(page))

        # More chat than one page (the server sends the last 50 lines on join): written by guests,
        # five lines each (the per-user limit)
        tail = len(carol.call("room.sync")["room"]["chat"])
        for n in range(max(1, -(-(55 - tail) // 5))):
            talker = Client.guest(base, f"Talker {n + 1}").connect()
            talkers.append(talker)
            talker.join(room.code)
            for line in range(5):
                assert talker.call("chat.send", {"text": f"line {line + 1} from talker {n + 1}"})["ok"]
    finally:
        carol.close()
        for talker in talkers:
            talker.close()
    # Alice's page loads again: her overlay rejoins with a full page of chat, and may ask for older lines
    room.fake.variant = VARIANTS["dark_theme"]  # (as the fixture's pages loaded; reset between tests)
    page.reload()
    wait_until(lambda: (c := overlay_element(page, "st-room-code")) and c["text"] == room.code, timeout_s=10,
               what="Alice back in the room after the reload")
    wait_until(lambda: sorted(roster_names(page)) == ["Alice (you)", "Bob"], timeout_s=10,
               what="Carol and the talkers gone", show=lambda: roster_names(page))
    open_the_panel(page)
    wait_until(lambda: key_of(page, "st-chat-older", strict=False), timeout_s=8, what="Older messages")
    scan_in_both_themes(page, "Older messages shown")
    before = evaluate_without_gesture(page, CHAT_LINES)
    tab_to(page, "st-chat-older")
    press_in_overlay(page, "Enter")
    wait_until(lambda: evaluate_without_gesture(page, CHAT_LINES) > before, timeout_s=8,
               what="the older lines (chat.history) in Alice's log")
    wait_until(lambda: key_of(page, "st-chat-older", strict=False) is None, timeout_s=4,
               what="Older messages gone (no more to load)")
    focus_is(page, "st-chat-log", "the focus on the chat log once Older messages went")
    press_in_overlay(page, "Escape")
    assert not panel_open(page) and focused(page)["key"] == PILL, "Escape closes the panel, focus on the pill"
    assert theme(page) == "dark"


def test_every_overlay_control_works_from_the_keyboard_in_light_and_dark_themes(room: ViewerRoom) -> None:
    fake, page = room.fake, room.alice.page
    for video_id, title in ((FIRST, "Keyboard opener"), (SECOND, "Second by keyboard"),
                            (THIRD, "Third by keyboard"), (OTHER, "Opened elsewhere"), (FOURTH, "Fourth by keyboard")):
        fake.register(video_id, title=title)  # again: the registry is reset between tests
    assert evaluate_without_gesture(page, "document.documentElement.hasAttribute('dark')")
    assert theme(page) == "dark"
    # The room pauses (YouTube's "k" on the player) so the 30 s clip lasts the whole test.
    pause_the_room(room)
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
