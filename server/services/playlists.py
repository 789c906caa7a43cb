"""Playlists the server expands itself: YouTube Data API `playlistItems`, paged, bounded, cached.

Only with `YOUTUBE_API_KEY` (the API needs a key; without one a client reads the playlist from the
page it shows, and a bare `list=` link gets a clear refusal). `PlaylistFetcher.fetch(list_id)` is
blocking network I/O: it asks `GET <YOUTUBE_API_URL>/playlistItems?part=snippet&playlistId=…`
page by page (50 items each) until MAX_PLAYLIST_ENTRIES, reading each answer within one deadline
for the whole expansion (PLAYLIST_TIMEOUT_S) and a size cap per page (services/bounded_fetch.py).
It never raises: the answer is FOUND (with the items), NOT_FOUND (no such playlist, private, or an
id the API refuses) or FAILED (timeout, error status, unreadable answer). Answers are cached per
playlist id (LRU with a TTL; "not found" and failures more briefly). Failures are logged without
the request URL (it carries the key).
"""
from __future__ import annotations

import enum
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import requests

from server.domain.chat_text import strip_invisible
from server.domain.queue_chat_limits import (
    MAX_PLAYLIST_ENTRIES,
    MAX_PLAYLIST_TITLE_CHARS,
    PLAYLIST_CACHE_SIZE,
    PLAYLIST_CACHE_TTL_S,
    PLAYLIST_ERROR_TTL_S,
    PLAYLIST_MAX_PAGE_BYTES,
    PLAYLIST_NOT_FOUND_TTL_S,
    PLAYLIST_PAGE_SIZE,
    PLAYLIST_TIMEOUT_S,
)
from server.domain.youtube_urls import is_playlist_id, is_video_id
from server.services.bounded_fetch import FETCH_ERRORS, read_body

log = logging.getLogger("sharetube.playlists")

DEFAULT_YOUTUBE_API_URL = "https://www.googleapis.com/youtube/v3"
# what YouTube lists in place of a video nobody may watch (no channel, no picture)
UNAVAILABLE_TITLES = frozenset({"Private video", "Deleted video"})
_FIELDS = "nextPageToken,items(snippet(title,videoOwnerChannelTitle,resourceId/videoId))"


class Answer(enum.Enum):
    FOUND = "found"
    NOT_FOUND = "not_found"
    FAILED = "failed"


@dataclass(frozen=True)
class PlaylistItem:
    video_id: str
    title: str | None = None
    author: str | None = None


class PlaylistFetcher:
    """Blocking, cached, deadline-bounded playlist expansions; safe to share between tasks."""

    def __init__(self, api_url: str = DEFAULT_YOUTUBE_API_URL, api_key: str | None = None, *,
                 timeout_s: float = PLAYLIST_TIMEOUT_S, max_items: int = MAX_PLAYLIST_ENTRIES,
                 cache_size: int = PLAYLIST_CACHE_SIZE, session: requests.Session | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.api_url = api_url.rstrip("/")
        self.api_key = api_key or None
        self.timeout_s = timeout_s
        self.max_items = max_items
        self.cache_size = cache_size
        self._ttl_s = {Answer.FOUND: PLAYLIST_CACHE_TTL_S, Answer.NOT_FOUND: PLAYLIST_NOT_FOUND_TTL_S,
                       Answer.FAILED: PLAYLIST_ERROR_TTL_S}
        self._session = session or requests.Session()
        self._clock = clock
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, tuple[float, Answer, tuple[PlaylistItem, ...]]] = OrderedDict()

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> PlaylistFetcher:
        return cls(config.get("YOUTUBE_API_URL") or DEFAULT_YOUTUBE_API_URL, config.get("YOUTUBE_API_KEY") or None)

    @property
    def enabled(self) -> bool:
        return self.api_key is not None

    def fetch(self, list_id: str) -> tuple[Answer, tuple[PlaylistItem, ...]]:
        """The playlist's first `max_items` playable entries, in order (cached)."""
        if not self.enabled or not is_playlist_id(list_id):
            return Answer.NOT_FOUND, ()
        with self._lock:
            record = self._cache.get(list_id)
            if record is not None and record[0] > self._clock():
                self._cache.move_to_end(list_id)
                return record[1], record[2]
        answer, items = self._fetch_uncached(list_id)
        with self._lock:
            self._cache[list_id] = (self._clock() + self._ttl_s[answer], answer, items)
            self._cache.move_to_end(list_id)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        log.info("playlist list=%s answer=%s items=%s", list_id, answer.value, len(items))
        return answer, items

    def _fetch_uncached(self, list_id: str) -> tuple[Answer, tuple[PlaylistItem, ...]]:
        deadline = time.monotonic() + self.timeout_s
        items: list[PlaylistItem] = []
        token: str | None = None
        for _page in range(-(-self.max_items // PLAYLIST_PAGE_SIZE)):
            params = {"part": "snippet", "playlistId": list_id, "maxResults": str(PLAYLIST_PAGE_SIZE),
                      "fields": _FIELDS, "key": self.api_key or ""}
            if token:
                params["pageToken"] = token
            status, data = self._get_json(list_id, params, deadline)
            if status in (400, 403, 404):  # no such playlist, private, or an id the API refuses
                return Answer.NOT_FOUND, ()
            if not isinstance(data, dict) or not isinstance(data.get("items"), list):
                return Answer.FAILED, ()
            items.extend(item for item in map(_item, data["items"]) if item is not None)
            token = data.get("nextPageToken") if isinstance(data.get("nextPageToken"), str) else None
            if not token or len(items) >= self.max_items:
                break
        return Answer.FOUND, tuple(items[: self.max_items])

    def _get_json(self, list_id: str, params: Mapping[str, str], deadline: float) -> tuple[int | None, object]:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            log.warning("playlist list=%s out of time between pages", list_id)
            return None, None
        try:
            with self._session.get(f"{self.api_url}/playlistItems", params=params,
                                   timeout=(remaining, remaining), stream=True) as response:
                status = response.status_code
                body = read_body(response, deadline, PLAYLIST_MAX_PAGE_BYTES) if status == 200 else b""
        except requests.Timeout:
            log.warning("playlist list=%s timed out", list_id)
            return None, None
        except FETCH_ERRORS as error:
            log.warning("playlist list=%s failed: %s", list_id, type(error).__name__)
            return None, None
        if status != 200:
            log.warning("playlist list=%s answered status=%s", list_id, status)
            return status, None
        try:
            return status, json.loads(body)
        except (ValueError, RecursionError):
            log.warning("playlist list=%s answered unreadable JSON", list_id)
            return status, None


def _item(raw: object) -> PlaylistItem | None:
    """One playlistItems item → a playable entry (None: no video id, or private/deleted)."""
    snippet = raw.get("snippet") if isinstance(raw, dict) else None
    if not isinstance(snippet, dict):
        return None
    resource = snippet.get("resourceId")
    video_id = resource.get("videoId") if isinstance(resource, dict) else None
    if not is_video_id(video_id):
        return None
    title = _text(snippet.get("title"))
    author = _text(snippet.get("videoOwnerChannelTitle"))
    if title in UNAVAILABLE_TITLES and not author:
        return None
    return PlaylistItem(str(video_id), title or None, author or None)


def _text(value: object) -> str:
    if not isinstance(value, str):
        return ""
    return " ".join(strip_invisible(value).split())[:MAX_PLAYLIST_TITLE_CHARS]
