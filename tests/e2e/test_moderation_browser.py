"""Issue 16 item 5 in the browser: moderation on screen. Alice (the owner) bans Carol from the
roster, finds her in the ban list and lifts the ban there (Carol joins again); she makes Bob an
operator, then leaves: after OWNER_AWAY_MS the server hands the room to Bob, and Bob's overlay
shows him as the owner, with the owner's buttons and the chat line that says why."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from extension_helpers import (
    BROWSER_SIDE,
    Profile,
    built_extension,
    create_room_from_popup,
    first_page,
    join_by_invite_signed_out,
    launch_profile,
    open_panel,
    overlay_element,
    start_server,
    wait_until,
)
from harness.browser import close_contexts
from harness.fake_youtube import FakeYouTube

from tests.support.sio import Client

# The database side runs on both databases in tests/socket/test_moderation.py.
pytestmark = BROWSER_SIDE

VIDEO = "stModerat01"
AWAY_MS = 3_000


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, db_templates: Any, fake_youtube: FakeYouTube) -> Iterator[Any]:
    proc = start_server(tmp_path_factory.mktemp("st-moderation"), db_templates.fresh_url(), fake_youtube,
                        OWNER_AWAY_MS=str(AWAY_MS))
    yield proc
    proc.stop()


def shown(profile: Profile, testid: str) -> str:
    element = overlay_element(profile.page, testid)
    return element["text"] if element and element["visible"] else ""


def row(profile: Profile, user_id: int, testid: str = "") -> Any:
    inner = f" [data-testid={testid}]" if testid else ""
    return profile.page.locator(f"[data-testid=st-member][data-user-id='{user_id}']{inner}")


def test_ban_list_unban_and_the_hand_over_of_an_away_owner(playwright_instance: Any, fake_youtube: FakeYouTube,
                                                            server: Any, tmp_path_factory: Any) -> None:
    fake_youtube.register(VIDEO, title="Moderation test", channel="Alice's Channel")
    extension = built_extension(tmp_path_factory.getbasetemp())
    contexts = [launch_profile(playwright_instance, extension, fake_youtube, server.port,
                               tmp_path_factory.mktemp(f"moderation-{n}")) for n in ("alice", "bob")]
    carol = None
    try:
        alice = Profile("Alice", contexts[0], first_page(contexts[0]))
        bob = Profile("Bob", contexts[1], first_page(contexts[1]))
        code, invite = create_room_from_popup(alice, fake_youtube.watch_url(VIDEO))
        join_by_invite_signed_out(bob, invite, code)
        carol = Client.guest(server.base_url, "Carol").connect()
        carol.join(code)
        carol_id = carol.user["id"]
        open_panel(alice.page)

        # Ban from the roster; the ban list names her and who banned her; "Lift ban" lets her back.
        row(alice, carol_id, "st-member-ban").click()
        assert carol.wait_for("room.kicked", timeout=10)["reason"] == "banned"
        assert carol.call("join", {"code": code})["error"] == "forbidden"
        assert shown(bob, "st-bans-toggle") == "", "a participant has no ban list"
        alice.ui("st-bans-toggle").click()
        wait_until(lambda: "Carol" in shown(alice, "st-bans") and "by Alice" in shown(alice, "st-bans"),
                   timeout_s=10, what="Carol in Alice's ban list, banned by Alice")
        alice.page.locator(f"[data-testid=st-ban][data-user-id='{carol_id}'] [data-testid=st-unban]").click()
        wait_until(lambda: shown(alice, "st-bans") == "Nobody is banned.", timeout_s=10,
                   what="the ban list to empty after Lift ban")
        assert carol.call("join", {"code": code})["ok"], "Carol may join again"

        # Bob becomes an operator (from Alice's roster); then Alice goes away.
        bob_id = int(alice.page.locator("[data-testid=st-member]", has_text="Bob").get_attribute("data-user-id") or 0)
        row(alice, bob_id, "st-member-role").click()
        wait_until(lambda: row(alice, bob_id).get_attribute("data-role") == "operator", timeout_s=10,
                   what="Bob an operator in Alice's roster")
        open_panel(bob.page)
        assert row(bob, carol_id, "st-member-owner").count() == 0, "an operator cannot hand the room over"
        contexts[0].close()  # Alice's browser closes: her socket leaves the room
        wait_until(lambda: row(bob, bob_id).get_attribute("data-role") == "owner", timeout_s=AWAY_MS / 1000 + 15,
                   what="Bob to be the owner in his own overlay after Alice was away")
        # the roster (presence.update) and the chat line are two frames: either may come first
        wait_until(lambda: "Alice has been away for 3 s: Bob is now the owner" in shown(bob, "st-chat-log"),
                   timeout_s=6, what="the hand-over's line in Bob's chat")
        row(bob, carol_id, "st-member-owner").wait_for(state="visible", timeout=5_000)  # the owner's buttons
        assert row(bob, carol_id, "st-member-ban").is_visible()
        assert carol.call("room.sync")["room"]["owner_id"] == bob_id
    finally:
        if carol is not None:
            carol.close()
        close_contexts(contexts)
