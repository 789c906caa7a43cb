"""Video titles, channels, thumbnails (and durations) from YouTube, fetched off the handler.

``MetadataFetcher.fetch`` is blocking network I/O: the caller runs it in a background task
(``socketio.start_background_task``) after the entry is already queued, then fills the entry in.
It never raises: a timeout, an error status or an unreadable answer is logged and gives None, so
the entry stays usable with what it already has (``default_thumbnail`` for a picture).

Sources: YouTube's oEmbed endpoint (no key); or, when an API key is set, the YouTube Data API
(which also gives the duration), falling back to oEmbed when the Data API fails. One deadline of
``timeout_s`` covers the whole fetch, fallback included. Answers are cached (LRU with a TTL);
"no such video" is cached briefly and transient failures more briefly still. Concurrent fetches
of one id share a single request.
"""

from __future__ import annotations

import enum
import json
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import requests
import urllib3

from server.domain.chat_text import strip_invisible
from server.domain.queue_chat_limits import (
    METADATA_CACHE_SIZE,
    METADATA_CACHE_TTL_S,
    METADATA_ERROR_TTL_S,
    METADATA_MAX_RESPONSE_BYTES,
    METADATA_MAX_TEXT_CHARS,
    METADATA_NOT_FOUND_TTL_S,
    METADATA_TIMEOUT_S,
)
from server.domain.youtube_urls import canonical_watch_url, is_video_id, is_youtube_thumbnail
from server.services.bounded_fetch import FETCH_ERRORS, BodyRefused, read_body

log = logging.getLogger(__name__)

DEFAULT_OEMBED_URL = "https://www.youtube.com/oembed"
DEFAULT_DATA_API_URL = "https://www.googleapis.com/youtube/v3/videos"
_THUMBNAIL_SIZES = ("high", "medium", "standard", "maxres", "default")
_ISO_DURATION = re.compile(
    r"P(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?"
    r"(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+)(?:\.\d+)?S)?)?"
)
_DURATION_UNITS_S = {"w": 604_800, "d": 86_400, "h": 3_600, "m": 60, "s": 1}


@dataclass(frozen=True)
class VideoMeta:
    """What the queue shows about a video; ``duration_ms`` only comes from the Data API."""

    title: str
    author: str
    thumbnail_url: str
    duration_ms: int | None = None


def default_thumbnail(video_id: str) -> str:
    """YouTube's standard thumbnail address, usable without asking anyone."""
    return f"https://i.ytimg.com/vi/{video_id}/hqdefault.jpg"


def parse_iso8601_duration(text: object) -> int | None:
    """``PT4M13S`` → 253000 ms; None for unreadable text and for zero (live streams: ``P0D``)."""
    if not isinstance(text, str) or not text.isascii():
        return None
    match = _ISO_DURATION.fullmatch(text.strip().upper())
    if match is None or not any(match.groupdict().values()):
        return None
    parts = match.groupdict().items()
    total_s = sum(int(value) * _DURATION_UNITS_S[unit] for unit, value in parts if value)
    return total_s * 1000 if total_s > 0 else None


class _Answer(enum.Enum):
    """How a source answered: found (with meta), definitively not found, or failed."""

    FOUND = "found"
    NOT_FOUND = "not_found"
    FAILED = "failed"


class MetadataFetcher:
    """Blocking, cached, deadline-bounded metadata lookups; safe to share between tasks."""

    def __init__(
        self,
        oembed_url: str = DEFAULT_OEMBED_URL,
        api_key: str | None = None,
        timeout_s: float = METADATA_TIMEOUT_S,
        cache_size: int = METADATA_CACHE_SIZE,
        cache_ttl_s: float = METADATA_CACHE_TTL_S,
        *,
        data_api_url: str = DEFAULT_DATA_API_URL,
        not_found_ttl_s: float = METADATA_NOT_FOUND_TTL_S,
        error_ttl_s: float = METADATA_ERROR_TTL_S,
        session: requests.Session | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if timeout_s <= 0 or cache_size <= 0:
            raise ValueError("timeout_s and cache_size must be positive")
        self.oembed_url = oembed_url
        self.api_key = api_key or None
        self.data_api_url = data_api_url
        self.timeout_s = timeout_s
        self.cache_size = cache_size
        self._ttl_s = {
            _Answer.FOUND: cache_ttl_s,
            _Answer.NOT_FOUND: not_found_ttl_s,
            _Answer.FAILED: error_ttl_s,
        }
        self._session = session or requests.Session()
        self._clock = clock
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, tuple[float, VideoMeta | None]] = OrderedDict()
        self._in_flight: dict[str, threading.Event] = {}

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> MetadataFetcher:
        """Built from app config keys YOUTUBE_OEMBED_URL, YOUTUBE_API_KEY (and optional
        YOUTUBE_DATA_API_URL, METADATA_TIMEOUT_S)."""
        return cls(
            oembed_url=config.get("YOUTUBE_OEMBED_URL") or DEFAULT_OEMBED_URL,
            api_key=config.get("YOUTUBE_API_KEY") or None,
            timeout_s=float(config.get("METADATA_TIMEOUT_S") or METADATA_TIMEOUT_S),
            data_api_url=config.get("YOUTUBE_DATA_API_URL") or DEFAULT_DATA_API_URL,
        )

    def fetch(self, video_id: str) -> VideoMeta | None:
        """The video's metadata, or None when it is unknown, unavailable or the source failed."""
        if not is_video_id(video_id):
            return None
        with self._lock:
            hit, meta = self._cached_locked(video_id)
            if hit:
                return meta
            pending = self._in_flight.get(video_id)
            leader = pending is None
            if pending is None:
                pending = self._in_flight[video_id] = threading.Event()
        if not leader:
            pending.wait(self.timeout_s * 2 + 1)
            with self._lock:
                return self._cached_locked(video_id)[1]
        try:
            answer, meta = self._fetch_uncached(video_id)
            with self._lock:
                self._store_locked(video_id, meta, self._ttl_s[answer])
            return meta
        finally:
            with self._lock:
                self._in_flight.pop(video_id, None)
            pending.set()

    def cached(self, video_id: str) -> tuple[bool, VideoMeta | None]:
        """(True, meta-or-None) when a live cache record exists, without any network call."""
        with self._lock:
            return self._cached_locked(video_id)

    def clear_cache(self) -> None:
        with self._lock:
            self._cache.clear()

    def close(self) -> None:
        self._session.close()

    # --- cache ---------------------------------------------------------------------------
    def _cached_locked(self, video_id: str) -> tuple[bool, VideoMeta | None]:
        record = self._cache.get(video_id)
        if record is None:
            return False, None
        expires_at, meta = record
        if self._clock() >= expires_at:
            del self._cache[video_id]
            return False, None
        self._cache.move_to_end(video_id)
        return True, meta

    def _store_locked(self, video_id: str, meta: VideoMeta | None, ttl_s: float) -> None:
        if ttl_s <= 0:
            return
        self._cache[video_id] = (self._clock() + ttl_s, meta)
        self._cache.move_to_end(video_id)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    # --- sources -------------------------------------------------------------------------
    def _fetch_uncached(self, video_id: str) -> tuple[_Answer, VideoMeta | None]:
        deadline = time.monotonic() + self.timeout_s
        if self.api_key:
            answer, meta = self._from_data_api(video_id, deadline)
            if answer != _Answer.FAILED or time.monotonic() >= deadline:
                return answer, meta
            log.info("metadata video=%s data_api failed, trying oembed", video_id)
        return self._from_oembed(video_id, deadline)

    def _from_oembed(self, video_id: str, deadline: float) -> tuple[_Answer, VideoMeta | None]:
        params = {"url": canonical_watch_url(video_id), "format": "json"}
        status, data = self._get_json("oembed", self.oembed_url, params, video_id, deadline)
        if status in (400, 401, 403, 404):  # bad id, embedding disabled, private, gone
            log.info("metadata video=%s source=oembed not available status=%s", video_id, status)
            return _Answer.NOT_FOUND, None
        if not isinstance(data, dict):
            return _Answer.FAILED, None
        title = _clean_text(data.get("title"))
        if not title:
            log.warning("metadata video=%s source=oembed answer has no title", video_id)
            return _Answer.FAILED, None
        thumbnail = _safe_thumbnail(data.get("thumbnail_url"), video_id)
        return _Answer.FOUND, VideoMeta(title, _clean_text(data.get("author_name")), thumbnail)

    def _from_data_api(self, video_id: str, deadline: float) -> tuple[_Answer, VideoMeta | None]:
        params = {"part": "snippet,contentDetails", "id": video_id, "key": self.api_key or ""}
        _status, data = self._get_json("data_api", self.data_api_url, params, video_id, deadline)
        items = data.get("items") if isinstance(data, dict) else None
        if not isinstance(items, list):
            return _Answer.FAILED, None
        if not items:
            log.info("metadata video=%s source=data_api no such video", video_id)
            return _Answer.NOT_FOUND, None
        item: dict = items[0] if isinstance(items[0], dict) else {}
        snippet: dict = item["snippet"] if isinstance(item.get("snippet"), dict) else {}
        title = _clean_text(snippet.get("title"))
        if not title:
            log.warning("metadata video=%s source=data_api answer has no title", video_id)
            return _Answer.FAILED, None
        details = item.get("contentDetails")
        duration = details.get("duration") if isinstance(details, dict) else None
        meta = VideoMeta(
            title=title,
            author=_clean_text(snippet.get("channelTitle")),
            thumbnail_url=_data_api_thumbnail(snippet.get("thumbnails"), video_id),
            duration_ms=parse_iso8601_duration(duration),
        )
        return _Answer.FOUND, meta

    def _get_json(
        self, source: str, url: str, params: Mapping[str, str], video_id: str, deadline: float
    ) -> tuple[int | None, object]:
        """(status, decoded JSON or None). Never raises; the body is read within the deadline.

        Failures are logged without the request URL (it may carry the API key).
        """
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None, None
        try:
            with self._session.get(
                url, params=params, timeout=(remaining, remaining), stream=True
            ) as response:
                body = read_body(response, deadline, METADATA_MAX_RESPONSE_BYTES)
                status = response.status_code
        except requests.Timeout:
            log.warning("metadata video=%s source=%s timed out", video_id, source)
            return None, None
        except FETCH_ERRORS as error:
            log.warning(
                "metadata video=%s source=%s failed: %s", video_id, source, _describe(error)
            )
            return None, None
        if status != 200:
            log.warning("metadata video=%s source=%s answered status=%s", video_id, source, status)
            return status, None
        try:
            return status, json.loads(body)
        except (ValueError, RecursionError):  # bad UTF-8 and absurd nesting too
            log.warning("metadata video=%s source=%s answered unreadable JSON", video_id, source)
            return status, None




def _describe(error: Exception) -> str:
    if isinstance(error, BodyRefused):
        return str(error)
    if isinstance(error, (TimeoutError, urllib3.exceptions.TimeoutError)):
        return "timed out while reading"
    return type(error).__name__


def _clean_text(value: object) -> str:
    if not isinstance(value, str):
        return ""
    return " ".join(strip_invisible(value).split())[:METADATA_MAX_TEXT_CHARS]


def _safe_thumbnail(value: object, video_id: str) -> str:
    """Only YouTube's own image host (``https://i.ytimg.com/``); anything else gets the standard one."""
    return value if is_youtube_thumbnail(value) else default_thumbnail(video_id)  # type: ignore[return-value]


def _data_api_thumbnail(thumbnails: object, video_id: str) -> str:
    if isinstance(thumbnails, dict):
        for size in _THUMBNAIL_SIZES:
            choice = thumbnails.get(size)
            if isinstance(choice, dict) and choice.get("url"):
                return _safe_thumbnail(choice["url"], video_id)
    return default_thumbnail(video_id)
