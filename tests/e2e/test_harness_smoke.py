"""Proof that the browser-test harness imitates what ShareTube meets on youtube.com.

Uses a throwaway MV3 probe extension written to a temporary directory (not the product).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from extension_helpers import EXTENSION_ONLY
from harness.browser import (
    evaluate_without_gesture,
    open_popup,
    sample_playback,
    service_worker,
    service_worker_running,
    stop_service_worker,
)
from harness.loopback_probe import LoopbackProbe

pytestmark = EXTENSION_ONLY


MANIFEST = {
    "manifest_version": 3,
    "name": "ShareTube harness probe",
    "version": "1.0",
    "background": {"service_worker": "worker.js"},
    "host_permissions": ["http://127.0.0.1/*", "https://www.youtube.com/*"],
    "content_scripts": [{"matches": ["https://www.youtube.com/*"], "js": ["content.js"],
                         "run_at": "document_start"}],
    "action": {"default_popup": "popup.html"},
}
PROBES_JS = """
async function probeFetch(url) {
  try { const r = await fetch(url); return { ok: true, status: r.status, body: await r.text() }; }
  catch (e) { return { ok: false, error: String(e) }; }
}
function probeWebSocket(url) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ ok: false, error: "timeout" }), 4000);
    const ws = new WebSocket(url);
    ws.onopen = () => ws.send("hello");
    ws.onmessage = (m) => { clearTimeout(timer); ws.close(); resolve({ ok: true, echo: m.data }); };
    ws.onerror = () => { clearTimeout(timer); resolve({ ok: false, error: "error event" }); };
  });
}
"""
WORKER_JS = PROBES_JS + """
self.bootId = Math.random().toString(36).slice(2);
self.probeFetch = probeFetch;
self.probeWebSocket = probeWebSocket;
chrome.runtime.onMessage.addListener((message, sender, reply) => {
  if (message.kind === "boot") reply({ bootId: self.bootId });
});
"""
CONTENT_JS = PROBES_JS + """
let navigateFinishSeen = 0;
document.addEventListener("yt-navigate-finish", () => {
  navigateFinishSeen += 1;
  document.documentElement.dataset.probeNavigations = String(navigateFinishSeen);
});
document.addEventListener("probe-request", async (event) => {
  const request = JSON.parse(event.detail);
  let result;
  if (request.kind === "fetch") result = await probeFetch(request.url);
  else if (request.kind === "websocket") result = await probeWebSocket(request.url);
  else result = await chrome.runtime.sendMessage(request.message);
  document.dispatchEvent(new CustomEvent("probe-result",
    { detail: JSON.stringify({ id: request.id, result }) }));
});
document.documentElement.dataset.probe = "ready";
"""
ASK_CONTENT_SCRIPT = """(request) => new Promise((resolve) => {
  const id = Math.random().toString(36).slice(2);
  const onResult = (event) => {
    const answer = JSON.parse(event.detail);
    if (answer.id !== id) return;
    document.removeEventListener("probe-result", onResult);
    resolve(answer.result);
  };
  document.addEventListener("probe-result", onResult);
  document.dispatchEvent(new CustomEvent("probe-request",
    { detail: JSON.stringify({ ...request, id }) }));
})"""
MAIN_VIDEO = "document.querySelector('#movie_player video.html5-main-video')"


@pytest.fixture(scope="module")
def probe_extension(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("probe-extension")
    (directory / "manifest.json").write_text(json.dumps(MANIFEST))
    (directory / "worker.js").write_text(WORKER_JS)
    (directory / "content.js").write_text(CONTENT_JS)
    (directory / "popup.html").write_text("<!doctype html><h1 id=hello>probe popup</h1>")
    return directory


def ask_content_script(page: Any, request: dict[str, Any]) -> Any:
    page.wait_for_selector("html[data-probe=ready]", state="attached")
    return page.evaluate(ASK_CONTENT_SCRIPT, request)


def open_watch_page(context: Any, url: str) -> Any:
    page = context.pages[0] if context.pages else context.new_page()
    page.goto(url)
    return page


def test_watch_page_autoplays_seeks_over_http_range(viewer: Any, fake_youtube: Any) -> None:
    page = open_watch_page(viewer(), "https://www.youtube.com/watch?v=abcdefghijk")
    # The page's own play() on load went through (autoplay flag, no gesture given yet).
    page.wait_for_timeout(300)
    assert evaluate_without_gesture(page, f"{MAIN_VIDEO}.paused") is False
    page.wait_for_function(f"{MAIN_VIDEO}.currentTime > 0.5")
    seek_to_20 = (f"new Promise(r => {{ const v = {MAIN_VIDEO}; "
                  "v.addEventListener('seeked', () => r(v.currentTime), {once: true}); "
                  "v.currentTime = 20; })")
    assert 20 <= page.evaluate(seek_to_20) < 20.5
    first = sample_playback([page])[0]
    page.wait_for_timeout(500)
    second = sample_playback([page])[0]
    assert second.current_time_s - first.current_time_s > 0.3
    assert second.video_id == "abcdefghijk" and not second.ad_showing
    statuses = {r.status for r in fake_youtube.media_requests() if "abcdefghijk" in r.path}
    assert 206 in statuses

    # The media route itself: 206 with Content-Range, suffix ranges, 416 past the end.
    url = fake_youtube.direct_url("/media/abcdefghijk.webm")
    size = fake_youtube.clip_for("abcdefghijk").size
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Range": "bytes=100-199"})) as r:
        assert (r.status, r.headers["Content-Range"], len(r.read())) == (
            206, f"bytes 100-199/{size}", 100)
        assert r.headers["Accept-Ranges"] == "bytes"
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Range": "bytes=-10"})) as r:
        assert r.headers["Content-Range"] == f"bytes {size - 10}-{size - 1}/{size}"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(urllib.request.Request(url, headers={"Range": f"bytes={size}-"}))
    assert refused.value.code == 416
    assert refused.value.headers["Content-Range"] == f"bytes */{size}"
    refused.value.close()


def test_page_has_youtube_structure_and_a_distinct_preview_video(
        viewer: Any, fake_youtube: Any) -> None:
    fake_youtube.register("abcdefghijk", title="Harness Title", channel="Harness Channel")
    page = open_watch_page(viewer(), fake_youtube.watch_url("abcdefghijk"))
    page.wait_for_function(f"{MAIN_VIDEO}.currentTime > 0.2")
    facts = page.evaluate("""() => {
      const main = document.querySelector('#movie_player video.html5-main-video');
      const preview = document.querySelector('ytd-video-preview video');
      return {
        firstVideoIsPreview: document.querySelector('video') === preview,
        distinct: main !== preview, previewPlaying: !preview.paused, previewMuted: preview.muted,
        mainSrc: main.src, previewSrc: preview.src,
        previewInsidePlayer: Boolean(preview.closest('#movie_player')),
        title: document.querySelector('h1.ytd-watch-metadata yt-formatted-string').textContent,
        channel: document.querySelector('ytd-channel-name #text a').textContent,
        controls: ['ytd-app', '.ytp-play-button', '.ytp-progress-bar',
                   '.ytp-autonav-toggle-button[aria-checked=true]']
                  .every((s) => document.querySelector(s)),
      };
    }""")
    assert facts["firstVideoIsPreview"] and facts["distinct"] and not facts["previewInsidePlayer"]
    assert facts["previewPlaying"] and facts["previewMuted"]
    assert facts["mainSrc"].endswith("/media/abcdefghijk.webm") and facts["previewSrc"] != facts["mainSrc"]
    assert (facts["title"], facts["channel"]) == ("Harness Title", "Harness Channel")
    assert facts["controls"]
    with urllib.request.urlopen(fake_youtube.oembed_url + "?format=json&url="
                                + urllib.request.quote(fake_youtube.watch_url("abcdefghijk"))) as r:
        oembed = json.load(r)
    assert (oembed["title"], oembed["author_name"]) == ("Harness Title", "Harness Channel")
    assert oembed["thumbnail_url"] == "https://i.ytimg.com/vi/abcdefghijk/hqdefault.jpg"


def test_spa_navigation_keys_and_autonav(viewer: Any, fake_youtube: Any,
                                         probe_extension: Path) -> None:
    fake_youtube.register("abcdefghijk", title="First")
    fake_youtube.register("shortclip01", title="Short one", clip="short", up_next="abcdefghijk")
    page = open_watch_page(viewer(probe_extension), fake_youtube.watch_url("abcdefghijk"))
    page.wait_for_function(f"{MAIN_VIDEO}.currentTime > 0.2")
    page.evaluate(f"""() => {{ window.__finished = [];
        {MAIN_VIDEO}.dataset.mark = 'same-element';
        document.addEventListener('yt-navigate-finish',
          (e) => window.__finished.push(e.detail.endpoint.watchEndpoint.videoId)); }}""")
    seen_before = int(page.get_attribute("html", "data-probe-navigations") or 0)

    page.click('#related a.yt-simple-endpoint[href="/watch?v=shortclip01"]')
    page.wait_for_function("window.__finished.length === 1")
    assert page.url == "https://www.youtube.com/watch?v=shortclip01"
    assert page.evaluate("window.__finished") == ["shortclip01"]
    assert page.evaluate(f"{MAIN_VIDEO}.dataset.mark") == "same-element"
    assert page.evaluate(f"{MAIN_VIDEO}.src").endswith("/media/shortclip01.webm")
    assert page.text_content("h1.ytd-watch-metadata yt-formatted-string") == "Short one"
    # The content script (isolated world) hears the page's navigation events too.
    page.wait_for_function(
        f"Number(document.documentElement.dataset.probeNavigations) === {seen_before + 1}")

    # Keyboard shortcuts: k pauses, l jumps 10 s, 0 goes to the start.
    page.wait_for_function(f"{MAIN_VIDEO}.readyState >= 2 && !{MAIN_VIDEO}.paused")
    page.keyboard.press("k")
    assert page.evaluate(f"{MAIN_VIDEO}.paused") is True
    before = page.evaluate(f"{MAIN_VIDEO}.currentTime")
    page.keyboard.press("l")
    assert abs(page.evaluate(f"{MAIN_VIDEO}.currentTime") - (before + 10)) < 0.1
    page.keyboard.press("0")
    assert page.evaluate(f"{MAIN_VIDEO}.currentTime") == 0

    # Autonav: at the end of the 12 s clip the page moves to "up next" about 1 s later.
    page.evaluate(f"{MAIN_VIDEO}.currentTime = 11.3; {MAIN_VIDEO}.play()")
    page.wait_for_function("window.__finished.length === 2", timeout=6000)
    assert page.evaluate("window.__finished") == ["shortclip01", "abcdefghijk"]
    assert page.url == "https://www.youtube.com/watch?v=abcdefghijk"


def test_local_network_access_blocks_content_script_not_worker(
        viewer: Any, fake_youtube: Any, probe_extension: Path) -> None:
    with LoopbackProbe() as local:
        context = viewer(probe_extension)
        page = open_watch_page(context, fake_youtube.watch_url("abcdefghijk"))
        from_page = ask_content_script(page, {"kind": "fetch", "url": f"{local.url}/ping?cs"})
        page_ws = ask_content_script(page, {"kind": "websocket", "url": f"ws://127.0.0.1:{local.port}/ws?cs"})
        worker = service_worker(context)
        from_worker = worker.evaluate("(u) => self.probeFetch(u)", f"{local.url}/ping?sw")
        worker_ws = worker.evaluate("(u) => self.probeWebSocket(u)", f"ws://127.0.0.1:{local.port}/ws?sw")
        assert from_page == {"ok": False, "error": "TypeError: Failed to fetch"}
        assert page_ws == {"ok": False, "error": "error event"}
        assert local.hits_for("/ping?cs") == [] and local.hits_for("/ws?cs") == []
        assert from_worker == {"ok": True, "status": 200, "body": '{"pong":true}'}
        assert worker_ws == {"ok": True, "echo": "hello"}
        assert local.websocket_opened == 1


def test_service_worker_stops_over_cdp_and_restarts_on_next_message(
        viewer: Any, fake_youtube: Any, probe_extension: Path) -> None:
    context = viewer(probe_extension)
    page = open_watch_page(context, fake_youtube.watch_url("abcdefghijk"))
    worker = service_worker(context)
    first_boot = worker.evaluate("self.bootId")
    assert ask_content_script(page, {"kind": "message", "message": {"kind": "boot"}}) == {
        "bootId": first_boot}
    stop_service_worker(context)
    assert not service_worker_running(context)
    answer = ask_content_script(page, {"kind": "message", "message": {"kind": "boot"}})
    assert answer["bootId"] != first_boot
    assert service_worker_running(context)
    # Playwright keeps the same Worker object; it now evaluates in the restarted worker.
    assert worker.evaluate("self.bootId") == answer["bootId"]
    popup = open_popup(context)
    assert popup.text_content("#hello") == "probe popup"


def test_midroll_ad_shows_classes_and_resumes_main_video_in_place(
        viewer: Any, fake_youtube: Any) -> None:
    page = open_watch_page(viewer(), fake_youtube.watch_url("abcdefghijk"))
    page.wait_for_function(f"{MAIN_VIDEO}.currentTime > 1.5")
    at_start = page.evaluate(
        f"(() => {{ const t = {MAIN_VIDEO}.currentTime; window.__fakeYT.startAd(1200); return t; }})()")
    showing = page.evaluate("""() => {
      const p = document.querySelector('#movie_player');
      return [p.classList.contains('ad-showing'), p.classList.contains('ad-interrupting'),
              Boolean(p.querySelector('.ytp-ad-player-overlay')),
              Boolean(p.querySelector('.ytp-ad-module')),
              p.querySelector('video').src.endsWith('/media/clip/ad.webm')];
    }""")
    assert showing == [True, True, True, True, True]
    assert sample_playback([page])[0].ad_showing
    page.wait_for_function("!document.querySelector('#movie_player').classList.contains('ad-showing')",
                           timeout=4000)
    assert page.evaluate("document.querySelector('#movie_player .ytp-ad-module')") is None
    page.wait_for_function(f"!{MAIN_VIDEO}.paused && {MAIN_VIDEO}.readyState >= 2")
    resumed = sample_playback([page])[0]
    assert abs(resumed.current_time_s - at_start) < 0.6
    assert page.evaluate(f"{MAIN_VIDEO}.src").endswith("/media/abcdefghijk.webm")


def test_profile_without_autoplay_flag_refuses_play_without_gesture(
        viewer: Any, fake_youtube: Any) -> None:
    context = viewer(autoplay_policy_free=False)
    page = context.pages[0] if context.pages else context.new_page()
    page.goto(fake_youtube.watch_url("abcdefghijk"))
    # Look only through evaluate_without_gesture: any page.evaluate/wait_for_* is a gesture.
    state = evaluate_without_gesture(page, f"""new Promise((resolve) => {{
        const v = {MAIN_VIDEO};
        const check = () => v.readyState >= 1 ? resolve({{paused: v.paused,
          active: navigator.userActivation.hasBeenActive}}) : setTimeout(check, 50);
        check(); }})""")
    assert state == {"paused": True, "active": False}
    refusal = evaluate_without_gesture(page, f"{MAIN_VIDEO}.play().then(() => 'played', e => e.name)")
    assert refusal == "NotAllowedError"
    page.click(".ytp-play-button")  # a real click is a gesture
    page.wait_for_function(f"!{MAIN_VIDEO}.paused && {MAIN_VIDEO}.currentTime > 0.2")
