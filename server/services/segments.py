"""Segments from a SponsorBlock-compatible API (`SPONSORBLOCK_API_URL`), fetched off the handler.

`SegmentFetcher.fetch(video_id, categories)` is blocking network I/O: callers run it in a
background task. It asks `GET <base>/api/skipSegments/<sha256 prefix>?categories=[...]` (the
API never sees the video id), reads at most SEGMENTS_MAX_RESPONSE_BYTES within one
SEGMENTS_TIMEOUT_S deadline, keeps at most SEGMENTS_MAX_PER_VIDEO segments, and never raises: a
timeout, an error status or an unreadable answer is logged and gives None (the room plays on,
skipping nothing). 404 is the API's "no segments" and gives (). Answers are cached per video id
and category selection (LRU with a TTL; failures briefly).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

import requests

from server.domain.constants import (
    SEGMENTS_CACHE_SIZE,
    SEGMENTS_CACHE_TTL_S,
    SEGMENTS_ERROR_TTL_S,
    SEGMENTS_MAX_RESPONSE_BYTES,
    SEGMENTS_TIMEOUT_S,
)
from server.domain.segments import Segment, hash_prefix, segments_from_answer
from server.domain.youtube_urls import is_video_id
from server.services.bounded_fetch import FETCH_ERRORS, read_body

log = logging.getLogger("sharetube.segments")

DEFAULT_SPONSORBLOCK_API_URL = "https://sponsor.ajay.app"
Key = tuple[str, tuple[str, ...]]


class SegmentFetcher:
    def __init__(self, base_url: str = DEFAULT_SPONSORBLOCK_API_URL, *,
                 timeout_s: float = SEGMENTS_TIMEOUT_S, cache_size: int = SEGMENTS_CACHE_SIZE,
                 cache_ttl_s: float = SEGMENTS_CACHE_TTL_S, error_ttl_s: float = SEGMENTS_ERROR_TTL_S,
                 session: requests.Session | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self.cache_size = cache_size
        self.cache_ttl_s = cache_ttl_s
        self.error_ttl_s = error_ttl_s
        self._session = session or requests.Session()
        self._clock = clock
        self._lock = threading.Lock()
        self._cache: OrderedDict[Key, tuple[float, tuple[Segment, ...] | None]] = OrderedDict()

    def cached(self, video_id: str, categories: tuple[str, ...]) -> tuple[bool, tuple[Segment, ...] | None]:
        with self._lock:
            hit = self._cache.get((video_id, categories))
            if hit is None or hit[0] <= self._clock():
                return False, None
            self._cache.move_to_end((video_id, categories))
            return True, hit[1]

    def fetch(self, video_id: str, categories: tuple[str, ...]) -> tuple[Segment, ...] | None:
        """The segments of `video_id` in `categories` (() when there are none), None on failure."""
        if not categories or not is_video_id(video_id):
            return ()
        known, segments = self.cached(video_id, categories)
        if known:
            return segments
        segments = self._fetch_uncached(video_id, categories)
        ttl = self.cache_ttl_s if segments is not None else self.error_ttl_s
        with self._lock:
            self._cache[(video_id, categories)] = (self._clock() + ttl, segments)
            self._cache.move_to_end((video_id, categories))
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return segments

    def _fetch_uncached(self, video_id: str, categories: tuple[str, ...]) -> tuple[Segment, ...] | None:
        deadline = time.monotonic() + self.timeout_s
        prefix = hash_prefix(video_id)
        url = f"{self.base_url}/api/skipSegments/{prefix}"
        params = {"categories": json.dumps(list(categories), separators=(",", ":"))}
        try:
            with self._session.get(url, params=params, timeout=(self.timeout_s, self.timeout_s),
                                   stream=True) as response:
                status = response.status_code
                body = read_body(response, deadline, SEGMENTS_MAX_RESPONSE_BYTES) if status == 200 else b""
        except requests.Timeout:
            log.warning("segments prefix=%s timed out", prefix)
            return None
        except FETCH_ERRORS as error:
            log.warning("segments prefix=%s failed: %s", prefix, type(error).__name__)
            return None
        if status == 404:
            return ()
        if status != 200:
            log.warning("segments prefix=%s answered status=%s", prefix, status)
            return None
        try:
            answer = json.loads(body)
        except (ValueError, RecursionError):
            log.warning("segments prefix=%s answered unreadable JSON", prefix)
            return None
        return segments_from_answer(answer, video_id, categories)


