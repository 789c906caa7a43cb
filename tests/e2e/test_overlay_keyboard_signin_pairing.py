"""The overlay from the keyboard alone, before a room and around the phone remote (issue 16):

- a never-signed-in browser: the overlay's sign-in form is reached with Tab and submitted with
  Enter (in the name field) or Space (on "Sign in"); the viewer ends signed in and in a room,
  by an invite link or by "Create a room"; the form passes axe-core in light and dark themes;
- an expired pairing code (the server started with PAIRING_TTL_MS=3000): the dialog says so,
  "New code" is reached with Tab and pressed with Enter, a fresh, different code shows and pairs
  a phone while the expired one is refused; the focus stays in the dialog as it changes.

Every step on the page is a real key press; the server is asked only to check the outcome.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from extension_helpers import (
    EXTENSION_ONLY,
    OVERLAY_HOST,
    Profile,
    built_extension,
    first_page,
    launch_profile,
    open_watch_page,
    overlay_element,
    popup_set_server,
    start_server,
    wait_until,
)
from harness.browser import close_contexts, evaluate_without_gesture
from harness.fake_youtube import FakeYouTube
from overlay_keyboard import focused, open_the_panel, scan_in_both_themes, tab_to

from tests.support.sio import Client, new_room

pytestmark = EXTENSION_ONLY

VIDEO = "stKbSignIn1"
PAIRING_TTL_MS = 3_000
PHONE_UA = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0 Mobile Safari/537.36")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, db_templates: Any, fake_youtube: FakeYouTube) -> Iterator[Any]:
    proc = start_server(tmp_path_factory.mktemp("st-server"), db_templates.fresh_url(), fake_youtube,
                        PAIRING_TTL_MS=str(PAIRING_TTL_MS), SPONSORBLOCK_API_URL="http://127.0.0.1:9")
    yield proc
    proc.stop()


@pytest.fixture
def signed_out(playwright_instance: Any, fake_youtube: FakeYouTube, server: Any,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """profile(name) → a fresh Chromium profile with the extension that never signed in (only the
    popup's server address is set, as for every test profile)."""
    contexts: list[Any] = []

    def profile(name: str) -> Profile:
        context = launch_profile(playwright_instance, built_extension(tmp_path_factory.getbasetemp()), fake_youtube,
                                 server.port, tmp_path_factory.mktemp(f"profile-{name.lower()}"))
        contexts.append(context)
        popup_set_server(context).close()
        page = first_page(context)
        page.set_viewport_size({"width": 1280, "height": 900})
        return Profile(name, context, page)

    yield profile
    close_contexts(contexts)


def room_code_shown(page: Any) -> str:
    """The overlay's room code once it shows one ('' before)."""
    code = overlay_element(page, "st-room-code")
    return code["text"] if code and code["visible"] else ""


def panel_text(page: Any) -> str:
    return evaluate_without_gesture(page, f"{OVERLAY_HOST}.shadowRoot.querySelector('#st-panel').textContent")


def test_a_signed_out_viewer_signs_in_from_the_keyboard_and_joins_by_invite(
        server: Any, fake_youtube: FakeYouTube, signed_out: Any) -> None:
    fake_youtube.register(VIDEO, title="Keyboard sign-in")
    eve = Client.guest(server.base_url, "Eve").connect()
    try:
        code = new_room(server.base_url, eve.token, name="Eve's room")
        eve.join(code)
        carol = signed_out("Carol")
        page = carol.page
        page.goto(f"{fake_youtube.watch_url(VIDEO)}#sharetube={code}")
        wait_until(lambda: (n := overlay_element(page, "st-signin-name")) and n["visible"], timeout_s=10,
                   what="the sign-in form (the invite opens the panel)")
        assert f"Enter a name to join room {code}" in panel_text(page)
        scan_in_both_themes(page, "signed-out sign-in form")
        tab_to(page, "st-signin-name")
        page.keyboard.type("Carol")
        page.keyboard.press("Tab")
        assert (focused(page) or {}).get("key", "").startswith("button|st-signin-submit"), focused(page)
        page.keyboard.press("Space")  # "Sign in"
        wait_until(lambda: (q := overlay_element(page, "st-invite-join")) and q["visible"], timeout_s=10,
                   what="the join question once signed in")
        tab_to(page, "st-invite-join")
        page.keyboard.press("Enter")
        wait_until(lambda: room_code_shown(page) == code, timeout_s=10, what="Carol in Eve's room")
        # the server's side: Carol is in the room's roster, under the name she typed
        wait_until(lambda: any("Carol" in [m.get("name") for m in update.get("members", [])]
                               for update in eve.of("presence.update")),
                   timeout_s=6, what="Carol in the roster Eve receives from the server")
    finally:
        eve.close()


def test_an_expired_pairing_code_is_renewed_from_the_keyboard(
        server: Any, fake_youtube: FakeYouTube, signed_out: Any) -> None:
    fake_youtube.register(VIDEO, title="Keyboard sign-in")
    dave = signed_out("Dave")
    page = dave.page
    open_watch_page(dave, fake_youtube.watch_url(VIDEO))
    # signed out, no invite: the panel opens from the pill (Shift+Tab, Enter), the name box takes
    # Enter; then "Create a room" with Enter
    open_the_panel(page)
    tab_to(page, "st-signin-name")
    page.keyboard.type("Dave")
    page.keyboard.press("Enter")
    wait_until(lambda: (b := overlay_element(page, "st-create-room")) and b["visible"], timeout_s=10,
               what="the signed-in panel after Enter in the name box")
    assert "Signed in as Dave" in panel_text(page)
    tab_to(page, "st-create-room")
    page.keyboard.press("Enter")
    code = wait_until(lambda: room_code_shown(page), timeout_s=10, what="Dave in a new room")

    # the pairing dialog, opened with Enter; its code lives PAIRING_TTL_MS (3 s) on this server
    tab_to(page, "st-remote-qr")
    page.keyboard.press("Enter")
    first = wait_until(lambda: (u := overlay_element(page, "st-remote-pair-url")) and u["visible"] and u["text"],
                       timeout_s=8, what="the pairing code")
    wait_until(lambda: (e := overlay_element(page, "st-remote-expired")) and e["visible"],
               timeout_s=PAIRING_TTL_MS / 1000 + 4, what="the dialog to say the code expired")
    scan_in_both_themes(page, "an expired pairing code")
    tab_to(page, "st-remote-new-code")
    page.keyboard.press("Enter")
    second = wait_until(lambda: (u := overlay_element(page, "st-remote-pair-url")) and u["visible"]
                        and u["text"] != first and u["text"], timeout_s=8, what="a fresh code in the dialog")
    # the focus stays where it was: "New code" became "Copy link" (not the page's body)
    assert (focused(page) or {}).get("key", "").startswith("button|st-remote-pair-copy"), focused(page)
    # …and when this code expires too, the focus on "Copy link" becomes the focus on "New code":
    # Enter alone gets a third code
    wait_until(lambda: (e := overlay_element(page, "st-remote-expired")) and e["visible"],
               timeout_s=PAIRING_TTL_MS / 1000 + 4, what="the second code to expire")
    assert (focused(page) or {}).get("key", "").startswith("button|st-remote-new-code"), focused(page)
    page.keyboard.press("Enter")
    third = wait_until(lambda: (u := overlay_element(page, "st-remote-pair-url")) and u["visible"]
                       and u["text"] not in (first, second) and u["text"], timeout_s=8, what="a third code")
    assert (focused(page) or {}).get("key", "").startswith("button|st-remote-pair-copy"), focused(page)

    def pair(url: str) -> requests.Response:
        return requests.post(f"{server.base_url}/api/remote/pair", json={"code": url.split("#pair=", 1)[1]},
                             headers={"User-Agent": PHONE_UA}, timeout=10)

    stale = pair(first)
    assert (stale.status_code, stale.json()["reason"]) == (400, "expired"), stale.text
    fresh = pair(third)
    assert fresh.status_code == 200 and fresh.json()["room_code"] == code, fresh.text
    phone = Client(server.base_url, fresh.json()["access_token"]).connect()  # the phone connects
    try:
        phone.join(code)
        wait_until(lambda: (p := overlay_element(page, "st-remote-paired")) and p["visible"], timeout_s=10,
                   what="the dialog to say the phone paired")
    finally:
        phone.close()
