"""Every threshold of the shared queue and the room chat, in one place.

Times are milliseconds unless the name says otherwise.
"""

from __future__ import annotations

# --- YouTube links -------------------------------------------------------------------------
MAX_LINK_CHARS = 2048
"""Longest text accepted by ``parse_video_ref`` (a pasted URL or a bare id)."""

MAX_LINKS_PER_MESSAGE = 5
"""At most this many distinct videos are taken from one chat message."""

MAX_START_S = 7 * 24 * 3600
"""A start time (``t=``) beyond a week is nonsense; it is ignored rather than kept."""

# --- Queue ---------------------------------------------------------------------------------
MAX_QUEUED = 500
"""Queued (not yet played or skipped) entries per room."""

DUPLICATE_ADD_WINDOW_MS = 5_000
"""The same user adding the same video to the same room within this window adds it once."""

# --- Playlists -----------------------------------------------------------------------------
MAX_PLAYLIST_ENTRIES = 200
"""Entries one playlist adds (in order; the first ones when it is longer)."""

MAX_PLAYLIST_TITLE_CHARS = 200
"""A title the client read from the page (a claim, replaced by YouTube's own when it arrives)."""

PLAYLIST_PAGE_SIZE = 50
"""playlistItems' largest page; MAX_PLAYLIST_ENTRIES / PLAYLIST_PAGE_SIZE pages at most."""

PLAYLIST_TIMEOUT_S = 6.0
"""One deadline for every page of one playlist expansion (the sender waits for its ack)."""

PLAYLIST_MAX_PAGE_BYTES = 512 * 1024
PLAYLIST_CACHE_SIZE = 256
PLAYLIST_FETCHES_AT_ONCE = 4
"""Server reads of playlists (YOUTUBE_API_KEY) in flight per process; a fifth waits up to
PLAYLIST_TIMEOUT_S, then is told to try again."""
PLAYLIST_CACHE_TTL_S = 600.0
PLAYLIST_NOT_FOUND_TTL_S = 60.0
PLAYLIST_ERROR_TTL_S = 10.0

METADATA_FILL_EMIT_EVERY = 25
"""A long metadata fill (a playlist) sends the queue after every this many entries."""

METADATA_BULK_FILLS = 4
"""Metadata fills of several entries (playlists) running at once per process; more wait."""

METADATA_FILL_MAX_FAILURES = 5
"""A fill stops after this many lookups in a row failed (the upstream is down): the periodic
back-fill takes the rest later, so one playlist cannot hold a task for 200 timeouts."""

# --- Chat ----------------------------------------------------------------------------------
MAX_CHAT_CHARS = 500
"""Characters (code points) of a chat message after cleaning and trimming."""

MAX_RAW_CHAT_CHARS = 10 * MAX_CHAT_CHARS
"""Raw input longer than this is refused before any work is spent on it."""

MAX_CHAT_BLANK_LINES = 1
"""Runs of empty lines in a message collapse to this many."""

MAX_COMBINING_MARKS = 8
"""Combining marks kept on one base character (stops "Zalgo" text from covering the chat)."""

MAX_DISPLAY_NAME_CHARS = 32
MAX_NAME_COMBINING_MARKS = 3

# --- Keyed limiter memory ------------------------------------------------------------------
LIMITER_MAX_KEYS = 100_000
"""Upper bound on tracked keys in a duplicate window (rate limits: constants.py, `limits`)."""

LIMITER_PRUNE_EVERY_MS = 60_000
"""Idle keys are swept at most this often (and whenever the bound is reached)."""

# --- Metadata (oEmbed / YouTube Data API) --------------------------------------------------
METADATA_TIMEOUT_S = 3.0
METADATA_CACHE_SIZE = 1024
METADATA_CACHE_TTL_S = 3600.0
METADATA_NOT_FOUND_TTL_S = 60.0
"""A definitive "no such video / not embeddable" answer is remembered this long."""
METADATA_ERROR_TTL_S = 10.0
"""A timeout, a 5xx or an unreadable answer is remembered this long (spares a slow upstream)."""
METADATA_MAX_RESPONSE_BYTES = 256 * 1024
METADATA_MAX_TEXT_CHARS = 300
