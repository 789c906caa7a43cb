"""The browser side of the sync_accuracy bench: Chromium viewers with the real extension.

Each viewer is a persistent Chromium profile (tests/e2e/extension_helpers.launch_profile) whose
`localhost:5077` (the extension's default server origin) is mapped onto the test server's port,
or onto a delay proxy's port for the slow viewer. It signs in as a guest in the popup, opens the
imitation watch page of the room's video, then joins by setting the invite hash
(`#sharetube=CODE`, a same-document change the content script reads on `hashchange`).

A skewed viewer's clock: Chromium has no clock flag, and the extension reads the wall clock only
through `Date.now()` (time.sync in the service worker, `serverNow()` and the room view in the
content script; performance.now() only measures durations). So the skew replaces `Date` in the
two places the extension runs — the service worker's global scope (Playwright Worker.evaluate,
right after launch, before the room's socket exists) and the content script's isolated world
(CDP Runtime.evaluate in the execution context whose origin is chrome-extension://<id>, before
the join) — with a subclass whose `now()` and argument-less constructor are `skew_ms` ahead.
The page's main world keeps the true clock, so the bench's samples (performance.timeOrigin +
performance.now() in the main world) stay comparable across viewers.
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.bench.common import ROOT

E2E = ROOT / "tests" / "e2e"
if str(E2E) not in sys.path:
    sys.path.insert(0, str(E2E))

from extension_helpers import first_page, launch_profile, popup_sign_in  # noqa: E402
from harness.browser import (  # noqa: E402
    PlaybackSample,
    evaluate_without_gesture,
    extension_id,
    sample_playback,
    service_worker,
)

SKEW_SCRIPT = """((skew) => {
  if (globalThis.__stBenchSkewMs !== undefined) return globalThis.__stBenchSkewMs;
  const RealDate = globalThis.Date;
  const realNow = RealDate.now.bind(RealDate);
  class SkewedDate extends RealDate {
    constructor(...args) { if (args.length === 0) super(realNow() + skew); else super(...args); }
    static now() { return realNow() + skew; }
  }
  globalThis.Date = SkewedDate;
  globalThis.__stBenchSkewMs = skew;
  return skew;
})"""
# How far this world's Date.now() is from the true wall clock (the page's performance clock).
CLOCK_READING = "Date.now() - (performance.timeOrigin + performance.now())"

# Main world: a log of media events and ad class changes, and a start probe. Armed with the
# position the room holds at, it notes the last paused instant near that position, then polls
# every 4 ms. `moveWall`: the first poll that saw currentTime advance (about when play() ran).
# Chromium's media clock then stands nearly still for ~100 ms before it runs at the rate (the
# audio output starting; measured here), so the probe looks again SETTLE_MS later and
# extrapolates back: `startWall` = wall - (currentTime - room's held position) / rate is the
# instant the video would have left the room's position running steadily: where it effectively
# started, its position error included (so the spread of these is the offset right after a start).
# `nudged`: the rate changed inside that window (the extension corrects drift from ~200 ms on).
PROBE_SCRIPT = """(() => {
  if (window.__stBench) return true;
  const video = () => document.querySelector('#movie_player video.html5-main-video');
  const wall = () => performance.timeOrigin + performance.now();
  const bench = { log: [], probe: null, timer: null };
  const el = video();
  for (const type of ['play', 'pause', 'playing', 'seeking', 'seeked', 'waiting', 'ratechange']) {
    el.addEventListener(type, () => bench.log.push(
      { type, wall: wall(), ct: el.currentTime, rate: el.playbackRate }));
  }
  const player = document.querySelector('#movie_player');
  let ad = player.classList.contains('ad-showing');
  new MutationObserver(() => {
    const now = player.classList.contains('ad-showing');
    if (now !== ad) { ad = now; bench.log.push({ type: now ? 'ad-on' : 'ad-off', wall: wall(), ct: el.currentTime }); }
  }).observe(player, { attributes: true, attributeFilter: ['class'] });
  bench.arm = (heldS, tolS, timeoutMs, settleMs) => {
    clearInterval(bench.timer);
    const p = bench.probe = { heldS, armedWall: wall(), pausedCt: null, pausedWall: null,
                              startWall: null, firstMoveWall: null, moveWall: null, moveCt: null, rate: null,
                              settleWall: null, settleCt: null, nudged: null, done: false };
    bench.timer = setInterval(() => {
      const v = video();
      const now = wall();
      if (now - p.armedWall > timeoutMs) { p.done = true; clearInterval(bench.timer); return; }
      if (!v) return;
      if (v.paused) {
        if (!v.seeking && Math.abs(v.currentTime - heldS) <= tolS) {
          p.pausedCt = v.currentTime; p.pausedWall = now;
        }
        return;
      }
      if (p.pausedCt === null || v.seeking) return;
      const ct = v.currentTime;
      if (p.moveWall === null) {
        if (ct > p.pausedCt + 0.0005 && ct < p.pausedCt + 2) {
          p.moveWall = now; p.moveCt = ct; p.rate = v.playbackRate;
          p.firstMoveWall = now - ((ct - p.pausedCt) / v.playbackRate) * 1000;
        }
        return;
      }
      if (now - p.moveWall < settleMs) return;
      p.nudged = Math.abs(v.playbackRate - p.rate) > 0.001;
      p.settleWall = now; p.settleCt = ct;
      p.startWall = now - ((ct - heldS) / p.rate) * 1000;
      p.done = true; clearInterval(bench.timer);
    }, 4);
    return true;
  };
  window.__stBench = bench;
  return true;
})()"""


@dataclass
class Viewer:
    """One Chromium profile in the room: `kind` is normal, skewed or slow."""

    name: str
    kind: str
    context: Any
    page: Any
    user_id: int | None = None
    proxy: Any = None  # a ProxyThread for the slow viewer
    skew_ms: int = 0
    clock_fix_ms: float = 0.0  # Date.now() - performance clock of the main world (added to samples)
    notes: dict = field(default_factory=dict)

    def close(self) -> None:
        try:
            self.context.close()
        finally:
            if self.proxy is not None:
                self.notes["proxy"] = self.proxy.stop()
                self.proxy = None


def skew_service_worker(context: Any, skew_ms: int) -> dict:
    worker = service_worker(context)
    applied = worker.evaluate(f"{SKEW_SCRIPT}({int(skew_ms)})")
    seen = worker.evaluate("Date.now()") - time.time() * 1000
    return {"applied_ms": applied, "worker_date_minus_true_ms": round(seen, 1)}


def skew_content_script(page: Any, skew_ms: int, timeout_s: float = 10.0) -> dict:
    """Replace Date in the extension's isolated world of this page (its content script)."""
    origin = f"chrome-extension://{extension_id(page.context)}"
    session = page.context.new_cdp_session(page)
    contexts: list[dict] = []
    session.on("Runtime.executionContextCreated", lambda event: contexts.append(event["context"]))
    try:
        session.send("Runtime.enable")
        deadline = time.monotonic() + timeout_s
        while True:
            ours = [c for c in contexts if str(c.get("origin", "")).startswith(origin)]
            if ours:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"no content-script world ({origin}) on {page.url}")
            page.wait_for_timeout(50)
        result = session.send("Runtime.evaluate", {
            "expression": f"{SKEW_SCRIPT}({int(skew_ms)}), {CLOCK_READING}",
            "contextId": ours[-1]["id"], "returnByValue": True})
        return {"content_date_minus_page_clock_ms": round(result["result"]["value"], 1),
                "world": ours[-1].get("name")}
    finally:
        session.detach()


def launch(playwright: Any, extension: Path, fake: Any, server_port: int, profile_dir: Path, name: str,
           kind: str, *, skew_ms: int = 0, proxy: Any = None) -> Viewer:
    port = proxy.port if proxy is not None else server_port
    context = launch_profile(playwright, extension, fake, port, profile_dir)
    viewer = Viewer(name, kind, context, first_page(context), proxy=proxy, skew_ms=skew_ms)
    if skew_ms:
        viewer.notes["worker_skew"] = skew_service_worker(context, skew_ms)
    return viewer


def sign_in_and_join(viewer: Viewer, watch_url: str, code: str, timeout_s: float = 30.0) -> None:
    popup_sign_in(viewer.context, viewer.name).close()
    page = viewer.page
    page.goto(watch_url)
    page.wait_for_selector("[data-testid=st-panel-toggle]", state="attached")
    if viewer.skew_ms:
        viewer.notes["content_skew"] = skew_content_script(page, viewer.skew_ms)
    evaluate_without_gesture(page, f"location.hash = 'sharetube={code}'")
    deadline = time.monotonic() + timeout_s
    read_code = ("(() => { const h = document.getElementById('sharetube-overlay');"
                 " const c = h && h.shadowRoot.querySelector('[data-testid=st-room-code]');"
                 " return c ? c.textContent.trim() : ''; })()")
    # The extension asks before joining a room this browser never joined (issue 14, finding 9):
    # answer with a script click (no user activation, like everything else this harness does).
    accept = ("(() => { const h = document.getElementById('sharetube-overlay');"
              " const b = h && h.shadowRoot.querySelector('[data-testid=st-invite-join]');"
              " if (b && !b.closest('[hidden]')) b.click(); })()")
    while evaluate_without_gesture(page, read_code) != code:
        evaluate_without_gesture(page, accept)
        if time.monotonic() > deadline:
            raise TimeoutError(f"{viewer.name} did not join room {code}")
        time.sleep(0.1)
    evaluate_without_gesture(page, PROBE_SCRIPT)
    calibrate(viewer)


def calibrate(viewer: Viewer, rounds: int = 5) -> float:
    """Date.now() minus the main world's performance clock (median of a few readings)."""
    readings = sorted(evaluate_without_gesture(viewer.page, CLOCK_READING) for _ in range(rounds))
    viewer.clock_fix_ms = readings[len(readings) // 2]
    return viewer.clock_fix_ms


def sample(viewers: list[Viewer]) -> list[PlaybackSample]:
    """harness.browser.sample_playback, with each page's instant put on the system wall clock."""
    raw = sample_playback([v.page for v in viewers])
    return [PlaybackSample(**{**s.__dict__, "wall_ms": s.wall_ms + v.clock_fix_ms})
            for s, v in zip(raw, viewers, strict=True)]


SETTLE_MS = 160  # after the first advance; the extension's first nudge comes ~200–250 ms after a start


def arm_probes(viewers: list[Viewer], held_s: float, tol_s: float = 0.3, timeout_ms: int = 12000) -> None:
    for v in viewers:
        evaluate_without_gesture(v.page, PROBE_SCRIPT)
        evaluate_without_gesture(v.page, f"window.__stBench.arm({held_s}, {tol_s}, {timeout_ms}, {SETTLE_MS})")


def read_probe(viewer: Viewer) -> dict:
    probe = evaluate_without_gesture(viewer.page, "window.__stBench.probe") or {}
    for key in ("startWall", "firstMoveWall", "moveWall", "settleWall", "pausedWall", "armedWall"):
        if probe.get(key) is not None:
            probe[key] += viewer.clock_fix_ms
    return probe


def event_log(viewer: Viewer, since_ms: float) -> list[dict]:
    entries = evaluate_without_gesture(viewer.page, "window.__stBench.log") or []
    out = []
    for e in entries:
        wall = e["wall"] + viewer.clock_fix_ms
        if wall >= since_ms:
            out.append({**e, "wall": wall})
    return out


def start_ad(viewer: Viewer, ms: int) -> float:
    """Starts a midroll on this viewer's page; returns the instant (system wall clock, ms)."""
    at = evaluate_without_gesture(
        viewer.page, f"(() => {{ const t = performance.timeOrigin + performance.now();"
                     f" window.__fakeYT.startAd({int(ms)}); return t; }})()")
    return at + viewer.clock_fix_ms


def skew_still_applied(viewer: Viewer) -> dict:
    """After a run: is the worker still the skewed one (a restarted worker would have lost it)?"""
    worker = service_worker(viewer.context)
    return {"worker_skew_ms": worker.evaluate("globalThis.__stBenchSkewMs ?? null"),
            "worker_date_minus_true_ms": round(worker.evaluate("Date.now()") - time.time() * 1000, 1)}
