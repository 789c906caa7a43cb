"""Issue 14, finding 9: an invite link never moves a signed-in user into a room silently.

Bob is signed in. Alice's invite link (#sharetube=CODE) shows "Join <room>?" with the room's
name, its owner and how many are in it; "Not now" keeps Bob out, "Join room" lets him in, and
once this browser joined that room a later link to it joins without asking.
"""
from __future__ import annotations

import time
from typing import Any

import requests
from extension_helpers import (
    BROWSER_SIDE,
    Profile,
    built_extension,
    create_room_from_popup,
    extension_server,  # noqa: F401  (the module's `server` fixture)
    first_page,
    launch_profile,
    open_panel,
    open_watch_page,
    overlay_element,
    popup_sign_in,
    wait_until,
)
from harness.fake_youtube import FakeYouTube

# The database side (invites, private rooms) runs on both databases in tests/socket/test_rooms_join.py
# and tests/security/test_room_access.py.
pytestmark = BROWSER_SIDE

VIDEO = "stInvConf01"


def members_on_server(server: Any, token: str, code: str) -> int:
    resp = requests.get(f"{server.base_url}/api/rooms/{code}", headers={"Authorization": f"Bearer {token}"},
                        timeout=10)
    return resp.json()["members"]


def room_code_shown(profile: Profile) -> str:
    """The room code the panel shows ("" when in no room); the panel is opened to look."""
    open_panel(profile.page)
    element = overlay_element(profile.page, "st-room-code")
    return (element or {}).get("text") or "" if element and element["visible"] else ""


def test_an_invite_link_asks_before_joining_and_remembers(playwright_instance: Any, fake_youtube: FakeYouTube,
                                                          server: Any, tmp_path_factory: Any) -> None:
    fake_youtube.register(VIDEO, title="Invite test", channel="Alice's Channel")
    extension = built_extension(tmp_path_factory.getbasetemp())
    contexts = []
    try:
        for name in ("alice", "bob"):
            contexts.append(launch_profile(playwright_instance, extension, fake_youtube, server.port,
                                           tmp_path_factory.mktemp(f"invite-{name}")))
        alice = Profile("Alice", contexts[0], first_page(contexts[0]))
        bob = Profile("Bob", contexts[1], first_page(contexts[1]))
        code, _ = create_room_from_popup(alice, fake_youtube.watch_url(VIDEO))
        invite = f"{fake_youtube.watch_url(VIDEO)}#sharetube={code}"
        open_watch_page(bob, fake_youtube.watch_url(VIDEO))
        popup_sign_in(bob.context, "Bob").close()
        guest = requests.post(f"{server.base_url}/auth/guest", json={"name": "Probe"}, timeout=10).json()

        # A signed-in user opening a stranger's link is asked, with the room's facts.
        bob.page.goto(invite)
        bob.ui("st-invite-confirm").wait_for(state="visible", timeout=10_000)
        text = bob.ui("st-invite-confirm").text_content() or ""
        assert "Alice's room" in text and "Owner: Alice" in text and "1 person is in it now" in text, text
        time.sleep(1.5)  # nothing happens while the question is open
        assert room_code_shown(bob) == ""
        assert members_on_server(server, guest["access_token"], code) == 1

        # "Not now": no room.
        bob.ui("st-invite-dismiss").click()
        bob.ui("st-invite-confirm").wait_for(state="hidden")
        time.sleep(1.0)
        assert room_code_shown(bob) == "" and members_on_server(server, guest["access_token"], code) == 1

        # Asked again on the next visit; "Join room" joins.
        bob.page.goto(invite)
        bob.ui("st-invite-join").wait_for(state="visible", timeout=10_000)
        bob.ui("st-invite-join").click()
        wait_until(lambda: room_code_shown(bob) == code, timeout_s=10, what="Bob in the room")
        wait_until(lambda: members_on_server(server, guest["access_token"], code) == 2, timeout_s=10,
                   what="the server to count Bob")

        # This browser joined that room before: a later link to it joins without asking.
        open_panel(bob.page)
        bob.page.locator("button:has-text('Leave room')").click()
        wait_until(lambda: room_code_shown(bob) == "", timeout_s=10, what="Bob out of the room")
        wait_until(lambda: members_on_server(server, guest["access_token"], code) == 1, timeout_s=10,
                   what="the server to see Bob leave")
        bob.page.goto(fake_youtube.watch_url(VIDEO))
        bob.page.goto(invite)
        wait_until(lambda: room_code_shown(bob) == code, timeout_s=10, what="Bob back in the room")
        confirm = overlay_element(bob.page, "st-invite-confirm")
        assert confirm is None or not confirm["visible"]
    finally:
        for context in contexts:
            context.close()
