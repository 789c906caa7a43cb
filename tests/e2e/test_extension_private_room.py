"""Issue 14, finding 8, in the browser: Alice makes her room private; her invite link then
carries the room's secret. Carol (a socket client) knocks: Alice sees it beside the pill and lets
her in. Bob opens the link without its secret: after the join question he waits, Alice lets him
in from the overlay, and he is in the room."""
from __future__ import annotations

from typing import Any

from extension_helpers import (
    Profile,
    built_extension,
    create_room_from_popup,
    extension_server,  # noqa: F401  (the module's `server` fixture)
    first_page,
    launch_profile,
    notice_text,
    open_panel,
    open_watch_page,
    overlay_element,
    popup_sign_in,
    wait_until,
)
from harness.fake_youtube import FakeYouTube

from tests.support.sio import Client

VIDEO = "stPrivate01"


def shown(profile: Profile, testid: str) -> str:
    element = overlay_element(profile.page, testid)
    return element["text"] if element and element["visible"] else ""


def test_a_private_room_lets_in_only_whom_an_operator_admits(playwright_instance: Any, fake_youtube: FakeYouTube,
                                                              server: Any, tmp_path_factory: Any) -> None:
    fake_youtube.register(VIDEO, title="Private test", channel="Alice's Channel")
    extension = built_extension(tmp_path_factory.getbasetemp())
    contexts = [launch_profile(playwright_instance, extension, fake_youtube, server.port,
                               tmp_path_factory.mktemp(f"private-{n}")) for n in ("alice", "bob")]
    carol = None
    try:
        alice = Profile("Alice", contexts[0], first_page(contexts[0]))
        bob = Profile("Bob", contexts[1], first_page(contexts[1]))
        code, _ = create_room_from_popup(alice, fake_youtube.watch_url(VIDEO))
        open_panel(alice.page)
        alice.ui("st-setting-private").check()
        link = alice.ui("st-invite-link")
        wait_until(lambda: "&invite=" in (link.get_attribute("href") or ""), timeout_s=10,
                   what="Alice's invite link to carry the private room's secret")

        # Carol knocks from a plain socket client; Alice lets her in from the overlay.
        carol = Client.guest(server.base_url, "Carol").connect()
        refused = carol.call("join", {"code": code})
        assert refused["ok"] is False and refused["needs_approval"] is True
        assert carol.call("room.knock", {"code": code})["admitted"] is False
        wait_until(lambda: "Carol" in shown(alice, "st-knocks"), timeout_s=10, what="Carol's knock on Alice's page")
        alice.ui("st-knock-admit").click()
        answer = carol.wait_for("room.knock_answer", timeout=10)
        assert answer["admitted"] is True and carol.call("join", {"code": code})["ok"]
        wait_until(lambda: shown(alice, "st-knocks") == "", timeout_s=10, what="the answered knock to go")

        # Bob, with the link but not its secret: asked, then waits until Alice lets him in.
        open_watch_page(bob, fake_youtube.watch_url(VIDEO))
        popup_sign_in(bob.context, "Bob").close()
        bob.page.goto(f"{fake_youtube.watch_url(VIDEO)}#sharetube={code}")
        bob.ui("st-invite-confirm").wait_for(state="visible", timeout=10_000)
        assert "private" in (bob.ui("st-invite-confirm").text_content() or "")
        bob.ui("st-invite-join").click()
        wait_until(lambda: "waiting for its owner" in notice_text(bob.page), timeout_s=10,
                   what="Bob to be told he waits for the owner")
        wait_until(lambda: "Bob" in shown(alice, "st-knocks"), timeout_s=10, what="Bob's knock on Alice's page")
        alice.ui("st-knock-admit").click()
        open_panel(bob.page)
        wait_until(lambda: shown(bob, "st-room-code") == code, timeout_s=10, what="Bob in the private room")
    finally:
        if carol is not None:
            carol.close()
        for context in contexts:
            context.close()
