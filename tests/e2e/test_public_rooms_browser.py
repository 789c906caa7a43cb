"""Joining a public room from the homepage with the real extension (issue 16, item 7).

Eve (a socket client) lists her room; Bob, signed in with the extension, opens the server's
homepage: the extension marks the page, the list shows Eve's room (name, what plays with its
thumbnail from i.ytimg.com, how many watch) and its "Join" goes straight to YouTube with the
room; the extension asks "Join <room>?" there, and Bob is in Eve's room.
"""

from __future__ import annotations

from typing import Any

import pytest
from extension_helpers import (
    BROWSER_SIDE,
    SERVER_ADDRESS,
    Profile,
    accept_invite_question,
    built_extension,
    extension_server,  # noqa: F401  (the module's `server` fixture)
    first_page,
    launch_profile,
    overlay_element,
    popup_sign_in,
    wait_until,
)
from harness.fake_youtube import FakeYouTube
from playwright.sync_api import expect

from tests.support.sio import Client, new_room

# The database side runs on both databases in tests/socket/test_public_rooms.py.
pytestmark = BROWSER_SIDE

VIDEO = "stPublic001"


def test_join_from_the_homepage_list_opens_youtube_with_the_room(
        playwright_instance: Any, fake_youtube: FakeYouTube, server: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    fake_youtube.register(VIDEO, title="Everyone may watch")
    eve = Client.guest(server.base_url, "Eve").connect()
    context = None
    try:
        code = new_room(server.base_url, eve.token, name="Eve's public room")
        eve.join(code)
        assert eve.call("queue.add", {"video_id": VIDEO})["ok"]
        assert eve.call("room.settings", {"listed": True})["ok"]
        new_room(server.base_url, eve.token, name="Eve's unlisted room")  # never shown (and empty)

        context = launch_profile(playwright_instance, built_extension(tmp_path_factory.getbasetemp()), fake_youtube,
                                 server.port, tmp_path_factory.mktemp("public-bob"))
        bob = Profile("Bob", context, first_page(context))
        popup_sign_in(context, "Bob").close()
        bob.page.goto(f"{SERVER_ADDRESS}/")
        item = bob.page.get_by_test_id("public-room")
        expect(item).to_have_count(1)
        expect(item.get_by_test_id("public-room-name")).to_have_text("Eve's public room")
        expect(item.get_by_test_id("public-room-watching")).to_have_text("1 watching")
        thumb = item.locator("img.room-thumb")
        assert thumb.get_attribute("src") == f"https://i.ytimg.com/vi/{VIDEO}/mqdefault.jpg"
        wait_until(lambda: thumb.evaluate("(img) => img.complete && img.naturalWidth > 0"), timeout_s=5,
                   what="the thumbnail from (the imitation) i.ytimg.com")
        join = item.get_by_test_id("public-room-join")
        expect(join).to_have_attribute("href", f"https://www.youtube.com/watch?v={VIDEO}#sharetube={code}")
        join.click()
        bob.page.wait_for_url(f"https://www.youtube.com/watch?v={VIDEO}*")
        accept_invite_question(bob)
        wait_until(lambda: (c := overlay_element(bob.page, "st-room-code")) and c["text"] == code, timeout_s=10,
                   what="Bob in Eve's room")
        roster = eve.call("room.sync")["room"]["members"]
        assert {m["name"] for m in roster if m.get("connected", True)} >= {"Eve", "Bob"}, roster
    finally:
        if context is not None:
            context.close()
        eve.close()
