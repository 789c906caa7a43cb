"""The phone remote in a room with nothing queued (issue 18 item 4): Play and the speed are off
and the remote says why; the first queued video turns them on."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.screenshots import SCREENSHOTS
from tests.e2e.test_mobile_remote import (  # noqa: F401  (fixtures: server, browser, phone)
    Member,
    browser,
    call,
    new_pairing,
    pair_phone,
    phone,
    server,
)


def test_nothing_queued_disables_the_transport_with_a_reason(server, phone):  # noqa: F811
    alice = Member.sign_in(server, "Alice")
    try:
        status, made = call(server, "POST", "/api/rooms", {"settings": {"name": "Empty room"}}, alice.token)
        assert status == 201, made
        assert alice.emit("join", {"code": made["code"]})["ok"]
        page = phone()
        pair_phone(page, new_pairing(server, alice, made["code"]))
        note = page.get_by_test_id("idle-note")
        expect(note).to_be_visible()
        expect(note).to_contain_text("Nothing is queued yet")
        play = page.get_by_test_id("play-pause")
        expect(play).to_be_disabled()
        expect(play).to_have_attribute("aria-describedby", "idle-note")
        expect(page.get_by_test_id("rate")).to_be_disabled()
        page.screenshot(path=str(SCREENSHOTS / "remote-nothing-queued.png"))

        ack = alice.emit("queue.add", {"video_id": "aaaaaaaaaaa", "title": "First pick", "duration_ms": 60_000})
        assert ack["ok"], ack
        expect(play).to_be_enabled()
        expect(note).to_be_hidden()
        expect(page.get_by_test_id("rate")).to_be_enabled()
    finally:
        alice.sio.disconnect()
