"""Launch Debian's Chromium with an unpacked MV3 extension against the imitation YouTube.

Everything measured with Chromium 156.0.8078.79 and Playwright 1.65.2 (see conftest.py):
- `MAP www.youtube.com 127.0.0.1:<port>` (with or without `:443` on the left) sends
  https://www.youtube.com to the fake; without the port on the right Chromium goes to :443.
- `--ignore-certificate-errors-spki-list=<sha256 of the cert's SPKI, base64>` is enough for
  the self-signed certificate (no static-pin or HSTS trouble); no broad ignore flag needed.
- `--ip-address-space-overrides=127.0.0.1:<port>=public` makes the page public, so a content
  script's fetch/WebSocket to another loopback port is refused by Local Network Access while
  the extension's service worker gets through. Without it, both get through.
- Playwright evaluates page scripts with `userGesture: true`, and so do its selector waits
  (wait_for_selector, locators, wait_for_function): the first one gives the page sticky user
  activation and the autoplay policy lets play() through from then on. To look at a page without
  that, use `evaluate_without_gesture` (CDP Runtime.evaluate, userGesture false).
- Stopping the worker: a browser CDP session, `Target.getTargets`, then `Target.closeTarget` on
  the extension's `service_worker` target (`ServiceWorker.stopAllWorkers` is not on the
  browser target; on a page session it works after `ServiceWorker.enable`). Playwright does
  not notice: no "close" event and no new "serviceworker" event on restart; its old Worker
  object hangs while the worker is stopped and evaluates in the new one once it runs again.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import tempfile
import time
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, CDPSession, Page, Playwright, Worker
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

CHROMIUM = "/usr/bin/chromium"
QUIET_FLAGS = (
    "--headless=new",
    "--no-sandbox",  # the tests run as root
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-gpu",
)
# Hosts the imitation serves (page and thumbnails).
FAKE_HOSTS = ("www.youtube.com", "youtube.com", "m.youtube.com", "i.ytimg.com")


def chromium_args(
    extension_dir: Path | str | None,
    fake_port: int,
    *,
    spki_hash: str | None,
    autoplay_policy_free: bool = True,
    extra_args: Iterable[str] = (),
) -> list[str]:
    """The command-line flags `launch_viewer` passes (exposed for logging and debugging)."""
    rules = ", ".join(f"MAP {host} 127.0.0.1:{fake_port}" for host in FAKE_HOSTS)
    args = [*QUIET_FLAGS, f"--host-resolver-rules={rules}",
            f"--ip-address-space-overrides=127.0.0.1:{fake_port}=public"]
    args.append(f"--ignore-certificate-errors-spki-list={spki_hash}" if spki_hash
                else "--ignore-certificate-errors")
    if extension_dir is not None:
        ext = str(Path(extension_dir).resolve())
        args += [f"--load-extension={ext}", f"--disable-extensions-except={ext}"]
    if autoplay_policy_free:
        args.append("--autoplay-policy=no-user-gesture-required")
    return [*args, *extra_args]


def launch_viewer(
    playwright: Playwright,
    extension_dir: Path | str | None,
    fake_port: int,
    *,
    autoplay_policy_free: bool = True,
    user_data_dir: Path | str | None = None,
    extra_args: Sequence[str] = (),
    spki_hash: str | None = None,
    **context_options: Any,
) -> BrowserContext:
    """A persistent Chromium context with the extension loaded and www.youtube.com → the fake.

    `spki_hash` is `FakeYouTube.certificate.spki_sha256_base64`; without it the browser ignores
    every certificate error instead. A temporary profile is removed when the context closes.
    """
    own_dir = user_data_dir is None
    profile = Path(user_data_dir or tempfile.mkdtemp(prefix="sharetube-profile-"))
    context = playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=CHROMIUM,
        headless=True,
        args=chromium_args(extension_dir, fake_port, spki_hash=spki_hash,
                           autoplay_policy_free=autoplay_policy_free, extra_args=extra_args),
        ignore_default_args=["--disable-extensions"],
        **context_options,
    )
    if own_dir:
        context.on("close", lambda _: shutil.rmtree(profile, ignore_errors=True))
    return context


# --- the extension -------------------------------------------------------------------------
def close_contexts(contexts: Iterable[BrowserContext]) -> None:
    """Close every browser context, each even if another (or a test already) closed or broke it."""
    for context in contexts:
        try:
            context.close()
        except Exception:  # noqa: BLE001 - a test may have closed it already
            pass


def service_worker(context: BrowserContext, *, timeout_s: float = 10.0) -> Worker:
    """The extension's service worker (Playwright Worker; `.evaluate` runs in it)."""
    is_extension = lambda w: w.url.startswith("chrome-extension://")  # noqa: E731
    deadline = time.monotonic() + timeout_s
    while True:
        for worker in context.service_workers:
            if is_extension(worker):
                return worker
        if time.monotonic() > deadline:
            raise TimeoutError("no extension service worker appeared")
        try:  # short waits, so a worker that registers between the check and the wait is seen
            return context.wait_for_event("serviceworker", is_extension, timeout=250)
        except PlaywrightTimeoutError:
            continue


def extension_id(context: BrowserContext) -> str:
    return service_worker(context).url.split("/")[2]


def extension_id_from_key(manifest_key_b64: str) -> str:
    """The id Chrome gives an extension whose manifest has this `key` (to configure servers)."""
    digest = hashlib.sha256(base64.b64decode(manifest_key_b64)).hexdigest()[:32]
    return "".join(chr(ord("a") + int(c, 16)) for c in digest)


def open_popup(context: BrowserContext, path: str = "popup.html") -> Page:
    """The extension's popup (or any of its pages) opened as a tab."""
    page = context.new_page()
    page.goto(f"chrome-extension://{extension_id(context)}/{path.lstrip('/')}")
    return page


def _service_worker_targets(session: CDPSession, ext_id: str) -> list[dict[str, Any]]:
    infos = session.send("Target.getTargets")["targetInfos"]
    prefix = f"chrome-extension://{ext_id}/"
    return [t for t in infos if t["type"] == "service_worker" and t["url"].startswith(prefix)]


def stop_service_worker(context: BrowserContext, *, timeout_s: float = 5.0) -> None:
    """Stop the extension's worker as Chrome does when it idles; returns once it is gone.

    It starts again on the next event (a message, a port, an alarm). Until then do not call
    `.evaluate` on the old Worker object: it waits for the worker to run again.
    """
    ext_id = extension_id(context)
    assert context.browser is not None
    session = context.browser.new_browser_cdp_session()
    try:
        targets = _service_worker_targets(session, ext_id)
        for target in targets:
            session.send("Target.closeTarget", {"targetId": target["targetId"]})
        deadline = time.monotonic() + timeout_s
        while _service_worker_targets(session, ext_id):
            if time.monotonic() > deadline:
                raise TimeoutError("the extension's service worker did not stop")
            time.sleep(0.05)
    finally:
        session.detach()


def service_worker_running(context: BrowserContext) -> bool:
    """Whether Chrome has the extension's worker running now (by DevTools targets)."""
    ext_id = extension_id(context)
    assert context.browser is not None
    session = context.browser.new_browser_cdp_session()
    try:
        return bool(_service_worker_targets(session, ext_id))
    finally:
        session.detach()


# --- looking at pages without giving them a user gesture -----------------------------------
_sessions: weakref.WeakKeyDictionary[Page, CDPSession] = weakref.WeakKeyDictionary()
# What CDP says when the page navigated while an expression ran: the same look, a moment later,
# sees the new document (the page itself is still open).
NAVIGATION_SIGNS = ("navigated or closed", "Execution context was destroyed", "Cannot find context")
NAVIGATION_RETRIES = 5


def _page_session(page: Page) -> CDPSession:
    session = _sessions.get(page)
    if session is None:
        session = _sessions[page] = page.context.new_cdp_session(page)
    return session


def evaluate_without_gesture(page: Page, expression: str) -> Any:
    """Evaluate an expression in the page's main world, awaiting a promise, returning JSON.

    Unlike page.evaluate this is no user gesture, so it leaves the autoplay policy alone.
    """
    for attempt in range(NAVIGATION_RETRIES + 1):
        try:
            result = _page_session(page).send("Runtime.evaluate", {
                "expression": expression, "awaitPromise": True, "returnByValue": True,
                "userGesture": False,
            })
            break
        except PlaywrightError as error:  # the page navigated (an auto-advance, say) mid-evaluate
            if page.is_closed() or attempt == NAVIGATION_RETRIES or not any(
                    sign in str(error) for sign in NAVIGATION_SIGNS):
                raise
            time.sleep(0.1)
    if "exceptionDetails" in result:
        details = result["exceptionDetails"]
        message = details.get("exception", {}).get("description") or details.get("text")
        raise RuntimeError(f"page script failed: {message}")
    return result["result"].get("value")


@dataclass(frozen=True)
class PlaybackSample:
    """The main player of one page at one instant (wall_ms: the page's Date-based clock)."""

    wall_ms: float
    current_time_s: float
    paused: bool
    rate: float
    ready_state: int
    video_id: str | None
    ad_showing: bool

    def position_at(self, wall_ms: float) -> float:
        """Where this player is at `wall_ms`, assuming it keeps playing as sampled."""
        if self.paused:
            return self.current_time_s
        return self.current_time_s + (wall_ms - self.wall_ms) / 1000 * self.rate


SAMPLE_SCRIPT = """(() => {
  const v = document.querySelector('#movie_player video.html5-main-video');
  const flexy = document.querySelector('ytd-watch-flexy');
  const player = document.querySelector('#movie_player');
  return {
    wall_ms: performance.timeOrigin + performance.now(),
    current_time_s: v ? v.currentTime : -1,
    paused: v ? v.paused : true,
    rate: v ? v.playbackRate : 0,
    ready_state: v ? v.readyState : 0,
    video_id: flexy ? flexy.getAttribute('video-id') : null,
    ad_showing: Boolean(player && player.classList.contains('ad-showing')),
  };
})()"""


def sample_playback(pages: Sequence[Page]) -> list[PlaybackSample]:
    """One sample of the main video on each page, taken back to back (no user gesture)."""
    return [PlaybackSample(**evaluate_without_gesture(page, SAMPLE_SCRIPT)) for page in pages]


def position_spread_ms(samples: Sequence[PlaybackSample]) -> float:
    """How far apart the players are, in ms, with every sample carried to the same instant."""
    when = max(s.wall_ms for s in samples)
    positions = [s.position_at(when) for s in samples]
    return (max(positions) - min(positions)) * 1000
