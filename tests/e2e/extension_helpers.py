"""Shared pieces of the ShareTube extension's browser tests (tests/e2e/test_extension_*.py).

- The extension built once per run for http://localhost:5077 into a temporary directory
  (`node extension/build.mjs --server … --out …`; extension/dist is built for whatever server
  RESTART.sh last ran, and a concurrent build cannot pull files from under a running Chromium).
- A real ShareTube server (Gunicorn, `single` pool) on a free loopback port.
- Chromium profiles with the extension, pointed at the imitation YouTube.

How a profile reaches a server on a free port: the manifest grants host access only to the
default origins (http://127.0.0.1:5077, http://localhost:5077); any other origin is an optional
host permission that Chrome grants only from its own prompt (chrome.permissions.request), which
a headless browser cannot answer (chrome://extensions' site-access controls cover required hosts
only). So every profile maps the default origin `localhost:5077` onto the test server's free port
with `--host-resolver-rules` (as the harness maps www.youtube.com), and the popup's server
field is set to http://localhost:5077. The real 5077 is never touched.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest
from harness.browser import (
    FAKE_HOSTS,
    PlaybackSample,
    close_contexts,
    evaluate_without_gesture,
    extension_id,
    launch_viewer,
    open_popup,
    position_spread_ms,
    sample_playback,
)
from harness.fake_youtube import FakeYouTube
from playwright.sync_api import BrowserContext, Locator, Page

ROOT = Path(__file__).resolve().parents[2]
SERVER_ADDRESS = "http://localhost:5077"  # a default origin of the manifest, mapped per profile
SERVER_HOST_PORT = "localhost:5077"
MAIN_VIDEO = "document.querySelector('#movie_player video.html5-main-video')"
OVERLAY_HOST = "document.getElementById('sharetube-overlay')"
SYNC_WITHIN_MS = 100.0  # issue 5: players within 100 ms of each other once settled
T = TypeVar("T")

_built: dict[str, Path] = {}


# Browser tests of what the extension does on the page (fullscreen, input, page variants, local
# skips, buffering): the database behind the server changes nothing there, so they run once, in the
# SQLite pass; the PostgreSQL pass keeps the room, remote, resilience and onboarding tests.
EXTENSION_ONLY = pytest.mark.skipif(os.environ.get("SHARETUBE_TEST_DB") == "postgres",
                                    reason="the page side of the extension: run once, on SQLite")
# Browser tests whose server side has its own socket tests on both databases (named where it is
# used): the pages and the extension are what they add, so they too run once, on SQLite.
BROWSER_SIDE = pytest.mark.skipif(os.environ.get("SHARETUBE_TEST_DB") == "postgres",
                                  reason="the browser side: run once, on SQLite (the server side runs on "
                                         "both databases in tests/socket)")


# --- the extension and the server ----------------------------------------------------------
def build_extension_for(server_url: str, out_dir: Path) -> Path:
    """`node extension/build.mjs --server URL --out DIR`: the extension as a server offers it."""
    result = subprocess.run(["node", str(ROOT / "extension" / "build.mjs"), "--server", server_url,
                             "--out", str(out_dir)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"extension build failed:\n{result.stdout}\n{result.stderr}")
    return out_dir


def built_extension(scratch: Path) -> Path:
    """The extension built once per run for SERVER_ADDRESS into a private directory (extension/dist
    is built for whatever server RESTART.sh last ran, and a concurrent build cannot pull files
    from under a running Chromium)."""
    if "dir" not in _built:
        _built["dir"] = build_extension_for(SERVER_ADDRESS, scratch / "sharetube-extension")
    return _built["dir"]


@pytest.fixture(scope="module", name="server")
def extension_server(tmp_path_factory: pytest.TempPathFactory, db_templates: Any,
                     fake_youtube: FakeYouTube) -> Iterator[Any]:
    """A module's real ShareTube server (import this fixture into a test module to use it)."""
    proc = start_server(tmp_path_factory.mktemp("st-server"), db_templates.fresh_url(), fake_youtube)
    yield proc
    proc.stop()


def start_server(workdir: Path, db_url: str, fake: FakeYouTube, **env: str) -> Any:
    """A real ShareTube server (one Gunicorn process) on a free port."""
    from tests.support.cluster import ServerProc

    settings = {"YOUTUBE_OEMBED_URL": fake.oembed_url, "START_TIMEOUT_MS": "4000",
                "AD_HOLD_TIMEOUT_MS": "20000", **env}
    return ServerProc(workdir, db_url, pool="single", env=settings).start()


# --- profiles ------------------------------------------------------------------------------
def launch_profile(playwright: Any, extension_dir: Path, fake: FakeYouTube, server_port: int,
                   user_data_dir: Path, *, autoplay_policy_free: bool = True) -> BrowserContext:
    """A persistent Chromium with the extension; localhost:5077 → the test server's port."""
    rules = [f"MAP {host} 127.0.0.1:{fake.port}" for host in FAKE_HOSTS]
    rules.append(f"MAP {SERVER_HOST_PORT} 127.0.0.1:{server_port}")
    # Chromium keeps the last --host-resolver-rules, so this one replaces the harness's own.
    return launch_viewer(
        playwright, extension_dir, fake.port, autoplay_policy_free=autoplay_policy_free,
        user_data_dir=user_data_dir, spki_hash=fake.certificate.spki_sha256_base64,
        extra_args=(f"--host-resolver-rules={', '.join(rules)}",),
    )


@dataclass
class Profile:
    """One browser (one user) with its YouTube tab."""

    name: str
    context: BrowserContext
    page: Page
    notes: dict[str, Any] = field(default_factory=dict)

    def ui(self, testid: str) -> Locator:
        return self.page.locator(f"[data-testid={testid}]")


def first_page(context: BrowserContext) -> Page:
    return context.pages[0] if context.pages else context.new_page()


# --- the overlay ---------------------------------------------------------------------------
def open_panel(page: Page) -> None:
    toggle = page.locator("[data-testid=st-panel-toggle]")
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    page.wait_for_selector("#st-panel", state="visible")


def close_panel(page: Page) -> None:
    toggle = page.locator("[data-testid=st-panel-toggle]")
    if toggle.get_attribute("aria-expanded") == "true":
        toggle.click()


def queue_video_ids(page: Page) -> list[str]:
    """The video ids of the overlay's queue rows, in order (the current entry first)."""
    return page.locator("[data-testid=st-queue-entry]").evaluate_all(
        "(rows) => rows.map((row) => row.dataset.videoId)")


def notice_text(page: Page) -> str:
    return evaluate_without_gesture(
        page, f"(() => {{ const n = {OVERLAY_HOST}?.shadowRoot.querySelector('.notice');"
              " return n && !n.hidden ? n.textContent : ''; })()") or ""


def overlay_element(page: Page, testid: str) -> dict[str, Any] | None:
    """An overlay control's visibility, centre and text, read WITHOUT a user gesture."""
    return evaluate_without_gesture(page, f"""(() => {{
      const host = {OVERLAY_HOST};
      const el = host && host.shadowRoot.querySelector('[data-testid="{testid}"]');
      if (!el) return null;
      const r = el.getBoundingClientRect();
      return {{ visible: !el.closest('[hidden]') && r.width > 0 && r.height > 0,
                x: r.x + r.width / 2, y: r.y + r.height / 2, text: el.textContent }};
    }})()""")


def connection_text(page: Page) -> str:
    """The overlay's connection note beside the room code ("" when connected)."""
    return evaluate_without_gesture(
        page, f"(() => {{ const s = {OVERLAY_HOST}?.shadowRoot"
              ".querySelector('[data-testid=st-room-code] + span'); return s ? s.textContent : null; })()")


def overlay_invite(owner: Profile, video_id: str) -> str:
    """The invite link in the owner's overlay, once it names the room's video."""
    open_panel(owner.page)
    link = owner.ui("st-invite-link")
    wait_until(lambda: f"v={video_id}#" in (link.get_attribute("href") or ""), timeout_s=10,
               what=f"the overlay's invite link to name {video_id}")
    return link.get_attribute("href") or ""


# --- waiting and measuring -----------------------------------------------------------------
def wait_until(check: Callable[[], T], *, timeout_s: float, what: str, interval_s: float = 0.1,
               show: Callable[[], Any] | None = None) -> T:
    """Polls `check` until it returns something truthy; fails with `what` after `timeout_s`
    (and with what `show()` returns then, to see the state it got stuck in)."""
    deadline = time.monotonic() + timeout_s
    last: Any = None
    while True:
        last = check()
        if last:
            return last
        if time.monotonic() > deadline:
            seen = f"; state: {show()!r}" if show else ""
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what} (last: {last!r}){seen}")
        time.sleep(interval_s)


def video_state(page: Page) -> dict[str, Any]:
    return evaluate_without_gesture(page, f"""(() => {{ const v = {MAIN_VIDEO};
      return {{ t: v.currentTime, paused: v.paused, rate: v.playbackRate, ready: v.readyState,
                src: v.src, ended: v.ended }}; }})()""")


def describe(samples: Sequence[PlaybackSample]) -> str:
    return "; ".join(f"{s.video_id} t={s.current_time_s:.3f} paused={s.paused} rate={s.rate:.3f}"
                     f" ready={s.ready_state} ad={s.ad_showing}" for s in samples)


def wait_in_sync(pages: Sequence[Page], *, playing: bool, video_id: str | None = None,
                 rate: float | None = None, timeout_s: float = 10.0,
                 within_ms: float = SYNC_WITHIN_MS, settled_samples: int = 3) -> float:
    """Waits until every page shows the same video, all playing (or all paused), at the room's
    rate, within `within_ms` of each other for `settled_samples` samples in a row.
    Returns the last spread in ms. Looks without user gestures."""
    deadline = time.monotonic() + timeout_s
    in_a_row = 0
    samples: list[PlaybackSample] = []
    while time.monotonic() < deadline:
        samples = sample_playback(pages)
        ids = {s.video_id for s in samples}
        fine = (len(ids) == 1 and (video_id is None or ids == {video_id})
                and all(s.paused != playing and s.ready_state >= 2 and not s.ad_showing
                        for s in samples)
                and (rate is None or all(abs(s.rate - rate) < 0.01 for s in samples)))
        spread = position_spread_ms(samples) if fine else float("inf")
        in_a_row = in_a_row + 1 if spread <= within_ms else 0
        if in_a_row >= settled_samples:
            waited = timeout_s - (deadline - time.monotonic())
            print(f"in sync (playing={playing}) after {waited:.2f} s: spread {spread:.1f} ms")
            return spread
        time.sleep(0.15)
    raise AssertionError(f"players not in sync within {timeout_s} s "
                         f"(playing={playing}, video={video_id}): {describe(samples)}")


def advancing(page: Page, *, during_s: float = 0.6) -> float:
    """How far the main video moved during `during_s` seconds (0 when it stood still)."""
    before = video_state(page)["t"]
    time.sleep(during_s)
    return video_state(page)["t"] - before


def mark_page(page: Page) -> None:
    """A marker in the page's own window: it survives SPA changes, not a reload."""
    evaluate_without_gesture(page, "window.__stNoReload = 'still-here'")


def page_was_not_reloaded(page: Page) -> bool:
    return evaluate_without_gesture(page, "window.__stNoReload === 'still-here'") is True


# --- the room flows both test modules start from -------------------------------------------
def open_watch_page(profile: Profile, url: str) -> None:
    profile.page.goto(url)
    profile.page.wait_for_selector("[data-testid=st-panel-toggle]", state="attached")


def popup_set_server(context: BrowserContext) -> Page:
    popup = open_popup(context)
    popup.click("#server-box summary")
    popup.fill("#server", SERVER_ADDRESS)
    popup.click("#save-server")
    popup.wait_for_selector(f"#status:has-text('Server set to {SERVER_ADDRESS}')")
    return popup


def popup_sign_in(context: BrowserContext, name: str) -> Page:
    """The popup: server address, then "Sign in as guest" with `name`."""
    popup = popup_set_server(context)
    popup.fill("[data-testid=st-signin-name]", name)
    popup.click("[data-testid=st-signin-submit]")
    popup.wait_for_selector(f"#who:has-text('Signed in as {name}')")
    return popup


def create_room_from_popup(profile: Profile, watch_url: str) -> tuple[str, str]:
    """Opens `watch_url`, then in the popup: server address, guest sign-in, "Create a room".
    Returns (room code, the popup's invite link); the popup is closed again."""
    open_watch_page(profile, watch_url)
    popup = popup_sign_in(profile.context, profile.name)
    popup.click("[data-testid=st-create-room]")
    popup.wait_for_selector("[data-testid=st-room-code]", state="visible")
    code = (popup.text_content("[data-testid=st-room-code]") or "").strip()
    invite = popup.get_attribute("[data-testid=st-invite-link]", "href") or ""
    popup.close()
    profile.page.bring_to_front()
    return code, invite


def join_by_invite_signed_out(profile: Profile, invite: str, code: str) -> str:
    """Opens the invite link signed out; the overlay asks for a name; returns what it asked."""
    popup = popup_set_server(profile.context)
    popup.close()
    page = profile.page
    page.goto(invite)
    name_box = profile.ui("st-signin-name")
    name_box.wait_for(state="visible")
    asked = page.locator("#st-panel section:has([data-testid=st-signin-name]) .muted").first.text_content()
    name_box.fill(profile.name)
    profile.ui("st-signin-submit").click()
    accept_invite_question(profile)
    # null-safe: the overlay's host is rebuilt while the room is joined (sign-in, the invite's
    # navigation), and a predicate that throws ends Playwright's wait at once instead of retrying
    page.wait_for_function(
        f"{OVERLAY_HOST}?.shadowRoot?.querySelector('[data-testid=st-room-code]')?.textContent === {code!r}",
        timeout=10_000)
    return asked or ""


def accept_invite_question(profile: Profile) -> None:
    """An invite to a room this browser never joined asks first (issue 14, finding 9): join."""
    profile.ui("st-invite-join").wait_for(state="visible", timeout=10_000)
    profile.ui("st-invite-join").click()


def accept_invite_question_without_gesture(profile: Profile) -> None:
    """The same answer by a script click (no user activation): a real click would already unlock
    playback, and the tests of the autoplay path need a page nobody has touched yet."""
    wait_until(lambda: (b := overlay_element(profile.page, "st-invite-join")) and b["visible"],
               timeout_s=10, what=f"the join question on {profile.name}'s page")
    evaluate_without_gesture(profile.page, f"{OVERLAY_HOST}.shadowRoot"
                                           ".querySelector('[data-testid=st-invite-join]').click()")


def member_names(profile: Profile) -> list[str]:
    """The roster's names as the overlay shows them ("Alice (you)", "Bob")."""
    return profile.page.locator("[data-testid=st-member] .grow").all_text_contents()


def press_on_player(profile: Profile, key: str) -> None:
    """A real key press with the focus on YouTube's player (not in the overlay)."""
    profile.page.focus("#movie_player")
    profile.page.keyboard.press(key)


def extension_constant(name: str) -> float:
    """A number from extension/src/constants.js (the one place it is set)."""
    found = re.search(rf"^export const {name} = ([\d_.]+);", (ROOT / "extension/src/constants.js").read_text(),
                      re.MULTILINE)
    assert found, f"{name} is not a number in extension/src/constants.js"
    return float(found.group(1).replace("_", ""))


USER_INPUT_WINDOW_S = extension_constant("USER_INPUT_WINDOW_MS") / 1000
SPEED_STEPS = (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0)  # YouTube's speed shortcuts' steps


def speed_step(profile: Profile) -> float:
    """The speed step the player is at: its playbackRate, less the extension's drift nudge
    (a few per cent at most, so the nearest step)."""
    rate = float(video_state(profile.page)["rate"])
    return min(SPEED_STEPS, key=lambda step: abs(step - rate))


def set_rate_with_speed_shortcuts(profile: Profile, rate: float, *, timeout_s: float = 8) -> None:
    """YouTube's speed shortcuts, as a person uses them: one real key press (Shift+. faster,
    Shift+, slower) per step, each waiting for the player to take it, until the player is at
    `rate`. Every rate change follows its own key press, however slow the machine (a rate set
    by a script after a press counts as the person's only within the extension's input window,
    which a loaded CI machine missed)."""
    if rate not in SPEED_STEPS:
        raise ValueError(f"{rate} is not one of YouTube's speed steps {SPEED_STEPS}")
    for _ in range(len(SPEED_STEPS)):
        now = speed_step(profile)
        if now == rate:
            return
        press_on_player(profile, "Shift+Period" if now < rate else "Shift+Comma")
        wait_until(lambda before=now: speed_step(profile) != before, timeout_s=timeout_s,
                   what=f"the player's speed to step from {now} towards {rate}")
    raise AssertionError(f"the player's speed did not reach {rate} in {len(SPEED_STEPS)} steps")


def speed_key_during_a_nudge(profile: Profile, pages: Sequence[Page]) -> None:
    """The extension corrects a small drift by holding the rate a little off the room's for a
    while; a person's Shift+. meanwhile must go one step up from the ROOM's speed (YouTube steps
    from the player's speed; a 10 % nudge at 1.25 was 1.125, as near 1.0, and the press went to
    1.25). The player jumps 300 ms ahead (nobody's input) to start a nudge, then the key."""
    room_rate = speed_step(profile)
    faster = SPEED_STEPS[SPEED_STEPS.index(room_rate) + 1]
    # A media change within USER_INPUT_WINDOW_MS (1 s) of a key press is the person's (the page
    # cannot tell a script's seek from a key's): the jump comes after that window has passed.
    time.sleep(USER_INPUT_WINDOW_S + 0.3)
    profile.page.evaluate("document.querySelector('#movie_player video.html5-main-video').currentTime += 0.3")
    wait_until(lambda: video_state(profile.page)["rate"] < room_rate - 0.02, timeout_s=4,
               what=f"the extension's nudge to slow {profile.name}'s player",
               show=lambda: video_state(profile.page))
    press_on_player(profile, "Shift+Period")
    wait_in_sync(pages, playing=True, rate=faster, timeout_s=10)


def ensure_playing_early(owner: Profile, pages: Sequence[Page], *, latest_s: float = 14) -> None:
    """The room plays, with at least ~15 s of the 30 s clip left (the owner seeks to 0)."""
    state = video_state(owner.page)
    if state["t"] > latest_s or state["ended"]:
        press_on_player(owner, "Home")
    # A seek in a playing room restarts it at a scheduled instant, the players held paused until
    # then; a "k" during that hold would pause the room (a toggle during a scheduled start). So
    # "k" only when the room does not play by itself.
    try:
        wait_in_sync(pages, playing=True, timeout_s=4)
        return
    except AssertionError:
        pass
    if video_state(owner.page)["paused"]:
        press_on_player(owner, "k")
    wait_in_sync(pages, playing=True, timeout_s=10)


# --- a room with two viewers, the start of most browser tests ---------------------------------
@dataclass
class ViewerRoom:
    """A real server and a room of two profiles (the first owns it), in sync on `video_id`."""

    fake: FakeYouTube
    server: Any
    alice: Profile
    bob: Profile
    code: str
    video_id: str
    extension: Path
    playwright: Any
    scratch: pytest.TempPathFactory

    @property
    def profiles(self) -> list[Profile]:
        return [self.alice, self.bob]

    @property
    def pages(self) -> list[Page]:
        return [self.alice.page, self.bob.page]


@contextmanager
def two_viewer_room(playwright: Any, fake: FakeYouTube, scratch: pytest.TempPathFactory, *,
                    video_id: str, title: str, channel: str | None = None,
                    db_templates: Any = None, server: Any = None,
                    server_env: Mapping[str, str] | None = None,
                    names: tuple[str, str] = ("Alice", "Bob"), profile_dir: str = "profile",
                    viewport: tuple[int, int] | None = None,
                    prepare: Callable[[Profile], None] | None = None,
                    close_panels: bool = True, sync_timeout_s: float = 10.0) -> Iterator[ViewerRoom]:
    """Server + two Chromium profiles with the extension: the first creates a room from the
    popup on `video_id`'s watch page, the second joins by the overlay's invite link signed out;
    yields once both play in sync. Closes the profiles (and the server it started) afterwards.

    `server`: an already running server (e.g. the module's `server` fixture), else one is started
    on a fresh database from `db_templates` with `server_env`. `prepare(profile)` runs on each
    profile right after its launch (cookies, media-session recorders). `viewport`: (w, h) of
    both pages. `close_panels`: both overlay panels closed before waiting for sync."""
    own_server = server is None
    if own_server:
        if db_templates is None:
            raise ValueError("two_viewer_room needs a running `server` or `db_templates` to start one")
        server = start_server(scratch.mktemp("st-server"), db_templates.fresh_url(), fake,
                              **dict(server_env or {}))
    profiles: list[Profile] = []
    try:
        extension = built_extension(scratch.getbasetemp())
        for name in names:
            context = launch_profile(playwright, extension, fake, server.port,
                                     scratch.mktemp(f"{profile_dir}-{name.lower()}"))
            profile = Profile(name, context, first_page(context))
            if viewport:
                profile.page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
            if prepare:
                prepare(profile)
            profiles.append(profile)
        alice, bob = profiles
        registration = {"title": title} if channel is None else {"title": title, "channel": channel}
        fake.register(video_id, **registration)
        code, _ = create_room_from_popup(alice, fake.watch_url(video_id))
        join_by_invite_signed_out(bob, overlay_invite(alice, video_id), code)
        if close_panels:
            for profile in profiles:
                close_panel(profile.page)
        wait_in_sync([alice.page, bob.page], playing=True, video_id=video_id, timeout_s=sync_timeout_s)
        yield ViewerRoom(fake, server, alice, bob, code, video_id, extension, playwright, scratch)
    finally:
        close_contexts(p.context for p in profiles)
        if own_server:
            server.stop()


# --- the service worker ----------------------------------------------------------------
def stop_worker_once(context: BrowserContext, *, timeout_s: float = 5.0) -> None:
    """Stops the extension's service worker through the DevTools protocol (Target.closeTarget).

    Unlike harness.browser.stop_service_worker this does not wait for "no worker at all": the
    ShareTube tabs reconnect their ports at once, which starts a new worker within ~50 ms.
    Returns once the stopped worker's target is gone."""
    ext_id = extension_id(context)
    assert context.browser is not None
    session = context.browser.new_browser_cdp_session()

    def worker_targets() -> set[str]:
        infos = session.send("Target.getTargets")["targetInfos"]
        return {t["targetId"] for t in infos if t["type"] == "service_worker"
                and t["url"].startswith(f"chrome-extension://{ext_id}/")}

    try:
        old = worker_targets()
        assert old, "the extension's service worker is not running"
        for target_id in old:
            session.send("Target.closeTarget", {"targetId": target_id})
        wait_until(lambda: not (worker_targets() & old), timeout_s=timeout_s, interval_s=0.02,
                   what="the stopped worker's target to go away")
    finally:
        session.detach()
