"""The phone remote from the extension's overlay (issue 6), with the real extension and server.

Alice creates a room from the popup and opens the QR dialog: the QR image, the pairing link and
(the test server being on loopback) the warning that a phone cannot reach it. A "phone" (requests
+ a python-socketio client) redeems the code from the link's fragment and joins the room: the
overlay lists the remote as connected and the roster shows Alice with both devices. Alice
unpairs it from the overlay (after an inline confirmation): the phone's socket drops and the list
empties. A QR dialog closed before its code was used cancels that code on the server.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from extension_helpers import (
    Profile,
    built_extension,
    create_room_from_popup,
    extension_server,  # noqa: F401  (the module's `server` fixture)
    first_page,
    launch_profile,
    open_panel,
    wait_until,
)
from harness.fake_youtube import FakeYouTube

from tests.e2e.screenshots import SCREENSHOTS
from tests.support.sio import Client

VIDEO = "stRemoteV01"
PHONE_UA = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0 Mobile Safari/537.36")


@pytest.fixture(scope="module")
def alice(playwright_instance: Any, fake_youtube: FakeYouTube, server: Any,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Profile, str]]:
    extension = built_extension(tmp_path_factory.getbasetemp())
    context = launch_profile(playwright_instance, extension, fake_youtube, server.port,
                             tmp_path_factory.mktemp("profile-alice"))
    try:
        first_page(context).set_viewport_size({"width": 1280, "height": 1000})
        profile = Profile("Alice", context, first_page(context))
        fake_youtube.register(VIDEO, title="Remote test", channel="Remote Channel")
        code, _ = create_room_from_popup(profile, fake_youtube.watch_url(VIDEO))
        yield profile, code
    finally:
        context.close()


def pair_code(pair_url: str) -> str:
    assert "/mobile-remote#pair=" in pair_url, pair_url
    return pair_url.split("#pair=", 1)[1]


def redeem(server: Any, code: str) -> requests.Response:
    return requests.post(f"{server.base_url}/api/remote/pair", json={"code": code},
                         headers={"User-Agent": PHONE_UA}, timeout=10)


def remote_rows(profile: Profile) -> list[dict[str, str]]:
    return profile.page.locator("[data-testid=st-remote-item]").evaluate_all(
        "(rows) => rows.map((r) => ({id: r.dataset.pairingId, connected: r.dataset.connected,"
        " text: r.textContent}))")


def own_devices(profile: Profile) -> str:
    row = profile.page.locator("[data-testid=st-member]").filter(has_text="Alice (you)")
    return row.get_attribute("data-devices") or ""


def open_qr_dialog(profile: Profile) -> str:
    """Clicks "Phone remote (QR)"; returns the pairing link the dialog shows."""
    open_panel(profile.page)
    profile.ui("st-remote-qr").click()
    url = profile.ui("st-remote-pair-url")
    url.wait_for(state="visible", timeout=10_000)
    return (url.text_content() or "").strip()


def test_qr_dialog_pair_a_phone_then_unpair_it_from_the_overlay(alice: tuple[Profile, str], server: Any) -> None:
    profile, room_code = alice
    page = profile.page
    pair_url = open_qr_dialog(profile)

    # The dialog: the QR code as an image (a data: URL that really decodes), the link as text,
    # how long the code works, and — the server being on loopback — why a phone cannot reach it.
    image = profile.ui("st-remote-qr-image")
    assert (image.get_attribute("src") or "").startswith("data:image/svg+xml")
    wait_until(lambda: image.evaluate("(img) => img.complete && img.naturalWidth > 0"), timeout_s=5,
               what="the QR image to decode")
    assert image.is_visible()
    warning = profile.ui("st-remote-warning")
    assert warning.is_visible()
    assert "A phone cannot reach" in (warning.text_content() or "")
    assert "LISTEN_HOST=0.0.0.0" in (warning.text_content() or "")
    expiry = profile.ui("st-remote-expiry").text_content() or ""
    assert expiry.startswith("Expires in 4:") or expiry.startswith("Expires in 5:00"), expiry
    assert remote_rows(profile) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "overlay-remote-qr.png"))

    # The phone: redeems the code from the link's fragment, connects and joins the room.
    answer = redeem(server, pair_code(pair_url))
    assert answer.status_code == 200, answer.text
    assert answer.json()["room_code"] == room_code
    phone = Client(server.base_url, answer.json()["access_token"]).connect()
    try:
        phone.join(room_code)
        rows = wait_until(lambda: [r for r in remote_rows(profile) if r["connected"] == "true"],
                          timeout_s=10, what="the overlay to list the phone as connected",
                          show=lambda: remote_rows(profile))
        assert len(rows) == 1 and rows[0]["id"] == str(answer.json()["pairing_id"])
        assert "Android phone" in rows[0]["text"] and "paired just now" in rows[0]["text"]
        wait_until(lambda: own_devices(profile) == "extension,remote", timeout_s=10,
                   what="the roster to show Alice with both devices", show=lambda: own_devices(profile))
        assert "phone" in (page.locator("[data-testid=st-member]").first.text_content() or "")
        page.screenshot(path=str(SCREENSHOTS / "overlay-remote-paired.png"))
        # The dialog knows its code was used; closing it now keeps the pairing.
        profile.ui("st-remote-paired").wait_for(state="visible", timeout=5_000)
        profile.ui("st-remote-close").click()
        profile.ui("st-remote-dialog").wait_for(state="hidden", timeout=5_000)
        time.sleep(0.5)
        assert phone.connected, "closing the dialog of a used code dropped the phone"

        # Unpair: an inline question first (Keep leaves it be), then the phone drops at once.
        profile.ui("st-remote-revoke").click()
        profile.ui("st-remote-revoke-cancel").click()
        assert phone.connected and len(remote_rows(profile)) == 1
        profile.ui("st-remote-revoke").click()
        profile.ui("st-remote-revoke-confirm").wait_for(state="visible")
        page.screenshot(path=str(SCREENSHOTS / "overlay-remote-unpair.png"))
        profile.ui("st-remote-revoke-confirm").click()
        wait_until(lambda: not phone.connected, timeout_s=10, what="the phone's socket to be dropped")
        wait_until(lambda: remote_rows(profile) == [], timeout_s=10, what="the remotes list to empty",
                   show=lambda: remote_rows(profile))
        wait_until(lambda: own_devices(profile) == "extension", timeout_s=10,
                   what="the roster to show Alice's browser only", show=lambda: own_devices(profile))
    finally:
        phone.close()


def test_a_qr_dialog_closed_unused_cancels_its_code(alice: tuple[Profile, str], server: Any) -> None:
    profile, _ = alice
    pair_url = open_qr_dialog(profile)
    pairing_id = profile.ui("st-remote-dialog").get_attribute("data-pairing-id")
    profile.ui("st-remote-close").click()
    profile.ui("st-remote-dialog").wait_for(state="hidden", timeout=5_000)
    # The cancel is a DELETE through the worker; once the server logged it, the code pairs nothing.
    log = Path(server.log_path)
    wait_until(lambda: f"event=remote_revoked pairing=p{pairing_id} " in log.read_text(errors="replace"),
               timeout_s=5, what=f"the server to cancel pairing {pairing_id}")
    answer = redeem(server, pair_code(pair_url))
    assert answer.status_code == 409 and answer.json().get("reason") == "revoked", answer.text
    assert remote_rows(profile) == []


def test_a_code_used_just_before_the_dialog_closes_stays_paired(alice: tuple[Profile, str], server: Any) -> None:
    profile, room_code = alice
    pair_url = open_qr_dialog(profile)
    answer = redeem(server, pair_code(pair_url))  # the phone scanned it; its socket is not up yet
    assert answer.status_code == 200, answer.text
    profile.ui("st-remote-close").click()  # the overlay has not heard of the phone: it asks first
    profile.ui("st-remote-dialog").wait_for(state="hidden", timeout=5_000)
    wait_until(lambda: len(remote_rows(profile)) == 1, timeout_s=5,
               what="the remotes list to show the phone that used the code",
               show=lambda: remote_rows(profile))
    phone = Client(server.base_url, answer.json()["access_token"]).connect()
    try:
        phone.join(room_code)  # not revoked: its token still works
        wait_until(lambda: remote_rows(profile)[0]["connected"] == "true", timeout_s=10,
                   what="the phone to show as connected", show=lambda: remote_rows(profile))
        profile.ui("st-remote-revoke").click()
        profile.ui("st-remote-revoke-confirm").click()
        wait_until(lambda: not phone.connected, timeout_s=10, what="the phone's socket to be dropped")
        wait_until(lambda: remote_rows(profile) == [], timeout_s=10, what="the remotes list to empty")
    finally:
        phone.close()
