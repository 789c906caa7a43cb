"""From a fresh clone to a working room, on a port that is not 5077 (issue 18, "Done when").

`./RESTART.sh` runs in a fresh checkout with the port in `.env`; it builds the extension for
that server and packages it. A browser without ShareTube downloads the package from the
homepage; two profiles load exactly that download. Alice signs in from the popup WITHOUT typing a
server address (the build knows its server) and creates a room; Bob opens `/join/<code>`, which
shows "Open in YouTube" because the presence script matches this server; the invite opens the room.
Nothing maps the server's address: the extension reaches 127.0.0.1:<port> because it was built for it.
"""
from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from extension_helpers import OVERLAY_HOST, wait_until
from harness.browser import launch_viewer, open_popup
from harness.fake_youtube import FakeYouTube
from playwright.sync_api import BrowserContext

from tests.e2e.screenshots import SCREENSHOTS
from tests.support.checkout import make_checkout, restart_env, run_restart, stop_instance
from tests.support.databases import free_port

VIDEO = "stOnboard01"
PACKAGE_VERSION = json.loads((Path(__file__).resolve().parents[2] / "package.json").read_text())["version"]


@dataclass
class Instance:
    base: str
    port: int
    checkout: Path
    instance_dir: Path
    started: Any


@pytest.fixture(scope="module")
def instance(tmp_path_factory: pytest.TempPathFactory, fake_youtube: FakeYouTube, db_templates: Any
             ) -> Iterator[Instance]:
    root = tmp_path_factory.mktemp("onboarding")
    checkout = make_checkout(root / "ShareTube")
    port = free_port()
    instance_dir = root / "instance"
    # The run's database (SQLite, or PostgreSQL with SHARETUBE_TEST_DB=postgres), kept in .env.
    (checkout / ".env").write_text(
        f"LISTEN_PORT={port}\nINSTANCE_DIR={instance_dir}\nYOUTUBE_OEMBED_URL={fake_youtube.oembed_url}\n"
        f"DATABASE_URL={db_templates.fresh_url()}\n")
    env = restart_env()
    started = run_restart(checkout, "--no-follow", env=env, timeout=300)
    assert started.returncode == 0, started.stdout + started.stderr
    yield Instance(f"http://127.0.0.1:{port}", port, checkout, instance_dir, started)
    stop_instance(checkout, env, instance_dir)


def launch(playwright: Any, fake: FakeYouTube, extension_dir: Path | None, profile: Path) -> BrowserContext:
    return launch_viewer(playwright, extension_dir, fake.port, user_data_dir=profile,
                         spki_hash=fake.certificate.spki_sha256_base64, accept_downloads=True)


def test_from_the_homepage_download_to_a_room(instance: Instance, playwright_instance: Any,
                                              fake_youtube: FakeYouTube, tmp_path: Path) -> None:
    zip_made = instance.instance_dir / "extension" / f"ShareTube-extension-{PACKAGE_VERSION}.zip"
    assert zip_made.is_file(), "RESTART.sh packaged the extension into the instance folder"
    assert str(zip_made) in instance.started.stdout, "the next steps say where the zip is"

    # A browser without ShareTube: the homepage offers the package made for this server.
    plain = launch(playwright_instance, fake_youtube, None, tmp_path / "plain")
    page = plain.pages[0] if plain.pages else plain.new_page()
    page.goto(f"{instance.base}/")
    assert page.get_by_test_id("server-address").text_content() == instance.base
    page.screenshot(path=str(SCREENSHOTS / "home-onboarding.png"), full_page=True)
    with page.expect_download() as download_info:
        page.get_by_test_id("download-extension").click()
    download = download_info.value
    assert download.suggested_filename == f"ShareTube-extension-{PACKAGE_VERSION}.zip"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    plain.close()
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(saved) as archive:
        archive.extractall(unpacked)
    manifest = json.loads((unpacked / "manifest.json").read_text())
    assert f"http://127.0.0.1:{instance.port}/*" in manifest["host_permissions"]
    assert not any(":5077" in p for p in manifest["host_permissions"])

    # Alice: the downloaded extension; the popup already names this server; sign in, create.
    fake_youtube.register(VIDEO, title="Onboarding clip", channel="ShareTube tests")
    alice = launch(playwright_instance, fake_youtube, unpacked, tmp_path / "alice")
    watch = alice.pages[0] if alice.pages else alice.new_page()
    watch.goto(fake_youtube.watch_url(VIDEO))
    watch.wait_for_selector("[data-testid=st-panel-toggle]", state="attached")
    popup = open_popup(alice)
    wait_until(lambda: popup.input_value("#server") == instance.base, timeout_s=10,
               what="the popup's server to be the one the extension was built for")
    popup.fill("[data-testid=st-signin-name]", "Alice")
    popup.click("[data-testid=st-signin-submit]")
    popup.wait_for_selector("#who:has-text('Signed in as Alice')")
    popup.click("[data-testid=st-create-room]")
    popup.wait_for_selector("[data-testid=st-room-code]", state="visible")
    code = (popup.text_content("[data-testid=st-room-code]") or "").strip()
    assert code
    popup.close()

    # Bob: the same download; the join page sees the extension and offers "Open in YouTube".
    bob = launch(playwright_instance, fake_youtube, unpacked, tmp_path / "bob")
    join = bob.pages[0] if bob.pages else bob.new_page()
    join.goto(f"{instance.base}/join/{code}")
    open_button = join.get_by_test_id("join-open-youtube")
    open_button.wait_for(state="visible", timeout=10_000)
    assert join.evaluate("document.documentElement.dataset.extension") == "present"
    assert not join.get_by_test_id("join-install").is_visible()
    join.screenshot(path=str(SCREENSHOTS / "join-onboarding.png"), full_page=True)
    open_button.click()
    join.wait_for_url(f"**#sharetube={code}", timeout=10_000)
    name_box = join.locator("[data-testid=st-signin-name]")
    name_box.wait_for(state="visible", timeout=15_000)
    name_box.fill("Bob")
    join.locator("[data-testid=st-signin-submit]").click()
    ask = join.locator("[data-testid=st-invite-join]")  # a room this browser never joined: asked first
    ask.wait_for(state="visible", timeout=10_000)
    ask.click()
    join.wait_for_function(
        f"{OVERLAY_HOST}?.shadowRoot.querySelector('[data-testid=st-room-code]')?.textContent === {code!r}",
        timeout=15_000)
    alice.close()
    bob.close()


def test_an_unreachable_server_is_named_and_the_server_box_opens(playwright_instance: Any, fake_youtube: FakeYouTube,
                                                                 tmp_path: Path) -> None:
    """The extension's server is down (or elsewhere): the popup says which address it tried and
    opens the Server box, prefilled with that address, to change it."""
    from extension_helpers import build_extension_for

    port = free_port()  # nothing listens there
    extension = build_extension_for(f"http://127.0.0.1:{port}", tmp_path / "ext")
    context = launch(playwright_instance, fake_youtube, extension, tmp_path / "profile")
    popup = open_popup(context)
    assert not popup.evaluate("document.getElementById('server-box').open")
    popup.fill("[data-testid=st-signin-name]", "Alice")
    popup.click("[data-testid=st-signin-submit]")
    status = popup.locator("#status")
    status.wait_for(state="visible")
    text = status.text_content() or ""
    assert f"http://127.0.0.1:{port}" in text and "Server box" in text, text
    assert popup.evaluate("document.getElementById('server-box').open")
    assert popup.input_value("#server") == f"http://127.0.0.1:{port}"
    context.close()
