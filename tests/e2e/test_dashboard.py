"""The admin dashboard in a real (headless) Chromium against a real Gunicorn + gevent server.

An admin signs in with the CLI's one-time link; python-socketio clients create rooms, join,
play, chat and leave, and the numbers and tables follow; the room detail shows members' clock
offsets; a kick and a ban made in the page reach those clients; the audit log shows both.
The refusals (non-admin, no CSRF header, foreign Origin on `/admin`, stale cookie) are checked
against the same real server, over real websockets.
"""
from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio
from playwright.sync_api import expect

from tests.support.live_server import LiveServer, live_server_fixture, sio_client  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parents[2]
from tests.e2e.screenshots import SCREENSHOTS  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1280, "height": 900}
LINK_RE = re.compile(r"http://\S+/dashboard/login#token=[A-Za-z0-9_-]+")
PUSH_WAIT_MS = 8000  # admin.stats every 2 s; tables refresh on each push


# -- fixtures ------------------------------------------------------------------------------------
@pytest.fixture(scope="module", autouse=True)
def built_dashboard() -> None:
    result = subprocess.run(["node", "dashboard/build.mjs"], cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        pytest.fail(f"node dashboard/build.mjs failed (are npm deps installed? uplot):\n{result.stderr}")


@pytest.fixture
def server(live_server, monkeypatch) -> LiveServer:
    monkeypatch.delenv("BACKEND_BASE_URL", raising=False)  # its own http://127.0.0.1:<port>
    return live_server(env={"START_TIMEOUT_MS": "60000"})


@pytest.fixture
def browser(playwright_instance) -> Iterator[Any]:
    browser = playwright_instance.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def admin_link(server: LiveServer, email: str = "a@example.com") -> str:
    env = {**server.env, "AUTO_MIGRATE": "false", "RUN_SCHEDULER": "false", "SOCKETIO_ASYNC_MODE": "threading"}
    out = subprocess.run([str(ROOT / ".venv/bin/flask"), "--app", "server", "sharetube", "admin-link", email],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stdout + out.stderr
    match = LINK_RE.search(out.stdout)
    assert match, out.stdout
    assert match.group(0).startswith(server.base_url + "/dashboard/login#token=")
    return match.group(0)


class Guest:
    """A guest's extension as the server sees it: a REST token and a recording socket."""

    def __init__(self, server: LiveServer, name: str) -> None:
        resp = requests.post(f"{server.base_url}/auth/guest", json={"name": name}, timeout=5)
        assert resp.status_code == 200, resp.text
        self.server, self.name = server, name
        self.token, self.user = resp.json()["access_token"], resp.json()["user"]
        self.sio = sio_client(server.base_url, self.token)

    def call(self, event: str, data: dict | None = None) -> dict:
        ack = self.sio.call(event, data or {})
        assert ack["ok"], (event, ack)
        return ack

    def create_room(self, name: str) -> str:
        resp = requests.post(f"{self.server.base_url}/api/rooms", json={"settings": {"name": name}},
                             headers={"Authorization": f"Bearer {self.token}"}, timeout=5)
        assert resp.status_code == 201, resp.text
        return resp.json()["code"]


def stat(page, key: str):
    return page.get_by_test_id(f"stat-{key}")


def room_row(page, code: str):
    return page.locator(f'[data-testid="room-row"][data-code="{code}"]')


def member_row(page, user_id: int):
    return page.locator(f'[data-testid="member-row"][data-user-id="{user_id}"]')


def confirm(page) -> None:
    dialog = page.get_by_test_id("confirm-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_test_id("confirm-ok").click()


# -- the dashboard, live ---------------------------------------------------------------------------
def test_dashboard_follows_the_service_and_its_actions_reach_the_clients(server, browser):
    link = admin_link(server)
    page = browser.new_context(viewport=VIEWPORT).new_page()
    page.set_default_timeout(PUSH_WAIT_MS)
    page.goto(link)
    expect(page.get_by_test_id("connection-status")).to_have_text("live")
    assert page.url == f"{server.base_url}/dashboard/"  # the one-time code left the address bar
    expect(page.get_by_test_id("admin-name")).to_have_text("a")
    expect(stat(page, "users_online")).to_have_text("0")
    expect(stat(page, "workers")).to_have_text("1")

    alice, bob, carol = (Guest(server, n) for n in ("Alice", "Bob", "Carol"))
    movie = alice.create_room("Movie night")
    quiz = carol.create_room("Quiz <b>club</b>")
    for guest, code in ((alice, movie), (bob, movie), (carol, quiz)):
        guest.call("join", {"code": code})
    entry = alice.call("queue.add", {"video_id": "dQw4w9WgXcQ", "title": "Never Gonna Give You Up",
                                     "duration_ms": 213_000})["entry"]
    playback = alice.call("start_now")["playback"]
    alice.call("chat.send", {"text": "popcorn ready?"})
    bob.call("chat.send", {"text": "<img src=x onerror=alert(1)> yes"})
    time.sleep(max(0.0, (playback["anchor_ms"] - time.time() * 1000) / 1000) + 1.0)  # a second into the video

    def status(guest: Guest, drift_ms: int, offset_ms: int, rtt_ms: int) -> None:
        room_position = playback["position_ms"] + time.time() * 1000 - playback["anchor_ms"]
        guest.call("player.status", {"entry_id": entry["id"], "position_ms": int(room_position + drift_ms),
                                     "offset_ms": offset_ms, "rtt_ms": rtt_ms})

    status(alice, 40, 12, 18)
    status(bob, -320, -1234, 87)

    expect(stat(page, "users_online")).to_have_text("3")
    expect(stat(page, "rooms_active")).to_have_text("2")
    expect(stat(page, "sockets")).to_have_text("3")
    expect(room_row(page, movie).get_by_test_id("room-members")).to_have_text("2")
    expect(room_row(page, movie)).to_contain_text("Never Gonna Give You Up")
    expect(room_row(page, quiz)).to_contain_text("Quiz <b>club</b>")  # shown as typed, not as markup

    page.get_by_test_id("rooms-search").fill("movie")
    expect(page.get_by_test_id("room-row")).to_have_count(1)
    page.get_by_test_id("rooms-search").fill("")
    expect(page.get_by_test_id("room-row")).to_have_count(2)
    room_row(page, movie).click()
    detail = page.get_by_test_id("room-detail")
    expect(detail.get_by_test_id("detail-name")).to_have_text("Movie night")
    expect(member_row(page, bob.user["id"]).get_by_test_id("member-offset")).to_have_text("-1,234 ms")
    expect(member_row(page, bob.user["id"]).get_by_test_id("member-rtt")).to_have_text("87 ms")
    expect(member_row(page, alice.user["id"]).get_by_test_id("member-offset")).to_have_text("12 ms")
    expect(member_row(page, bob.user["id"]).get_by_test_id("member-drift")).to_have_text(re.compile(r"^-3\d\d ms$"))
    # Sync health and control come from the client core, as in the overlay and on the phone.
    expect(member_row(page, alice.user["id"])).to_have_attribute("data-health", "green")
    expect(member_row(page, bob.user["id"])).to_have_attribute("data-health", "yellow")  # 320 ms off
    expect(member_row(page, bob.user["id"]).get_by_test_id("member-health")).to_have_text("a little off")
    expect(member_row(page, alice.user["id"])).to_have_attribute("data-may-control", "true")  # the owner
    expect(member_row(page, bob.user["id"])).to_have_attribute("data-may-control", "false")  # a participant
    expect(detail.get_by_test_id("chat")).to_contain_text("<img src=x onerror=alert(1)> yes")
    expect(detail.get_by_test_id("timeline")).to_contain_text("playing")
    assert page.locator("img").count() == 0  # no chat markup became an element
    page.wait_for_timeout(2500)  # one more push, so the charts have a few points
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dashboard.png"))

    carol.call("leave")
    carol.sio.close()
    expect(stat(page, "users_online")).to_have_text("2")
    expect(stat(page, "rooms_active")).to_have_text("1")

    # Kick Bob from the room detail: his extension is told, and he is off the roster.
    member_row(page, bob.user["id"]).get_by_test_id(f"kick-{bob.user['id']}").click()
    confirm(page)
    kicked = bob.sio.wait_for("room.kicked", timeout=5)
    assert kicked["code"] == movie
    expect(member_row(page, bob.user["id"])).to_have_count(0)
    assert bob.sio.connected

    # He comes back; ban him: every socket he has drops at once, and his token stops working.
    bob.call("join", {"code": movie})
    expect(member_row(page, bob.user["id"])).to_have_count(1)
    member_row(page, bob.user["id"]).get_by_test_id(f"ban-{bob.user['id']}").click()
    confirm(page)
    assert bob.sio.wait_for("session.ended", timeout=5) == {"reason": "banned"}
    page.wait_for_function("() => true")  # let the toast render
    deadline_ms = 5000
    while bob.sio.connected and deadline_ms > 0:
        page.wait_for_timeout(100)
        deadline_ms -= 100
    assert not bob.sio.connected
    with pytest.raises(socketio.exceptions.ConnectionError):
        sio_client(server.base_url, bob.token)
    expect(member_row(page, bob.user["id"])).to_have_count(0)
    expect(stat(page, "users_online")).to_have_text("1")

    # The audit log has both, with the acting admin and the member they were about.
    page.get_by_test_id("tab-audit").click()
    kick_row = page.locator('[data-testid="audit-row"][data-action="member.kick"]')
    ban_row = page.locator('[data-testid="audit-row"][data-action="admin.ban"]')
    expect(kick_row).to_contain_text("Bob")
    expect(kick_row).to_contain_text(movie)
    expect(ban_row).to_contain_text("Bob")
    expect(ban_row).to_contain_text("a")
    page.screenshot(path=str(SCREENSHOTS / "dashboard-audit.png"))

    # Users: search finds Bob, banned; unban him from the page.
    page.get_by_test_id("tab-users").click()
    page.get_by_test_id("users-search").fill("bob")
    bob_row = page.locator(f'[data-testid="user-row"][data-user-id="{bob.user["id"]}"]')
    expect(bob_row.get_by_test_id("user-status")).to_have_text("banned")
    bob_row.get_by_test_id(f"unban-{bob.user['id']}").click()
    confirm(page)
    expect(bob_row.get_by_test_id("user-status")).not_to_have_text("banned")
    for guest in (alice, bob):
        guest.sio.close()


# -- refusals, against the real server ----------------------------------------------------------------
def test_refusals_non_admin_page_csrf_foreign_origin_and_stale_cookie(server, browser):
    page = browser.new_context(viewport=VIEWPORT).new_page()
    page.set_default_timeout(PUSH_WAIT_MS)
    page.goto(f"{server.base_url}/dashboard/")
    expect(page.get_by_test_id("signin")).to_contain_text("./RESTART.sh admin-link you@example.com")

    mallory = requests.post(f"{server.base_url}/auth/guest", json={"name": "Mallory"}, timeout=5).json()
    page.goto(f"{server.base_url}/dashboard/#access_token={mallory['access_token']}&token_type=Bearer")
    expect(page.get_by_test_id("refused")).to_contain_text("not an admin")
    expect(page.get_by_test_id("refused")).to_contain_text("Mallory")

    http = requests.Session()
    code = admin_link(server).split("#token=", 1)[1]
    opened = http.post(f"{server.base_url}/api/admin/session", json={"code": code}, timeout=5)
    assert opened.status_code == 200
    cookie = http.cookies.get("access_token_cookie")
    csrf = opened.json()["csrf_token"]

    def admin_socket(origin: str | None) -> socketio.Client:
        # websocket-client sends an Origin of its own unless told which one (or none) to send.
        options = {"origin": origin} if origin else {"suppress_origin": True}
        client = socketio.Client(reconnection=False, websocket_extra_options=options)
        client.connect(server.base_url, namespaces=["/admin"], transports=["websocket"],
                       headers={"Cookie": f"access_token_cookie={cookie}"}, wait_timeout=5)
        return client

    # Engine.IO's CORS list already turns a foreign page away at the handshake (the socket closes
    # before its open packet); the extension's origin is on that list, so /admin refuses it itself,
    # as it does a client that sends no Origin at all.
    with pytest.raises((socketio.exceptions.ConnectionError, ValueError)):
        admin_socket("https://evil.example")
    extension = f"chrome-extension://{(ROOT / 'extension' / 'EXTENSION_ID').read_text().strip()}"
    for origin in (extension, None):
        with pytest.raises(socketio.exceptions.ConnectionError):
            admin_socket(origin)
    own = admin_socket(server.base_url)
    assert own.call("admin.rooms", {}, namespace="/admin", timeout=5)["ok"] is True
    own.disconnect()

    assert http.delete(f"{server.base_url}/api/admin/session", timeout=5).status_code == 403  # no CSRF header
    assert http.get(f"{server.base_url}/api/admin/session", timeout=5).status_code == 200
    assert http.delete(f"{server.base_url}/api/admin/session", headers={"X-CSRF-TOKEN": csrf},
                       timeout=5).status_code == 200
    with pytest.raises(socketio.exceptions.ConnectionError):
        admin_socket(server.base_url)  # the old cookie, replayed after sign-out
    stale = requests.get(f"{server.base_url}/api/admin/session", cookies={"access_token_cookie": cookie}, timeout=5)
    assert stale.status_code == 401
