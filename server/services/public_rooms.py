"""The list of public rooms (room setting `listed`): GET /api/rooms/public and the homepage.

Cheap by construction: it starts from the rooms someone is in right now (presence, shared
through Redis when configured), looks them up in a few bounded queries, counts the viewers of
at most PUBLIC_ROOMS_SCAN_MAX listed rooms, and keeps the answer PUBLIC_ROOMS_CACHE_MS per
process, so a crowd refreshing the homepage costs one round of queries every few seconds.

What it reveals is what the room's own join page shows anyone with the code: the name, how many
watch, what plays. Never a member's name, never a private room or one with a password (whatever
its `listed` says), never a room nobody is in. The thumbnail is built from the video id on
YouTube's own image host, never taken from what a member sent.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import asdict, dataclass

from flask import current_app

from server.domain import constants as C
from server.domain.youtube_urls import is_video_id, room_invite_url
from server.extensions import db
from server.models import QueueEntry, Room
from server.services.rooms import load_playback
from server.services.runtime import rt
from server.timeutil import now_ms

log = logging.getLogger("sharetube.public_rooms")
CACHE_KEY = "sharetube_public_rooms"


@dataclass(frozen=True)
class PublicRoom:
    code: str
    name: str
    watching: int  # distinct people with a socket in the room now
    state: str  # the room clock's state: idle, starting, playing, paused, midroll
    video_id: str | None
    title: str | None
    thumbnail_url: str | None  # https://i.ytimg.com/vi/<id>/mqdefault.jpg, or None
    open_url: str  # the invite link: YouTube with the room (the extension asks "Join?")
    join_path: str  # /join/<code>: opens it with the extension, explains how to get it without

    def wire(self) -> dict:
        return asdict(self)


class PublicRoomsCache:
    """One process's last answer; the lock makes a crowd of misses compute it once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.at_ms: int | None = None
        self.rooms: tuple[PublicRoom, ...] = ()


def thumbnail(video_id: str | None) -> str | None:
    return C.PUBLIC_ROOMS_THUMBNAIL.format(video_id=video_id) if video_id and is_video_id(video_id) else None


def public_rooms(now: int | None = None) -> list[PublicRoom]:
    """The listed rooms, most watched first (at most PUBLIC_ROOMS_MAX), at most
    PUBLIC_ROOMS_CACHE_MS old."""
    cache: PublicRoomsCache = current_app.extensions.setdefault(CACHE_KEY, PublicRoomsCache())
    when = now_ms() if now is None else now
    if cache.at_ms is not None and when - cache.at_ms < C.PUBLIC_ROOMS_CACHE_MS:
        return list(cache.rooms)
    with cache.lock:
        if cache.at_ms is not None and when - cache.at_ms < C.PUBLIC_ROOMS_CACHE_MS:
            return list(cache.rooms)  # another caller filled it while this one waited
        rooms = collect_public_rooms()
        cache.rooms, cache.at_ms = tuple(rooms), when
        log.debug("event=public_rooms_refreshed listed=%d", len(rooms))
        return rooms


def listed_rooms_among(codes: list[str]) -> list[Room]:
    """The open, listed, public, password-free rooms among `codes`, the most recently active
    first, at most PUBLIC_ROOMS_SCAN_MAX."""
    found: list[Room] = []
    step = C.PUBLIC_ROOMS_CODES_PER_QUERY
    for start in range(0, len(codes), step):
        found.extend(db.session.execute(
            db.select(Room).where(
                Room.code.in_(codes[start:start + step]), Room.listed.is_(True), Room.is_private.is_(False),
                Room.password_hash.is_(None), Room.closed_ms.is_(None))
            .order_by(Room.last_active_ms.desc()).limit(C.PUBLIC_ROOMS_SCAN_MAX)).scalars())
    found.sort(key=lambda room: room.last_active_ms or 0, reverse=True)
    return found[:C.PUBLIC_ROOMS_SCAN_MAX]


def collect_public_rooms() -> list[PublicRoom]:
    presence = rt().presence
    codes = sorted(presence.store.room_codes())
    if not codes:
        return []
    rooms = listed_rooms_among(codes)
    watching = {room.code: len(presence.users_in_room(room.code)) for room in rooms}
    rooms = [room for room in rooms if watching[room.code] > 0]
    rooms.sort(key=lambda room: (-watching[room.code], room.name.casefold(), room.code))
    rooms = rooms[:C.PUBLIC_ROOMS_MAX]
    playbacks = {room.code: load_playback(room) for room in rooms}
    entry_ids = [pb.entry_id for pb in playbacks.values() if pb.entry_id is not None]
    titles: dict[int, str | None] = {}
    if entry_ids:
        rows = db.session.execute(db.select(QueueEntry.id, QueueEntry.title).where(QueueEntry.id.in_(entry_ids)))
        titles = {entry_id: title for entry_id, title in rows}
    result = []
    for room in rooms:
        playback = playbacks[room.code]
        video_id = playback.video_id if playback.video_id and is_video_id(playback.video_id) else None
        title = titles.get(playback.entry_id) if video_id and playback.entry_id is not None else None
        result.append(PublicRoom(
            code=room.code, name=room.name, watching=watching[room.code], state=playback.state,
            video_id=video_id, title=title or None,
            thumbnail_url=thumbnail(video_id), open_url=room_invite_url(room.code, video_id),
            join_path=f"/join/{room.code}"))
    return result


def public_rooms_wire() -> dict:
    """GET /api/rooms/public's answer (without `ok`)."""
    return {"rooms": [room.wire() for room in public_rooms()], "max": C.PUBLIC_ROOMS_MAX,
            "refresh_ms": C.PUBLIC_ROOMS_REFRESH_MS}
