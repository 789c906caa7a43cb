"""The public pages in a real (headless) Chromium against a real Gunicorn server: `/` and
`/join/<code>` (open room, password room, unknown code) at 360 px and 1280 px, with JavaScript,
without it, and with the extension's mark on the page; the live numbers following rooms that open
and close; an accessibility check; screenshots for docs/screenshots (home-*.png, join-*.png).

"With the extension" is simulated: an init script sets `data-sharetube-extension` on <html> before
the page's own scripts, as the extension's document_start content script (presence.js) does. The
variant with the real extension loaded belongs to the extension's browser tests (its content script
only matches the default server origins, 127.0.0.1:5077 and localhost:5077).
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from extension_helpers import BROWSER_SIDE
from playwright.sync_api import Page, expect

from tests.e2e.a11y import axe_violations
from tests.support.live_server import LiveServer, sio_client
from tests.support.sio import guest_token, new_room

ROOT = Path(__file__).resolve().parents[2]
from tests.e2e.screenshots import SCREENSHOTS  # noqa: E402

# The pages' numbers and lists come from queries that run on both databases in
# tests/socket/test_homepage.py and tests/socket/test_public_rooms.py.
pytestmark = BROWSER_SIDE

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
WIDTHS = {360: {"width": 360, "height": 640}, 1280: {"width": 1280, "height": 800}}
EXTENSION_VERSION = "9.9.9"
# Playwright's init scripts run before <html> exists; a document_start content script runs just after.
MARK_EXTENSION = """(() => {
  const mark = () => { document.documentElement.dataset.sharetubeExtension = "VERSION"; };
  if (document.documentElement) { mark(); return; }
  new MutationObserver((_records, observer) => {
    if (document.documentElement) { observer.disconnect(); mark(); }
  }).observe(document, { childList: true });
})();""".replace("VERSION", EXTENSION_VERSION)
VIDEO_ID = "dQw4w9WgXcQ"
AXE_RULES = ["label", "color-contrast", "document-title", "html-has-lang", "image-alt"]

# -- server, rooms, browser ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[LiveServer]:
    work = tmp_path_factory.mktemp("homepage-live")
    live = LiveServer(work / "instance", f"sqlite:///{work}/sharetube.db", env={"RUN_SCHEDULER": "false"})
    live.start()
    yield live
    live.stop()


@pytest.fixture(scope="module")
def rooms(server) -> Iterator[dict]:
    """An open room with its owner inside and a video queued, and a password room nobody is in."""
    token, _user = guest_token(server.base_url, "Owner")
    open_code = new_room(server.base_url, token, name="Friday movie night")
    locked_code = new_room(server.base_url, token, name="Locked room", password="open sesame")
    owner = sio_client(server.base_url, token)
    assert owner.call("join", {"code": open_code})["ok"]
    assert owner.call("queue.add", {"video_id": VIDEO_ID, "title": "A song"})["ok"]
    yield {"open": open_code, "locked": locked_code}
    owner.close()


@pytest.fixture(scope="module")
def browser(playwright_instance) -> Iterator[Any]:
    chromium = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture
def open_page(browser) -> Iterator[Callable[..., Page]]:
    """open_page(width, js=True, extension=False, color_scheme="light") → a Page in a fresh context.
    At teardown: no script error and no Content-Security-Policy refusal happened on any of them."""
    contexts: list[Any] = []
    errors: list[str] = []

    def make(width: int, *, js: bool = True, extension: bool = False, color_scheme: str = "light") -> Page:
        context = browser.new_context(viewport=WIDTHS[width], java_script_enabled=js, color_scheme=color_scheme)
        if extension:
            context.add_init_script(MARK_EXTENSION)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
        page.on("console", lambda message: errors.append(f"{page.url}: {message.text}")
                if message.type == "error" and "Content Security Policy" in message.text else None)
        return page

    yield make
    for context in contexts:
        context.close()
    assert errors == [], f"errors in the pages: {errors}"


# -- checks --------------------------------------------------------------------------------------

def visit(page: Page, url: str, status: int = 200) -> None:
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == status, (url, response and response.status)


LOAD_IMAGES = """async () => {
  for (const img of document.images) img.loading = "eager";
  await Promise.all([...document.images].map((img) => img.decode().catch(() => null)));
  return [...document.images].filter((img) => !img.complete || img.naturalWidth === 0).map((img) => img.src);
}"""


def check_layout(page: Page, width: int) -> None:
    """No sideways scrolling at this width, and no broken image (lazy ones loaded first)."""
    broken = page.evaluate(LOAD_IMAGES)
    assert broken == [], f"broken images on {page.url}: {broken}"
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at {width}px"


def check_accessibility(page: Page, js: bool = True) -> None:
    if not js:
        return  # axe needs scripts; the sections a no-JS page shows are checked in the js/extension modes
    problems = axe_violations(page, AXE_RULES + ["link-name", "button-name"])
    assert problems == [], f"accessibility problems on {page.url}: {problems}"


def shown(page: Page, testid: str) -> bool:
    return page.get_by_test_id(testid).is_visible()


def stats(server: LiveServer) -> dict:
    return requests.get(f"{server.base_url}/api/stats", timeout=5).json()


def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


# -- tests ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("mode", ["js", "no-js", "extension"])
def test_pages_at_phone_and_desktop_width(server, rooms, open_page, width, mode):
    js, extension = mode != "no-js", mode == "extension"
    page = open_page(width, js=js, extension=extension)
    base = server.base_url
    counts = stats(server)

    # The homepage: what it is, the numbers rendered by the server (readable without JS).
    visit(page, f"{base}/")
    assert "watch YouTube together" in page.title()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Watch YouTube together")
    expect(page.get_by_test_id("home-rooms-active")).to_have_text(str(counts["rooms_active"]))
    expect(page.get_by_test_id("home-users-online")).to_have_text(str(counts["users_online"]))
    assert page.locator(".feature-card").count() == 6
    installed = page.get_by_text("it's installed here")
    assert installed.is_visible() is extension
    if extension:
        expect(installed).to_contain_text(EXTENSION_VERSION)
    check_layout(page, width)
    check_accessibility(page, js)
    if mode == "js":
        shoot(page, f"home-{width}.png")

    # The join page of an open room.
    visit(page, f"{base}/join/{rooms['open']}")
    assert page.title() == "Join “Friday movie night” on ShareTube"
    expect(page.get_by_test_id("join-room-name")).to_have_text("Friday movie night")
    expect(page.get_by_test_id("join-members")).to_have_text("1 person")
    expect(page.get_by_test_id("join-password")).to_have_text("Not needed")
    open_link = page.get_by_test_id("join-open-youtube")
    assert open_link.get_attribute("href") == f"https://www.youtube.com/watch?v={VIDEO_ID}#sharetube={rooms['open']}"
    if mode == "no-js":  # both ways are on the page, each saying whom it is for
        assert shown(page, "join-open") and shown(page, "join-install")
        expect(page.get_by_test_id("join-open")).to_contain_text("If the ShareTube extension is installed")
        expect(page.get_by_test_id("join-install")).to_contain_text("Don't have ShareTube yet?")
    elif mode == "extension":
        assert shown(page, "join-open") and not shown(page, "join-install")
        expect(page.get_by_test_id("join-open")).to_contain_text(f"installed (version {EXTENSION_VERSION})")
    else:
        assert not shown(page, "join-open") and shown(page, "join-install")
        expect(page.get_by_test_id("join-install")).to_contain_text("First, get ShareTube")
        expect(page.get_by_role("link", name="Open in YouTube anyway")).to_be_visible()
    check_layout(page, width)
    check_accessibility(page, js)
    if mode == "js":
        shoot(page, f"join-{width}.png")

    # A password room says so.
    visit(page, f"{base}/join/{rooms['locked']}")
    assert "Locked room" in page.title()
    expect(page.get_by_test_id("join-password")).to_contain_text("Needed")
    expect(page.get_by_test_id("join-members")).to_have_text("0 people")
    check_layout(page, width)

    # An unknown room: a clear 404 page in the same look.
    visit(page, f"{base}/join/zzzzzzzz", status=404)
    expect(page.get_by_test_id("not-found")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("That room isn't open")
    expect(page.get_by_role("link", name="Go to the ShareTube homepage")).to_be_visible()
    check_layout(page, width)
    check_accessibility(page, js)


def test_dark_mode_is_readable(server, rooms, open_page):
    for width, path, name in ((1280, "/", "home-1280-dark.png"), (360, f"/join/{rooms['open']}", "join-360-dark.png")):
        page = open_page(width, color_scheme="dark")
        visit(page, f"{server.base_url}{path}")
        assert page.evaluate("() => getComputedStyle(document.body).backgroundColor") == "rgb(15, 17, 21)"
        check_layout(page, width)
        check_accessibility(page)
        shoot(page, name)


def test_numbers_follow_rooms_opening_and_closing(server, rooms, open_page):
    page = open_page(1280)
    page.clock.install()  # the page's 10 s timer runs on a clock the test moves
    visit(page, f"{server.base_url}/")
    before = stats(server)
    rooms_cell, people_cell = page.get_by_test_id("home-rooms-active"), page.get_by_test_id("home-users-online")
    expect(rooms_cell).to_have_text(str(before["rooms_active"]))

    token_a, _ = guest_token(server.base_url, "Ann")
    token_b, _ = guest_token(server.base_url, "Ben")
    code = new_room(server.base_url, token_a, name="Pop-up room")
    ann, ben = sio_client(server.base_url, token_a), sio_client(server.base_url, token_b)
    try:
        assert ann.call("join", {"code": code})["ok"] and ben.call("join", {"code": code})["ok"]
        page.clock.run_for(10_000)  # the page's own refresh
        expect(rooms_cell).to_have_text(str(before["rooms_active"] + 1))
        expect(people_cell).to_have_text(str(before["users_online"] + 2))

        assert ann.call("leave")["ok"] and ben.call("leave")["ok"]
        page.clock.run_for(10_000)
        expect(rooms_cell).to_have_text(str(before["rooms_active"]))
        expect(people_cell).to_have_text(str(before["users_online"]))

        assert ann.call("join", {"code": code})["ok"]
        page.evaluate("() => window.sharetubeHome.refreshStats()")  # the function the timer calls
        expect(people_cell).to_have_text(str(before["users_online"] + 1))
    finally:
        ann.close()
        ben.close()


# A 1x1 PNG for i.ytimg.com (this browser has no route to YouTube; the page must still ask there).
THUMB_PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
                          "0000000d49444154789c6360f8cf000000030101007e1fa5e30000000049454e44ae426082")


def test_public_rooms_list_refreshes_and_points_join_at_the_right_place(server, open_page):
    """Item 7: a listed room shows (name, what plays with YouTube's thumbnail, how many watch),
    the list follows rooms being listed and unlisted on its 15 s refresh, "Join" leads to the
    join page without the extension and straight to YouTube with it; private rooms never show."""
    token, _ = guest_token(server.base_url, "Lister")
    code = new_room(server.base_url, token, name="Listed movie night")
    new_room(server.base_url, token, name="Private but listed", is_private=True, listed=True)
    owner = sio_client(server.base_url, token)
    thumbs: list[str] = []
    try:
        assert owner.call("join", {"code": code})["ok"]
        assert owner.call("queue.add", {"video_id": VIDEO_ID, "title": "A listed song"})["ok"]
        assert owner.call("room.settings", {"listed": True})["ok"]
        deadline = time.monotonic() + 8  # an earlier page's answer may be cached for 5 s
        while not requests.get(f"{server.base_url}/api/rooms/public", timeout=5).json()["rooms"]:
            assert time.monotonic() < deadline, "the listed room never reached /api/rooms/public"
            time.sleep(1)
        for extension in (False, True):
            page = open_page(1280, extension=extension)
            page.route("https://i.ytimg.com/**", lambda route: (thumbs.append(route.request.url),
                       route.fulfill(status=200, content_type="image/png", body=THUMB_PNG)))
            page.clock.install()
            visit(page, f"{server.base_url}/")
            item = page.get_by_test_id("public-room")
            expect(item).to_have_count(1)
            expect(item.get_by_test_id("public-room-name")).to_have_text("Listed movie night")
            expect(item.get_by_test_id("public-room-watching")).to_have_text("1 watching")
            expect(item.get_by_test_id("public-room-playing")).to_contain_text("A listed song")
            join = item.get_by_test_id("public-room-join")
            wanted = (f"https://www.youtube.com/watch?v={VIDEO_ID}#sharetube={code}" if extension
                      else f"/join/{code}")
            expect(join).to_have_attribute("href", wanted)
            check_layout(page, 1280)
            check_accessibility(page)
            assert "Private but listed" not in page.content()
        assert thumbs and all(url == f"https://i.ytimg.com/vi/{VIDEO_ID}/mqdefault.jpg" for url in thumbs), thumbs
        shoot(page, "home-public-rooms.png")

        # The page's own refresh draws the list again (the extension's page: still straight to YouTube) ...
        page.evaluate("() => { document.querySelector('[data-testid=public-room]').dataset.drawn = 'server'; }")
        page.clock.run_for(15_000)
        expect(page.locator("[data-testid=public-room]:not([data-drawn])")).to_have_count(1)
        expect(page.get_by_test_id("public-room-join")).to_have_attribute(
            "href", f"https://www.youtube.com/watch?v={VIDEO_ID}#sharetube={code}")
        # Without the extension, "Join" opens the room's join page (how to get it, then YouTube).
        plain = open_page(360)
        plain.route("https://i.ytimg.com/**", lambda route: route.fulfill(status=200, content_type="image/png",
                                                                          body=THUMB_PNG))
        visit(plain, f"{server.base_url}/")
        plain.get_by_test_id("public-room-join").click()
        plain.wait_for_url(f"{server.base_url}/join/{code}")
        expect(plain.get_by_test_id("join-room-name")).to_have_text("Listed movie night")
        check_layout(plain, 360)
        # ... and unlisted, the room is gone at the next refresh (after the server's 5 s answer cache).
        assert owner.call("room.settings", {"listed": False})["ok"]
        time.sleep(5.2)
        page.evaluate("() => window.sharetubeHome.refreshRooms()")  # what the timer calls
        expect(page.get_by_test_id("public-room")).to_have_count(0)
        expect(page.get_by_test_id("public-rooms-empty")).to_be_visible()

    finally:
        owner.call("room.settings", {"listed": False})
        owner.close()
