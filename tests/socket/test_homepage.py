"""The public pages: `/` with live numbers, `/join/<code>` (open, password, unknown, closed),
escaping of user-supplied room names, social preview tags, screenshots and the extension zip."""
from __future__ import annotations

import re
import struct
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from server.api import homepage
from server.extensions import db
from server.models import Room
from tests.support.socket_clients import create_room, sign_in

HOSTILE_NAME = "<script>alert(1)</script>"


class Page(HTMLParser):
    """The parts of a page the tests look at: meta tags, title, scripts, images, test ids."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.scripts: list[dict] = []
        self.images: list[dict] = []
        self.links: list[dict] = []
        self.html_lang: str | None = None
        self.title = ""
        self.texts: dict[str, str] = {}
        self._in_title = False
        self._open: list[tuple[str, str | None]] = []  # (tag, testid) of open elements
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.html_lang = a.get("lang")
        elif tag == "meta" and ("property" in a or "name" in a):
            self.meta[a.get("property") or a["name"]] = a.get("content", "")
        elif tag == "script":
            self.scripts.append(a)
        elif tag == "img":
            self.images.append(a)
        elif tag == "a":
            self.links.append(a)
        elif tag == "title":
            self._in_title = True
        if tag not in ("meta", "img", "link", "br", "input"):
            self._open.append((tag, a.get("data-testid")))
            if a.get("data-testid"):
                self.texts.setdefault(a["data-testid"], "")

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        while self._open:
            if self._open.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        for _, testid in self._open:
            if testid:
                self.texts[testid] += data

    def text(self, testid: str) -> str:
        return " ".join(self.texts[testid].split())


def get_page(client, path: str, status: int = 200) -> Page:
    resp = client.get(path)
    assert resp.status_code == status, (path, resp.status_code, resp.data[:300])
    assert resp.mimetype == "text/html"
    return Page(resp.get_data(as_text=True))


def tiny_png(path: Path, width: int, height: int) -> None:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@pytest.fixture
def no_screenshots(monkeypatch, tmp_path):
    monkeypatch.setattr(homepage, "SCREENSHOTS_DIR", tmp_path / "no-screenshots")


# -- the homepage --------------------------------------------------------------------------------

def test_home_numbers_follow_rooms_opening_and_closing(app, client, no_screenshots):
    page = get_page(client, "/")
    assert (page.text("home-rooms-active"), page.text("home-users-online")) == ("0", "0")

    owner = sign_in(app, "Owner").connect()
    code = create_room(app, owner, name="Movie night")["code"]
    page = get_page(client, "/")
    assert page.text("home-rooms-active") == "0", "a room nobody is in is not being watched"

    owner.join(code)
    stats = client.get("/api/stats").get_json()
    assert (stats["rooms_active"], stats["users_online"]) == (1, 1)
    page = get_page(client, "/")
    assert (page.text("home-rooms-active"), page.text("home-users-online")) == ("1", "1")

    friend = sign_in(app, "Friend").connect()
    friend.join(code)
    page = get_page(client, "/")
    assert (page.text("home-rooms-active"), page.text("home-users-online")) == ("1", "2")

    assert friend.emit("leave")["ok"] and owner.emit("leave")["ok"]
    stats = client.get("/api/stats").get_json()
    assert (stats["rooms_active"], stats["users_online"]) == (0, 0)
    page = get_page(client, "/")
    assert (page.text("home-rooms-active"), page.text("home-users-online")) == ("0", "0")


def test_home_has_title_social_tags_and_no_render_blocking_script(client, no_screenshots):
    resp = client.get("/")
    page = Page(resp.get_data(as_text=True))
    assert page.html_lang == "en"
    assert "ShareTube" in page.title and "together" in page.title
    assert page.meta["og:title"] == page.title
    assert "youtube.com" in page.meta["og:description"] and page.meta["description"]
    assert page.meta["twitter:card"] == "summary", "no screenshot: no large-image card"
    assert "og:image" not in page.meta, "no screenshot exists: no og:image pointing nowhere"
    assert page.meta["viewport"].startswith("width=device-width")
    assert page.scripts, "the live numbers need their script"
    for script in page.scripts:
        assert script.get("type") == "module" or "defer" in script, script
        assert script["src"].startswith("/home-static/"), "served from this server, no CDN"
    assert "<style" not in resp.get_data(as_text=True) and "onclick" not in resp.get_data(as_text=True)
    assert "script-src 'self'" in resp.headers["Content-Security-Policy"]
    assert resp.headers["Cache-Control"] == "no-cache", "the numbers are live: no stale copies"
    # The static files it names exist and are served.
    html = resp.get_data(as_text=True)
    for url in [s["src"] for s in page.scripts] + re.findall(r'href="(/home-static/[^"]+)"', html):
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert "immutable" in asset.headers["Cache-Control"], url


def test_home_shows_the_getting_started_guide_and_the_zip(client, monkeypatch, tmp_path, no_screenshots):
    zip_path = tmp_path / "ShareTube-extension.zip"
    zip_path.write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    monkeypatch.setattr(homepage, "EXTENSION_ZIP", zip_path)
    html = client.get("/").get_data(as_text=True)
    for step in ("Install the extension", "Sign in", "Create a room", "Share the link", "Pair a phone"):
        assert step in html
    assert 'href="/download/extension.zip"' in html
    resp = client.get("/download/extension.zip")
    assert resp.status_code == 200 and resp.mimetype == "application/zip"
    assert resp.headers["Content-Disposition"].startswith("attachment")
    assert "ShareTube-extension.zip" in resp.headers["Content-Disposition"]
    assert resp.data == zip_path.read_bytes()


def test_download_is_a_clean_404_page_without_the_zip(client, monkeypatch, tmp_path, no_screenshots):
    monkeypatch.setattr(homepage, "EXTENSION_ZIP", tmp_path / "missing.zip")
    page = get_page(client, "/download/extension.zip", status=404)
    assert "extension package" in page.title
    assert "not-found" in page.texts
    html = client.get("/").get_data(as_text=True)
    assert "/download/extension.zip" not in html, "no link to a download that is not there"
    assert "no extension package" in html


def test_store_link_when_configured(make_app, monkeypatch, tmp_path, no_screenshots):
    monkeypatch.setattr(homepage, "EXTENSION_ZIP", tmp_path / "missing.zip")
    store = "https://chromewebstore.google.com/detail/sharetube/abcdefghijklmnopabcdefghijklmnop"
    client = make_app(EXTENSION_STORE_URL=store).test_client()
    page = get_page(client, "/")
    assert any(link.get("href") == store for link in page.links)
    assert "Load unpacked" not in client.get("/").get_data(as_text=True), "store only: no developer-mode steps"


def test_screenshots_are_only_the_social_preview_and_only_when_the_file_exists(client, monkeypatch, tmp_path):
    shots = tmp_path / "screenshots"
    shots.mkdir()
    tiny_png(shots / "overlay.png", 16, 10)
    tiny_png(shots / "secret.png", 4, 4)  # not a name the page uses
    (shots / "dashboard.png").write_text("not a png")  # broken: never linked
    monkeypatch.setattr(homepage, "SCREENSHOTS_DIR", shots)

    page = get_page(client, "/")
    assert not [img for img in page.images if "/shots/" in img["src"]], "feature cards use their own pictures"
    assert all(img.get("alt") for img in page.images if "/features/" in img["src"]), "every picture is described"
    assert page.meta["og:image"] == "http://localhost/home-static/shots/overlay.png"
    assert page.meta["twitter:card"] == "summary_large_image"
    resp = client.get("/home-static/shots/overlay.png")
    assert resp.status_code == 200 and resp.mimetype == "image/png"
    for missing in ("dashboard-dark.png", "secret.png", "..%2Fsecret.png", "overlay.txt"):
        assert client.get(f"/home-static/shots/{missing}").status_code == 404, missing


# -- the join page -------------------------------------------------------------------------------

def test_join_page_shows_the_rooms_public_facts_without_signing_in(app, client, no_screenshots):
    owner = sign_in(app, "Owner").connect()
    code = create_room(app, owner, name="Movie night")["code"]
    owner.join(code)
    assert owner.emit("queue.add", {"video_id": "dQw4w9WgXcQ", "title": "A song"})["ok"]

    page = get_page(client, f"/join/{code}")
    assert page.text("join-room-name") == "Movie night"
    assert "Movie night" in page.title and page.meta["og:title"] == page.title
    assert page.text("join-members") == "1 person"
    assert page.text("join-password") == "Not needed"
    assert page.text("join-code") == code
    assert page.meta["robots"] == "noindex", "invites are not for search engines"
    assert page.meta["og:url"] == f"http://localhost/join/{code}"
    open_links = [link["href"] for link in page.links if link.get("data-testid") == "join-open-youtube"]
    assert open_links == [f"https://www.youtube.com/watch?v=dQw4w9WgXcQ#sharetube={code}"]
    assert "join-install" in page.texts, "the install steps are in the page for people without the extension"
    assert page.text("join-state") == "Starting: A song", "the first video starts by itself"

    # Upper case, as someone may type it, finds the same room.
    assert get_page(client, f"/join/{code.upper()}").text("join-room-name") == "Movie night"


def test_join_page_says_when_a_password_is_needed(app, client, no_screenshots):
    owner = sign_in(app, "Owner").connect()
    code = create_room(app, owner, name="Locked", password="open sesame")["code"]
    owner.join(code)
    assert owner.emit("queue.add", {"video_id": "dQw4w9WgXcQ", "title": "Private pick"})["ok"]
    resp = client.get(f"/join/{code}")
    page = Page(resp.get_data(as_text=True))
    assert page.text("join-password").startswith("Needed")
    assert "password required" in page.meta["og:description"]
    assert "Private pick" not in resp.get_data(as_text=True), "a locked room keeps what it plays to itself"
    open_links = [link["href"] for link in page.links if link.get("data-testid") == "join-open-youtube"]
    assert open_links == [f"https://www.youtube.com/#sharetube={code}"]


@pytest.mark.parametrize("path", ["/join/abcdefgh", "/join/not-a-code", "/join/%3Cscript%3E", "/join/" + "x" * 300])
def test_join_page_for_an_unknown_room_is_a_clear_404(client, path, no_screenshots):
    page = get_page(client, path, status=404)
    assert "not-found" in page.texts
    assert "isn't open" in page.title
    assert page.meta["robots"] == "noindex"


def test_join_page_for_a_closed_room_is_a_404(app, client, no_screenshots):
    owner = sign_in(app, "Owner")
    code = create_room(app, owner, name="Done")["code"]
    with app.app_context():
        room = db.session.execute(db.select(Room).filter_by(code=code)).scalar_one()
        room.closed_ms = 1
        db.session.commit()
    page = get_page(client, f"/join/{code}", status=404)
    assert "not-found" in page.texts and "Done" not in page.title


def test_room_names_are_escaped_everywhere(app, client, no_screenshots):
    owner = sign_in(app, "Owner")
    code = create_room(app, owner, name=HOSTILE_NAME)["code"]
    html = client.get(f"/join/{code}").get_data(as_text=True)
    assert HOSTILE_NAME not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    page = Page(html)
    assert page.text("join-room-name") == HOSTILE_NAME, "shown as text, exactly as typed"
    assert HOSTILE_NAME in page.title and HOSTILE_NAME in page.meta["og:title"]
    assert all(s.get("src", "").startswith("/home-static/") for s in page.scripts), "no script from the name"


def test_join_page_takes_a_trailing_slash(app, client, no_screenshots):
    owner = sign_in(app, "Owner")
    code = create_room(app, owner, name="Slash")["code"]
    assert get_page(client, f"/join/{code}/").text("join-room-name") == "Slash"
