"""Pages for people (issue 18 item 4): HTML 404/500 pages on browser routes while /api/ and
/auth/ keep the JSON error shape, a favicon, feature pictures made for the homepage, and the
extension package built for this instance offered for download."""
from __future__ import annotations

import struct
import xml.etree.ElementTree as ET

import pytest

from server.api import homepage
from tests.socket.test_homepage import get_page


@pytest.fixture
def no_repo_zip(monkeypatch, tmp_path):
    monkeypatch.setattr(homepage, "EXTENSION_ZIP", tmp_path / "no-repo-package" / "ShareTube-extension.zip")


@pytest.mark.parametrize("path", ["/no-such-page", "/dashboard-typo", "/join", "/home-static/nope.css"])
def test_browser_routes_answer_unknown_paths_with_a_page(client, path):
    resp = client.get(path)
    assert resp.status_code == 404
    assert resp.mimetype == "text/html", resp.data[:200]
    page = get_page(client, path, status=404)
    assert "Page not found" in page.title or "not-found" in page.texts
    assert any(link.get("href") == "/" for link in page.links), "a way back to the homepage"
    assert page.meta["robots"] == "noindex"


@pytest.mark.parametrize("path", ["/api/no-such-thing", "/auth/nowhere", "/api/rooms/zz/remotes/x"])
def test_api_and_auth_keep_json_errors(client, path):
    resp = client.get(path)
    assert resp.status_code == 404
    assert resp.mimetype == "application/json"
    assert resp.get_json()["ok"] is False and resp.get_json()["error"] == "not_found"


def test_wrong_method_on_an_api_route_is_json_and_on_a_page_is_html(client):
    api = client.delete("/api/health")
    assert api.status_code == 405 and api.get_json()["error"] == "invalid"
    page = client.post("/")
    assert page.status_code == 405 and page.mimetype == "text/html"


def test_a_crash_on_a_browser_route_is_a_500_page_and_json_on_the_api(app, client, monkeypatch):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def boom(*_a, **_k):
        raise RuntimeError("database exploded with secret details")

    monkeypatch.setattr(homepage, "join_facts", boom)
    resp = client.get("/join/abcdefgh")
    assert resp.status_code == 500 and resp.mimetype == "text/html"
    html = resp.get_data(as_text=True)
    assert "Something went wrong" in html and "secret details" not in html
    from server.api import routes
    monkeypatch.setattr(routes, "public_counts", boom)
    api = client.get("/api/stats")
    assert api.status_code == 500 and api.get_json() == {"ok": False, "error": "internal", "message": "Internal error"}


def test_favicon_is_an_icon(client):
    resp = client.get("/favicon.ico")
    assert resp.status_code == 200
    assert resp.mimetype == "image/vnd.microsoft.icon"
    reserved, kind, count = struct.unpack("<HHH", resp.data[:6])
    assert (reserved, kind) == (0, 1) and count >= 2
    sizes = {resp.data[6 + 16 * i] for i in range(count)}
    assert {16, 32} <= sizes
    first_offset = struct.unpack("<I", resp.data[6 + 12:6 + 16])[0]
    assert resp.data[first_offset:first_offset + 8] == b"\x89PNG\r\n\x1a\n"
    assert 'href="/favicon.ico"' in client.get("/").get_data(as_text=True)


def test_feature_cards_show_pictures_made_for_them(client):
    page = get_page(client, "/")
    pictures = [img for img in page.images if "/home-static/features/" in img["src"]]
    assert len(pictures) == len(homepage.FEATURES) == 6
    for img in pictures:
        assert img["alt"] and img["width"] == "320" and img["height"] == "200"
        resp = client.get(img["src"])
        assert resp.status_code == 200 and resp.mimetype == "image/svg+xml", img["src"]
        svg = ET.fromstring(resp.data)
        assert svg.tag.endswith("svg") and svg.get("viewBox") == "0 0 320 200"
        assert svg.find("{http://www.w3.org/2000/svg}title").text, "the drawing says what it shows"
        assert b"<script" not in resp.data and b"href=\"http" not in resp.data
        assert b"prefers-color-scheme: dark" in resp.data, "the drawing follows dark mode"


def test_the_package_built_for_this_instance_is_offered(make_app, tmp_path, no_repo_zip):
    app = make_app(BACKEND_BASE_URL="http://127.0.0.1:5211")
    client = app.test_client()
    html = client.get("/").get_data(as_text=True)
    assert "/download/extension.zip" not in html
    assert "./RESTART.sh" in html and "no extension package" in html, "says how to get one"
    folder = app.config["ST"].INSTANCE_DIR / "extension"
    folder.mkdir(parents=True)
    package = folder / "ShareTube-extension-0.1.0.zip"
    package.write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    page = get_page(client, "/")
    assert [link["href"] for link in page.links if link.get("data-testid") == "download-extension"] == [
        "/download/extension.zip"]
    assert page.text("server-address") == "http://127.0.0.1:5211", "the homepage names its server for the popup"
    html = client.get("/").get_data(as_text=True)
    assert "ShareTube-extension-0.1.0.zip, made for this server (http://127.0.0.1:5211)" in html
    resp = client.get("/download/extension.zip")
    assert resp.status_code == 200 and resp.data == package.read_bytes()
    assert "ShareTube-extension-0.1.0.zip" in resp.headers["Content-Disposition"]
