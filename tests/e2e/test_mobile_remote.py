"""The phone remote in a real (headless) phone-sized Chromium against a real Gunicorn server.

python-socketio clients sit in the room as two members' extensions and observe every change
the phone makes. Covers pairing through the QR URL, every control, the queue, chat, the share
target, refused codes, revoking, and an accessibility check (labels, contrast, touch targets).
"""
from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.e2e.a11y import axe_violations
from tests.support.live_server import LiveServer, SioClient

ROOT = Path(__file__).resolve().parents[2]
from tests.e2e.screenshots import SCREENSHOTS  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"viewport": {"width": 360, "height": 640}, "has_touch": True, "is_mobile": True,
         "device_scale_factor": 2}
VIDEO_A, VIDEO_B, VIDEO_C = "aaaaaaaaaaa", "bbbbbbbbbbb", "ccccccccccc"
PASTED, SHARED = "dQw4w9WgXcQ", "9bZkp7q19f0"


def call(server: LiveServer, method: str, path: str, body: dict | None = None,
         token: str | None = None) -> tuple[int, dict]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    resp = requests.request(method, f"{server.base_url}{path}", json=body, headers=headers, timeout=10)
    return resp.status_code, resp.json()


class Member(SioClient):
    """A signed-in guest whose 'extension' is a python-socketio client recording every event."""

    @classmethod
    def sign_in(cls, server: LiveServer, name: str) -> Member:
        status, answer = call(server, "POST", "/auth/guest", {"name": name})
        assert status == 200, answer
        member = cls(server.base_url, answer["access_token"])
        member.user = answer["user"]
        return member.connect(timeout=10)

    def emit(self, event: str, data: dict | None = None) -> dict:
        return self.call(event, data or {}, timeout=10)


# -- fixtures -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[LiveServer]:
    subprocess.run(["node", "mobile_remote/build.mjs"], cwd=ROOT, check=True, capture_output=True)
    work = tmp_path_factory.mktemp("remote-server")
    # SQLite of its own (the expired-code test edits it directly); the server's own default
    # BACKEND_BASE_URL (http://127.0.0.1:<port>) is a loopback address, as on a developer machine.
    live = LiveServer(work / "instance", f"sqlite:///{work / 'sharetube.db'}", {"START_TIMEOUT_MS": "60000"})
    live.db_path = work / "sharetube.db"
    live.start()
    yield live
    live.stop(signal.SIGKILL)


@pytest.fixture(scope="module")
def browser(playwright_instance) -> Iterator[Any]:
    browser = playwright_instance.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def phone(browser, server) -> Callable[..., Any]:
    contexts = []

    def open_phone(color_scheme: str = "light") -> Any:
        context = browser.new_context(**PHONE, color_scheme=color_scheme)
        # Only the ShareTube server exists here: thumbnails from i.ytimg.com fail fast, as offline.
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server.base_url)
                      else route.abort())
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(8000)
        return page

    yield open_phone
    for context in contexts:
        context.close()


@pytest.fixture
def room(server) -> Iterator[dict]:
    alice, bob = Member.sign_in(server, "Alice"), Member.sign_in(server, "Bob")
    status, made = call(server, "POST", "/api/rooms", {"settings": {"name": "Movie night"}}, alice.token)
    assert status == 201, made
    code = made["code"]
    for m in (alice, bob):
        assert m.emit("join", {"code": code})["ok"]
    entries = []
    for vid in (VIDEO_A, VIDEO_B, VIDEO_C):
        ack = alice.emit("queue.add", {"video_id": vid, "title": f"Clip {vid[0].upper()}", "author": "Test channel",
                                       "duration_ms": 240_000})
        assert ack["ok"], ack
        entries.append(ack["entry"])
    for m in (alice, bob):
        m.emit("player.ready", {"entry_id": entries[0]["id"], "ready": True})
    bob.wait_for("room.playback", lambda p: p["state"] == "playing")
    yield {"code": code, "alice": alice, "bob": bob, "entries": entries}
    for m in (alice, bob):
        m.sio.disconnect()


def sql(server: LiveServer, statement: str, *args: object) -> None:
    with sqlite3.connect(server.db_path, timeout=10) as conn:
        conn.execute(statement, args)


def new_pairing(server: LiveServer, member: Member, code: str) -> dict:
    status, made = call(server, "POST", f"/api/rooms/{code}/remote-pairings", {}, member.token)
    assert status == 201, made
    return made


def pair_phone(page, made: dict) -> None:
    page.goto(made["pair_url"])
    page.get_by_test_id("remote-app").wait_for(state="visible")
    assert "#pair" not in page.url


def touch_drag(page, x0: float, y0: float, x1: float, y1: float, steps: int = 6) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x0, "y": y0}]})
    for i in range(1, steps + 1):
        x, y = x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * i / steps
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
        time.sleep(0.02)
    time.sleep(0.15)  # the finger rests before lifting: no fling (which would swallow the next tap)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x1, "y": y1}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


# The remote's own promises beyond axe-core's rules: 44 px touch targets and no zoom trap.
A11Y_CHECK = r"""() => {
  const problems = [];
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    const cs = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && cs.visibility !== "hidden" && cs.display !== "none"
      && !el.closest("[hidden], [aria-hidden='true']");
  };
  const text = (el) => (el ? el.textContent.replace(/\s+/g, " ").trim() : "");
  const nameOf = (el) => {
    const label = el.getAttribute("aria-label");
    if (label && label.trim()) return label.trim();
    const by = el.getAttribute("aria-labelledby");
    if (by) return by.split(/\s+/).map((id) => text(document.getElementById(id))).join(" ").trim();
    if (el.id) {
      const forLabel = document.querySelector(`label[for="${CSS.escape(el.id)}"]`);
      if (forLabel && text(forLabel)) return text(forLabel);
    }
    const wrap = el.closest("label");
    if (wrap && text(wrap)) return text(wrap);
    if (["BUTTON", "A"].includes(el.tagName) || el.getAttribute("role") === "tab") return text(el) || el.title;
    return el.title || "";
  };
  const controls = "button, input, select, textarea, a[href], [role=slider], [role=tab], [role=img]";
  for (const el of document.querySelectorAll(controls)) {
    if (!shown(el)) continue;
    if (!nameOf(el)) problems.push({ rule: "label", html: el.outerHTML.slice(0, 160) });
    if (el.getAttribute("role") === "img") continue;
    const r = el.getBoundingClientRect();
    if (r.width < 44 || r.height < 44) {
      problems.push({ rule: "target-size-44", html: el.outerHTML.slice(0, 120), size: [r.width, r.height] });
    }
  }
  for (const img of document.querySelectorAll("img")) {
    if (!img.hasAttribute("alt")) problems.push({ rule: "image-alt", html: img.outerHTML.slice(0, 120) });
  }
  const parse = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a), g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a), a: 1,
  });
  const lum = (c) => {
    const ch = [c.r, c.g, c.b].map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
  };
  const background = (el) => {
    const layers = [];
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const cs = getComputedStyle(node);
      if (cs.backgroundImage !== "none" && !node.classList.contains("np-thumb-wrap")) return null;
      const c = parse(cs.backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
    }
    let result = { r: 255, g: 255, b: 255, a: 1 };
    for (const layer of layers.reverse()) result = over(layer, result);
    return result;
  };
  const opacity = (el) => {
    let o = 1;
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      o *= Number(getComputedStyle(node).opacity);
    }
    return o;
  };
  for (const el of document.querySelectorAll("body *")) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || !shown(el) || el.closest("button:disabled, [disabled]")) continue;
    const cs = getComputedStyle(el);
    const bg = background(el);
    if (!bg) continue;
    const fg0 = parse(cs.color);
    const fg = over({ ...fg0, a: fg0.a * opacity(el) }, bg);
    const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(cs.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(cs.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) {
      problems.push({ rule: "color-contrast", text: text(el).slice(0, 60), ratio: Math.round(ratio * 100) / 100 });
    }
  }
  const viewport = document.querySelector("meta[name=viewport]")?.content || "";
  if (/user-scalable\s*=\s*(no|0)|maximum-scale/i.test(viewport)) problems.push({ rule: "meta-viewport", viewport });
  return problems;
}"""


def accessibility_problems(page) -> list[dict]:
    rules = ["button-name", "label", "select-name", "aria-input-field-name", "aria-command-name",
             "image-alt", "color-contrast", "meta-viewport", "aria-allowed-attr", "aria-required-attr"]
    return axe_violations(page, rules) + page.evaluate(A11Y_CHECK)


# -- tests ----------------------------------------------------------------------------------
def test_the_phone_pairs_and_controls_the_room(server, room, phone):
    alice, bob, entries = room["alice"], room["bob"], room["entries"]
    made = new_pairing(server, alice, room["code"])
    assert made["loopback_warning"] and "LISTEN_HOST=0.0.0.0" in made["loopback_warning"]
    page = phone()
    pair_phone(page, made)
    page.get_by_test_id("room-name").filter(has_text="Movie night").wait_for()
    assert page.evaluate("JSON.parse(localStorage.getItem('sharetube.remote.v1')).room_code") == room["code"]
    bob.wait_for("presence.update", lambda d: any(m["user_id"] == alice.user["id"]
                                                 and m["devices"] == ["extension", "remote"] for m in d["members"]))
    page.get_by_test_id("np-title").filter(has_text="Clip A").wait_for()

    # play / pause
    bob.clear()
    page.get_by_test_id("play-pause").tap()
    paused = bob.wait_for("room.playback", lambda p: p["state"] == "paused")
    assert paused["actor_id"] == alice.user["id"]
    page.get_by_role("button", name="Play", exact=True).wait_for()
    page.get_by_test_id("play-pause").tap()
    bob.wait_for("room.playback", lambda p: p["state"] in ("playing", "starting") and p["version"] > paused["version"])

    # forward 10 s, then drag the bar to three quarters
    bob.clear()
    page.get_by_test_id("fwd-10").tap()
    bob.wait_for("room.playback", lambda p: p["position_ms"] >= 9_000)
    box = page.get_by_test_id("seek-bar").bounding_box()
    y = box["y"] + box["height"] / 2
    bob.clear()
    touch_drag(page, box["x"] + box["width"] * 0.1, y, box["x"] + box["width"] * 0.75, y)
    dragged = bob.wait_for("room.playback", lambda p: p["position_ms"] > 120_000)
    assert abs(dragged["position_ms"] - 180_000) < 12_000, dragged

    # speed, restart
    bob.clear()
    page.get_by_test_id("rate").select_option("1.5")
    bob.wait_for("room.playback", lambda p: p["rate"] == 1.5)
    page.get_by_test_id("np-state").filter(has_text="1.5×").wait_for()
    bob.clear()
    page.get_by_test_id("restart").tap()
    bob.wait_for("room.playback", lambda p: p["position_ms"] == 0)

    # skip → the room waits for the players; the phone shows who and can start now
    bob.clear()
    page.get_by_test_id("skip").tap()
    bob.wait_for("room.playback", lambda p: p["entry_id"] == entries[1]["id"] and p["state"] == "starting")
    banner = page.get_by_test_id("waiting-text")
    banner.filter(has_text="Waiting for").wait_for()
    assert "Alice" in banner.inner_text() and "Bob" in banner.inner_text()
    page.get_by_test_id("np-title").filter(has_text="Clip B").wait_for()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "remote-360-waiting.png"))
    page.get_by_test_id("start-now").tap()
    bob.wait_for("room.playback", lambda p: p["entry_id"] == entries[1]["id"] and p["state"] == "playing")
    page.get_by_test_id("waiting-banner").wait_for(state="hidden")

    # accessibility of the main view, light and dark; the reviewed screenshots
    page.wait_for_timeout(300)
    assert accessibility_problems(page) == []
    page.screenshot(path=str(SCREENSHOTS / "remote-360.png"))
    page.emulate_media(color_scheme="dark")
    assert accessibility_problems(page) == []
    page.screenshot(path=str(SCREENSHOTS / "remote-360-dark.png"))
    page.emulate_media(color_scheme="light")
    # the bar moves by itself with the room clock (1.5×: a second of video in 0.67 s)
    page.wait_for_function("document.querySelector('[data-testid=seek-bar]').getAttribute('aria-valuenow') >= 2")

    # the queue: add by pasted link, reorder by touch drag
    page.get_by_test_id("tab-queue").tap()
    bob.clear()
    page.get_by_test_id("add-url").fill(f"https://youtu.be/{PASTED}")
    page.get_by_test_id("add-submit").tap()
    bob.wait_for("queue.update", lambda q: any(e["video_id"] == PASTED for e in q["queue"]))
    rows = page.get_by_test_id("queue-row")
    rows.filter(has_text=PASTED).wait_for()
    assert rows.count() == 2  # Clip C and the pasted one
    page.wait_for_timeout(300)  # let the list settle (a late queue.update re-renders it)
    handle, second = page.evaluate("""() => {
        const rows = [...document.querySelectorAll('[data-testid=queue-row]')];
        const h = rows[0].querySelector('[data-testid=drag-handle]').getBoundingClientRect();
        const r = rows[1].getBoundingClientRect();
        return [{x: h.x + h.width / 2, y: h.y + h.height / 2}, {y: r.y + r.height * 0.9}];
    }""")
    bob.clear()
    touch_drag(page, handle["x"], handle["y"], handle["x"], second["y"])
    moved = bob.wait_for("queue.update")
    queued = [e["video_id"] for e in moved["queue"] if e["status"] == "queued"]
    assert queued == [PASTED, VIDEO_C], queued
    bob.clear()
    rows.filter(has_text="Clip C").get_by_test_id("remove").tap()
    bob.wait_for("queue.update", lambda q: all(e["video_id"] != VIDEO_C for e in q["queue"]))
    rows.filter(has_text="Clip C").wait_for(state="detached")
    bob.clear()
    rows.filter(has_text=PASTED).get_by_test_id("play-now").tap()
    now_pasted = bob.wait_for("room.playback", lambda p: p["video_id"] == PASTED)
    for member in (alice, bob):  # the two "extensions" load it and report ready
        member.emit("player.ready", {"entry_id": now_pasted["entry_id"], "ready": True})
    playing = bob.wait_for("room.playback", lambda p: p["video_id"] == PASTED and p["state"] == "playing")

    # chat, both ways; a message is text, never markup
    page.get_by_test_id("tab-chat").tap()
    bob.clear()
    page.get_by_test_id("chat-input").fill("hello from the phone")
    page.get_by_test_id("chat-send").tap()
    bob.wait_for("chat.message", lambda m: m["text"] == "hello from the phone" and m["user_id"] == alice.user["id"])
    assert bob.emit("chat.send", {"text": "<b>bold</b> & <img src=x onerror=alert(1)>"})["ok"]
    page.get_by_test_id("chat-message").filter(has_text="<b>bold</b>").wait_for()
    assert page.locator(".chat-list b, .chat-list img").count() == 0

    # accessibility of the other views (dark), with whatever toasts are showing
    page.emulate_media(color_scheme="dark")
    for tab in ("now", "queue", "chat", "people"):
        page.get_by_test_id(f"tab-{tab}").tap()
        assert accessibility_problems(page) == [], tab
        page.screenshot(path=str(SCREENSHOTS / f"remote-360-{tab}-dark.png"))
    page.get_by_test_id("roster").filter(has_text="Browser + phone").wait_for()

    # the roster shows the client core's verdicts (the overlay and the dashboard show the same):
    # Bob's player 320 ms behind the running room clock is "a little off"; a participant in an
    # "operators" room watches only, the owner controls playback
    time.sleep(max(0.0, (playing["anchor_ms"] - time.time() * 1000) / 1000) + 0.2)
    room_position = playing["position_ms"] + (time.time() * 1000 - playing["anchor_ms"]) * playing["rate"]
    assert bob.emit("player.status", {"entry_id": playing["entry_id"], "position_ms": int(room_position - 320),
                                      "offset_ms": 5, "rtt_ms": 40})["ok"]
    bob_row = page.locator(f'[data-testid="person"][data-user-id="{bob.user["id"]}"]')
    page.locator(f'[data-testid="person"][data-user-id="{bob.user["id"]}"][data-health="yellow"]').wait_for()
    assert bob_row.get_attribute("data-may-control") == "false"
    assert "a little off · 3" in (bob_row.get_by_test_id("person-health").text_content() or "")
    alice_row = page.locator(f'[data-testid="person"][data-user-id="{alice.user["id"]}"]')
    assert alice_row.get_attribute("data-may-control") == "true"

    # the share target adds a link (as the YouTube app's "Share → ShareTube" would)
    bob.clear()
    shared = urllib.parse.urlencode({"title": "Great video", "text": f"Look https://www.youtube.com/watch?v={SHARED}"})
    page.goto(f"{server.base_url}/mobile-remote/share?{shared}")
    bob.wait_for("queue.update", lambda q: any(e["video_id"] == SHARED for e in q["queue"]))
    page.wait_for_url(f"{server.base_url}/mobile-remote/")

    # revoking drops the phone at once and it says so
    saved = page.evaluate("localStorage.getItem('sharetube.remote.v1')")
    status, answer = call(server, "DELETE", f"/api/remotes/{made['pairing_id']}", token=alice.token)
    assert status == 200 and answer["dropped"] == 1, answer
    page.get_by_test_id("screen-title").filter(has_text="This remote was disconnected; pair again").wait_for()
    bob.wait_for("presence.update", lambda d: any(m["user_id"] == alice.user["id"]
                                                 and m["devices"] == ["extension"] for m in d["members"]))
    page.reload()
    page.get_by_test_id("screen-title").filter(has_text="Pair this phone").wait_for()
    # a phone that slept through the revocation is refused when it reconnects, and says so
    page.evaluate("(s) => localStorage.setItem('sharetube.remote.v1', s)", saved)
    page.reload()
    page.get_by_test_id("screen-title").filter(has_text="This remote was disconnected; pair again").wait_for()
    assert page.evaluate("localStorage.getItem('sharetube.remote.v1')") is None

    code = made["pair_url"].split("#pair=", 1)[1]
    assert code not in server.log  # the code never reaches a log line


def test_used_and_expired_codes_show_a_clear_error(server, room, phone):
    alice = room["alice"]
    used = new_pairing(server, alice, room["code"])
    status, _ = call(server, "POST", "/api/remote/pair", {"code": used["pair_url"].split("#pair=")[1]})
    assert status == 200
    page = phone()
    page.goto(used["pair_url"])
    page.get_by_test_id("screen-title").filter(has_text="This QR code was already used").wait_for()
    assert "#pair" not in page.url

    expired = new_pairing(server, alice, room["code"])
    sql(server, "UPDATE remote_pairings SET expires_ms = 1 WHERE id = ?", expired["pairing_id"])
    page.goto(expired["pair_url"])
    page.get_by_test_id("screen-title").filter(has_text="This QR code expired").wait_for()
    assert accessibility_problems(page) == []
    page.screenshot(path=str(SCREENSHOTS / "remote-360-expired.png"))


def test_a_participants_phone_is_refused_what_the_participant_may_not_do(server, room, phone):
    alice, bob = room["alice"], room["bob"]
    assert alice.emit("room.settings", {"control_mode": "owner_only"})["ok"]
    page = phone("dark")
    pair_phone(page, new_pairing(server, bob, room["code"]))
    page.get_by_test_id("control-note").filter(has_text="Only the room owner controls playback").wait_for()
    alice.clear()
    page.get_by_test_id("play-pause").tap()
    page.get_by_test_id("toasts").filter(has_text="owner").wait_for()
    time.sleep(0.3)
    assert alice.events("room.playback") == []


def test_the_phone_comes_back_by_itself_after_a_network_change_and_a_server_restart(server, room, phone):
    """Runs last in this module: it restarts the module's server."""
    alice = room["alice"]
    page = phone()
    pair_phone(page, new_pairing(server, alice, room["code"]))
    status = page.get_by_test_id("connection-status")
    status.filter(has_text="Connected").wait_for()

    page.context.set_offline(True)  # the phone loses its network …
    status.filter(has_text="Offline").wait_for()
    page.context.set_offline(False)  # … and finds it again: it checks the socket and resyncs
    status.filter(has_text="Connected").wait_for()
    assert page.get_by_test_id("remote-app").is_visible()

    server.stop(signal.SIGKILL)  # the server dies …
    status.filter(has_text="Reconnecting").wait_for()
    server.start()  # … and comes back: same database, same secrets, so the phone's token is still good
    status.filter(has_text="Connected").wait_for(timeout=15_000)
    carol = Member.sign_in(server, "Carol")  # the room goes on; the phone must see it
    assert carol.emit("join", {"code": room["code"]})["ok"]
    alice.connect(timeout=10)
    assert alice.emit("join", {"code": room["code"]})["ok"]
    assert alice.emit("pause", {})["ok"]
    page.get_by_test_id("np-state").filter(has_text="Paused").wait_for()
    page.get_by_test_id("roster").filter(has_text="Carol").wait_for(state="attached")
    carol.sio.disconnect()
