"""The public face of the service: the homepage (`/`) and the join page (`/join/<code>`).

Server-rendered with Jinja (autoescaping on; room names are user-supplied), readable without
JavaScript; one small deferred module (homepage/static/home.js) refreshes the live numbers and
shows "Open in YouTube" or the install steps depending on whether the extension marked the page.
Feature cards show illustrations drawn for the homepage (homepage/static/features/*.svg); the
screenshots in docs/screenshots (taken by the browser tests) serve only as the social preview
image, linked only when the file exists.
"""
from __future__ import annotations

import logging
import re
import struct
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, render_template, request, send_from_directory, url_for

from server.config import REPO_ROOT
from server.domain.constants import JOIN_PAGE_IP_LIMIT, PUBLIC_ROOMS_REFRESH_MS
from server.domain.youtube_urls import room_invite_url
from server.errors import ApiError
from server.extensions import db
from server.models import QueueEntry, Room
from server.services.presence.counts import public_counts
from server.services.public_rooms import PublicRoom, public_rooms
from server.services.request_limits import http_limit
from server.services.rooms import load_playback, public_facts, room_by_code
from server.services.runtime import rt

log = logging.getLogger("sharetube.homepage")

HOMEPAGE_DIR = REPO_ROOT / "homepage"
SCREENSHOTS_DIR = REPO_ROOT / "docs" / "screenshots"
EXTENSION_ZIP = REPO_ROOT / "extension" / "ShareTube-extension.zip"
# Screenshot files the image route may serve (anything else is a 404, even if it exists).
SHOT_NAME = re.compile(
    r"^(overlay[A-Za-z0-9_-]*|remote-360(-dark)?|dashboard(-dark)?|home-[A-Za-z0-9_-]+|join-[A-Za-z0-9_-]+)\.png$")
ASSET_MAX_AGE_SECONDS = 7 * 24 * 3600  # asset URLs carry the file's mtime (asset_url)
# Pages of this blueprint: no inline script, nothing from another origin but the public rooms'
# thumbnails from YouTube's image host (https://i.ytimg.com).
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; "
                           "img-src 'self' data: https://i.ytimg.com; connect-src 'self'; base-uri 'none'; "
                           "form-action 'self'; frame-ancestors 'none'; object-src 'none'")

bp = Blueprint("homepage", __name__,
               template_folder=str(HOMEPAGE_DIR / "templates"),
               static_folder=str(HOMEPAGE_DIR / "static"),
               static_url_path="/home-static")


# --- screenshots ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Shot:
    name: str
    width: int
    height: int
    dark: Shot | None = None  # the same view in dark mode, when the tests took one

    @property
    def url(self) -> str:
        return url_for("homepage.screenshot", name=self.name)


@dataclass(frozen=True)
class Feature:
    key: str
    title: str
    text: str
    alt: str

    @property
    def image(self) -> str:
        """The card's illustration, drawn for the homepage (homepage/static/features/<key>.svg)."""
        return f"features/{self.key}.svg"


# Each feature card; its picture is homepage/static/features/<key>.svg (the tests' screenshots
# only serve as the social preview image).
FEATURES = (
    Feature("sync", "In sync, on youtube.com",
            "Everyone watches on the real YouTube page. Play, pause, seek and speed changes reach the whole "
            "room, and the players stay within a fraction of a second of each other.",
            "Two players showing the same moment of the same video, marked in sync"),
    Feature("ads", "Ad-aware rooms",
            "When someone gets an ad, the room can wait for them, carry on, or only wait for the people in "
            "charge: the room owner decides.",
            "One player shows an ad while the other waits, with a note naming who the room waits for"),
    Feature("remote", "Your phone as a remote",
            "Scan a QR code in the room panel and control playback, the queue and chat from your phone.",
            "A QR code and a phone showing play, pause and seek controls"),
    Feature("queue", "A shared queue and chat",
            "Anyone can add a video, paste a link in chat to queue it, drag to reorder. The next video starts "
            "for everyone.",
            "A list of queued videos beside the chat, where a posted link joins the queue"),
    Feature("dashboard", "A dashboard for whoever runs it",
            "Rooms, people, load and an audit trail at a glance for the server's admins.",
            "The admin dashboard with live numbers, a chart and the list of rooms"),
    Feature("own-server", "Your server, your rooms",
            "ShareTube runs on a server that you or a friend hosts. Rooms, chat and accounts stay there; "
            "the videos come straight from YouTube.",
            "One server with the browsers of friends connected to it"),
)
# A room clock's state in words (the public rooms list; home.js reads the same table from the page).
STATE_WORDS = {"idle": "Nothing playing yet", "starting": "Starting", "playing": "Playing", "paused": "Paused",
               "midroll": "Waiting for an ad to finish"}
SOCIAL_IMAGE_CANDIDATES = ("overlay.png", "overlay-1280.png", "overlay*.png", "home-1280.png")


def png_size(path: Path) -> tuple[int, int] | None:
    """Width and height from a PNG's header, or None when the file is not a PNG."""
    try:
        with path.open("rb") as fh:
            head = fh.read(24)
    except OSError:
        return None
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", head[16:24])
    return (width, height) if width and height else None


def shot_at(path: Path) -> Shot | None:
    if not SHOT_NAME.match(path.name) or not path.is_file():
        return None
    size = png_size(path)
    return Shot(path.name, *size) if size else None


def find_shot(candidates: tuple[str, ...]) -> Shot | None:
    """The first existing, valid screenshot among the candidate names (globs sort by name), with
    its `-dark` twin when there is one."""
    if not SCREENSHOTS_DIR.is_dir():
        return None
    for pattern in candidates:
        paths = sorted(SCREENSHOTS_DIR.glob(pattern)) if "*" in pattern else [SCREENSHOTS_DIR / pattern]
        for path in paths:
            if path.stem.endswith("-dark"):
                continue
            shot = shot_at(path)
            if shot:
                dark = shot_at(path.with_name(f"{path.stem}-dark.png"))
                return Shot(shot.name, shot.width, shot.height, dark) if dark else shot
    return None


def social_image() -> str | None:
    shot = find_shot(SOCIAL_IMAGE_CANDIDATES)
    return url_for("homepage.screenshot", name=shot.name, _external=True) if shot else None


# --- what every page shows ----------------------------------------------------------------------
def live_counts() -> dict | None:
    """The public numbers of /api/stats, or None when they cannot be read (the page still renders)."""
    try:
        return public_counts()
    except Exception:  # a database hiccup must not take the homepage down
        log.exception("event=homepage_stats_failed")
        try:
            db.session.rollback()
        except Exception:
            pass
        return None


def listed_rooms() -> list[PublicRoom] | None:
    """The public rooms list (GET /api/rooms/public), or None when it cannot be read."""
    try:
        return public_rooms()
    except Exception:  # the homepage renders without it
        log.exception("event=homepage_public_rooms_failed")
        try:
            db.session.rollback()
        except Exception:
            pass
        return None


def extension_zip() -> Path | None:
    """The extension package this server offers: the one built for it (RESTART.sh and the deploy
    commands write <INSTANCE_DIR>/extension/ShareTube-extension-<version>.zip), else one made by
    `npm run package` beside the sources. The newest wins."""
    folders = (Path(current_app.config["ST"].INSTANCE_DIR) / "extension", EXTENSION_ZIP.parent)
    for folder in folders:
        try:
            found = [p for p in folder.glob("ShareTube-extension*.zip") if p.is_file()]
        except OSError:
            continue
        if found:
            return max(found, key=lambda p: p.stat().st_mtime)
    return None


def install_options() -> dict:
    cfg = current_app.config["ST"]
    package = extension_zip()
    return {"store_url": cfg.EXTENSION_STORE_URL, "server_url": cfg.BACKEND_BASE_URL,
            "zip_url": url_for("homepage.download_extension") if package else None,
            "zip_name": package.name if package else None}


def asset_url(filename: str) -> str:
    """A static file's URL with its modification time, so browsers may cache it for long."""
    try:
        stamp = int((HOMEPAGE_DIR / "static" / filename).stat().st_mtime)
    except OSError:
        stamp = 0
    return url_for("homepage.static", filename=filename, v=stamp)


def page_context(**extra: object) -> dict:
    cfg = current_app.config["ST"]
    return {"app_name": cfg.APP_NAME, "version": cfg.VERSION, "install": install_options(), "asset_url": asset_url,
            "og_image": social_image(), **extra}


@bp.after_request
def page_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    # A join page's URL holds the room code: never hand it to YouTube or anyone else.
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if request.endpoint == "homepage.static" and request.args.get("v"):
        response.headers["Cache-Control"] = f"public, max-age={ASSET_MAX_AGE_SECONDS}, immutable"
    elif response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-cache")
    return response


# --- routes -------------------------------------------------------------------------------------
@bp.get("/")
def home():
    return render_template("home/index.html", **page_context(
        counts=live_counts(), public_rooms=listed_rooms(), state_words=STATE_WORDS,
        rooms_refresh_ms=PUBLIC_ROOMS_REFRESH_MS, features=FEATURES,
        canonical=url_for("homepage.home", _external=True)))


@dataclass(frozen=True)
class JoinFacts:
    code: str
    name: str
    members: int
    has_password: bool
    is_private: bool
    state: str
    now_playing: str | None
    open_url: str


def current_entry(room: Room, entry_id: int | None) -> QueueEntry | None:
    if entry_id is not None:
        entry = db.session.get(QueueEntry, entry_id)
        if entry is not None and entry.room_id == room.id:
            return entry
    return db.session.execute(
        db.select(QueueEntry).where(QueueEntry.room_id == room.id, QueueEntry.status.in_(("playing", "queued")))
        .order_by(QueueEntry.position, QueueEntry.id).limit(1)).scalar_one_or_none()


def join_facts(code: str) -> JoinFacts:
    room = room_by_code(code)
    facts = public_facts(room, len(rt().presence.users_in_room(room.code)))
    playback = load_playback(room)
    entry = current_entry(room, playback.entry_id)
    video_id = playback.video_id or (entry.video_id if entry else None)
    # What is playing is for the people inside a locked or private room only.
    open_room = not facts["has_password"] and not facts["is_private"]
    now_playing = (entry.title or None) if (entry and open_room) else None
    return JoinFacts(code=room.code, name=facts["name"], members=int(facts["members"]),
                     has_password=facts["has_password"], is_private=bool(facts["is_private"]),
                     state=facts["state"], now_playing=now_playing,
                     open_url=room_invite_url(room.code, video_id if open_room else None))


@bp.get("/join/<code>", strict_slashes=False)
@http_limit(JOIN_PAGE_IP_LIMIT)
def join(code: str):
    try:
        facts = join_facts(code)
    except ApiError as err:
        if err.code != "not_found":
            raise
        return not_found_page("That room isn't open", "No room has that code. It may have been closed, or the "
                              "link may be incomplete: ask whoever sent it for a fresh invite.")
    return render_template("home/join.html", **page_context(
        room=facts, canonical=url_for("homepage.join", code=facts.code, _external=True)))


def not_found_page(heading: str, text: str):
    return render_template("home/not_found.html", **page_context(heading=heading, text=text)), 404


@bp.get("/download/extension.zip")
def download_extension():
    package = extension_zip()
    if package is None:
        return not_found_page("The extension package isn't here",
                              "This server has no packaged extension to download yet. If you run it, "
                              "./RESTART.sh builds one for it; or set a Chrome Web Store link.")
    return send_from_directory(package.parent, package.name, as_attachment=True, download_name=package.name,
                               mimetype="application/zip", max_age=0)


@bp.get("/favicon.ico")
def favicon():
    return send_from_directory(HOMEPAGE_DIR / "static", "favicon.ico", mimetype="image/vnd.microsoft.icon",
                               max_age=ASSET_MAX_AGE_SECONDS)


@bp.get("/home-static/shots/<name>")
def screenshot(name: str):
    if not SHOT_NAME.match(name) or not (SCREENSHOTS_DIR / name).is_file():
        abort(404)
    return send_from_directory(SCREENSHOTS_DIR, name, mimetype="image/png", max_age=300)
