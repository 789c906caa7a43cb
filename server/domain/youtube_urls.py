"""Turn what people paste (a YouTube link in any of its forms, or a bare video id) into a video.

Pure and strict: only YouTube's own hosts are accepted, the id must be exactly 11 characters of
``[A-Za-z0-9_-]``, and anything that could make a link look like YouTube while going elsewhere
(user-info before ``@``, lookalike hosts, invisible or non-ASCII characters in the address, other
schemes) is refused with a message meant for the person who pasted it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import SplitResult, parse_qs, quote, urlsplit

from server.domain.queue_chat_limits import (
    MAX_LINK_CHARS,
    MAX_LINKS_PER_MESSAGE,
    MAX_START_S,
)

_VIDEO_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_START = re.compile(
    r"(?:(?P<h>\d{1,3})h)?(?:(?P<m>\d{1,5})m)?(?:(?P<s>\d{1,7})(?:\.\d{1,3})?s?)?",
    re.IGNORECASE,
)
_HTTP_IN_TOKEN = re.compile(r"https?://", re.IGNORECASE)

YOUTUBE_HOSTS = frozenset({"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com"})
NOCOOKIE_HOSTS = frozenset({"youtube-nocookie.com", "www.youtube-nocookie.com"})
SHORT_HOSTS = frozenset({"youtu.be"})
ALLOWED_HOSTS = YOUTUBE_HOSTS | NOCOOKIE_HOSTS | SHORT_HOSTS

_ID_PATHS = frozenset({"shorts", "embed", "live", "v"})
"""``/<kind>/<id>`` paths on youtube.com hosts (youtube-nocookie.com has only ``embed``)."""

_START_PARAMS = ("t", "start", "time_continue")
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"})
_LEADING_PUNCTUATION = "([{<\"'"
_TRAILING_PUNCTUATION = ".,;:!?)]}>\"'"

MSG_EMPTY = "Paste a YouTube link or an 11-character video id."
MSG_TOO_LONG = f"That link is too long (more than {MAX_LINK_CHARS} characters)."
MSG_BAD_CHARACTERS = (
    "That link contains spaces, invisible or non-ASCII characters; "
    "paste the link exactly as YouTube shows it."
)
MSG_BAD_SCHEME = "Only http(s) links to YouTube can be added."
MSG_NOT_YOUTUBE = "Only YouTube links can be added (youtube.com, youtu.be)."
MSG_USERINFO = (
    "That link hides where it goes (there is a name before '@'); paste a plain YouTube link."
)
MSG_PLAYLIST = "That is a playlist link; paste the link of one video from it."
MSG_NO_VIDEO = "That YouTube link does not point to a video."
MSG_BAD_ID = "That is not a valid YouTube video id (11 letters, digits, '-' or '_')."


class InvalidVideo(ValueError):
    """The text is not a YouTube video; ``message`` says why, for the person who sent it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def canonical_watch_url(video_id: str, start_ms: int = 0) -> str:
    """``https://www.youtube.com/watch?v=<id>`` plus ``&t=<s>s`` when it starts after 0 s."""
    url = f"https://www.youtube.com/watch?v={video_id}"
    start_s = start_ms // 1000
    return f"{url}&t={start_s}s" if start_s > 0 else url


@dataclass(frozen=True)
class VideoRef:
    """One YouTube video and where to start it; ``canonical_url`` is derived, never parsed."""

    video_id: str
    start_ms: int = 0
    canonical_url: str = field(init=False)

    def __post_init__(self) -> None:
        if not is_video_id(self.video_id):
            raise InvalidVideo(MSG_BAD_ID)
        if isinstance(self.start_ms, bool) or not isinstance(self.start_ms, int):
            raise TypeError("start_ms must be an int")
        if self.start_ms < 0:
            raise ValueError("start_ms must not be negative")
        object.__setattr__(self, "canonical_url", canonical_watch_url(self.video_id, self.start_ms))


def is_video_id(value: object) -> bool:
    """True for exactly 11 characters of ``[A-Za-z0-9_-]`` (ASCII only)."""
    return isinstance(value, str) and _VIDEO_ID.fullmatch(value) is not None


def parse_video_ref(text: str) -> VideoRef:
    """Read a pasted YouTube link or bare id; raise ``InvalidVideo`` with a human message."""
    if not isinstance(text, str):
        raise InvalidVideo(MSG_EMPTY)
    if len(text) > MAX_LINK_CHARS:
        raise InvalidVideo(MSG_TOO_LONG)
    stripped = text.strip()
    if not stripped:
        raise InvalidVideo(MSG_EMPTY)
    if is_video_id(stripped):
        return VideoRef(stripped)
    _check_characters(stripped)
    if not any(mark in stripped for mark in "./:"):
        raise InvalidVideo(MSG_BAD_ID)
    parts = _split_url(stripped)
    host = _checked_host(parts)
    video_id = _video_id_from(host, parts)
    return VideoRef(video_id, _start_ms_from(parts))


def find_video_links(text: str, limit: int = MAX_LINKS_PER_MESSAGE) -> list[VideoRef]:
    """Every YouTube video linked in a chat message, first mention first, one per id.

    Only links count (a word that merely looks like an id does not); a token that is not a valid
    YouTube link is ignored silently, since a chat message is not a request to add anything.
    """
    if not isinstance(text, str) or limit <= 0:
        return []
    found: list[VideoRef] = []
    seen_ids: set[str] = set()
    for token in text.split():
        candidate = _link_candidate(token)
        if candidate is None:
            continue
        try:
            ref = parse_video_ref(candidate)
        except InvalidVideo:
            continue
        if ref.video_id in seen_ids:
            continue
        seen_ids.add(ref.video_id)
        found.append(ref)
        if len(found) >= limit:
            break
    return found


def _link_candidate(token: str) -> str | None:
    match = _HTTP_IN_TOKEN.search(token)
    candidate = token[match.start() :] if match else token.lstrip(_LEADING_PUNCTUATION)
    candidate = candidate.rstrip(_TRAILING_PUNCTUATION)
    lowered = candidate.lower()
    if "." not in candidate or ("youtu.be" not in lowered and "youtube" not in lowered):
        return None
    return candidate


def _check_characters(text: str) -> None:
    """Refuse whitespace and invisible characters anywhere, and any non-ASCII in the address.

    Non-ASCII printable characters are tolerated only after ``?`` or ``#`` (tracking values such
    as ``ab_channel=Café``), where nothing that decides the destination or the video is read
    without further validation.
    """
    address_end = min((i for i in (text.find("?"), text.find("#")) if i >= 0), default=len(text))
    for index, char in enumerate(text):
        if unicodedata.category(char) in _UNSAFE_CATEGORIES:
            raise InvalidVideo(MSG_BAD_CHARACTERS)
        if index < address_end and (not char.isascii() or char == "\\"):
            raise InvalidVideo(MSG_BAD_CHARACTERS)


def _split_url(text: str) -> SplitResult:
    if text.startswith("//"):
        text = "https:" + text
    else:
        scheme = _SCHEME.match(text)
        if scheme is None:
            text = "https://" + text
        else:
            name = scheme.group(1).lower()
            if name in ("http", "https"):
                if not text[scheme.end() :].startswith("//"):
                    raise InvalidVideo(MSG_BAD_SCHEME)
            elif name in ALLOWED_HOSTS:  # "youtube.com:443/watch?v=…" has no scheme, a port
                text = "https://" + text
            else:
                raise InvalidVideo(MSG_BAD_SCHEME)
    try:
        return urlsplit(text)
    except ValueError as error:
        raise InvalidVideo(MSG_NOT_YOUTUBE) from error


def _checked_host(parts: SplitResult) -> str:
    if "@" in parts.netloc:
        raise InvalidVideo(MSG_USERINFO)
    try:
        port = parts.port
    except ValueError as error:
        raise InvalidVideo(MSG_NOT_YOUTUBE) from error
    host = parts.hostname or ""
    if host not in ALLOWED_HOSTS or port not in (None, 80, 443):
        raise InvalidVideo(MSG_NOT_YOUTUBE)
    return host


def _video_id_from(host: str, parts: SplitResult) -> str:
    segments = parts.path.split("/")[1:]
    if segments and segments[-1] == "" and len(segments) > 1:
        segments.pop()  # one trailing slash is harmless: /shorts/<id>/
    query = parse_qs(parts.query, keep_blank_values=True)
    if host in SHORT_HOSTS:
        return _checked_id(segments[0] if len(segments) == 1 else "", query)
    first = segments[0].lower() if segments else ""
    if host in NOCOOKIE_HOSTS and first != "embed":
        raise InvalidVideo(MSG_NO_VIDEO)
    if first == "watch" and len(segments) == 1:
        video_ids = query.get("v")
        return _checked_id(video_ids[0] if video_ids else "", query)
    if first in _ID_PATHS and len(segments) == 2:
        return _checked_id(segments[1], query)
    if first == "playlist" or "list" in query:
        raise InvalidVideo(MSG_PLAYLIST)
    raise InvalidVideo(MSG_NO_VIDEO)


def _checked_id(candidate: str, query: dict[str, list[str]]) -> str:
    # "videoseries" (an embedded playlist) happens to be 11 id characters long
    if not candidate or candidate == "videoseries":
        raise InvalidVideo(MSG_PLAYLIST if "list" in query else MSG_NO_VIDEO)
    if is_video_id(candidate):
        return candidate
    raise InvalidVideo(MSG_BAD_ID)


def _start_ms_from(parts: SplitResult) -> int:
    sources = (parse_qs(parts.query), parse_qs(parts.fragment))
    for params in sources:
        for name in _START_PARAMS:
            for value in params.get(name, []):
                start_s = parse_start_seconds(value)
                if start_s is not None:
                    return start_s * 1000
    return 0


def parse_start_seconds(value: str) -> int | None:
    """``90``, ``90s``, ``1m30s``, ``1h2m3s``, ``12.5`` → whole seconds; None when unreadable."""
    match = _START.fullmatch(value.strip()) if value.isascii() else None
    if match is None or not any(match.group(name) for name in ("h", "m", "s")):
        return None
    hours, minutes, seconds = (int(match.group(name) or 0) for name in ("h", "m", "s"))
    total = hours * 3600 + minutes * 60 + seconds
    return total if total <= MAX_START_S else None


YOUTUBE_HOME = "https://www.youtube.com/"
YOUTUBE_WATCH = "https://www.youtube.com/watch"


def room_invite_url(code: str, video_id: str | None) -> str:
    """The invite link the extension understands (`…watch?v=<id>#sharetube=<code>`); with no
    (valid) video, YouTube's home page, where the extension still joins."""
    fragment = "#sharetube=" + quote(code, safe="")
    if video_id and is_video_id(video_id):
        return f"{YOUTUBE_WATCH}?v={video_id}{fragment}"
    return YOUTUBE_HOME + fragment


THUMBNAIL_HOST = "i.ytimg.com"
MAX_THUMBNAIL_CHARS = 1024


def is_youtube_thumbnail(url: object) -> bool:
    """True only for ``https://i.ytimg.com/...`` in printable ASCII, with no user-info or port:
    any other address would let one member make every other member's phone (and the public
    ``/join`` page) fetch from a host of their choosing."""
    if not isinstance(url, str) or not url or len(url) > MAX_THUMBNAIL_CHARS:
        return False
    if not url.isascii() or not url.isprintable() or any(c in url for c in " \\\"'<>"):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return (parts.scheme == "https" and parts.netloc == THUMBNAIL_HOST and parts.path.startswith("/")
            and len(parts.path) > 1)
