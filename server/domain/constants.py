"""Domain thresholds and vocabularies: every sync number the server uses lives here.

Times are integer milliseconds. Change a threshold here, never inline in a module.
"""

from __future__ import annotations

from typing import Final

# --- the room clock ---------------------------------------------------------------
PLAYBACK_STATES: Final = ("idle", "starting", "playing", "paused", "midroll")
# why a starting/midroll room is waiting (None when it is not)
HOLD_KINDS: Final = ("start", "ad", "buffer")
# where a room goes when its hold ends
HOLD_THEN_STATES: Final = ("playing", "paused")

# longest wait for every member's player.ready on a new entry
START_TIMEOUT_MS: Final = 8_000
# longest the ads of members may hold the room
AD_HOLD_TIMEOUT_MS: Final = 120_000
# least lead time of a scheduled start ...
PLAYBACK_START_BUFFER_MS: Final = 200
# ... which is max(buffer, factor x the worst connected member's round trip)
START_LEAD_RTT_FACTOR: Final = 2
# how long the server clock runs past a known end before the room advances by itself; a
# player's "ended" counts only when the room clock is within this of the known end
END_GRACE_MS: Final = 1_500
# a pausing client's own position is kept when it is this close to the room clock
PAUSE_TRUST_MS: Final = 2_000
MIN_RATE: Final = 0.25
MAX_RATE: Final = 2.0

# --- rooms, members, settings -----------------------------------------------------
ROLES: Final = ("owner", "operator", "participant")  # highest first
CONTROL_MODES: Final = ("owner_only", "operators", "any")
AD_SYNC_MODES: Final = ("off", "pause_all", "operators_only", "starting_only")
# at the end of an entry: nothing more (off), play it again (one), or play on and put the played
# entry back at the end of the queue (all)
REPEAT_MODES: Final = ("off", "one", "all")
# each room setting's type, default and readers: server/domain/room_settings.py
# A room read by one member (join, room.sync) carries at most this many roster rows (the owner and
# operators first, the reader always): the whole roster of a room of N to each of N joiners is
# O(N²) bytes (122 MB to fill a room of 1,000). `members_total` says how many there are; the
# whole roster follows with the room's next `presence.update`.
ROSTER_READ_MAX: Final = 50
# Reads of a room bigger than that within this long share one ordering of its members (a crowd
# joining at 250/s): a read may miss who joined in this window (never the reader); the next
# presence.update is exact.
ROSTER_READ_SHARE_MS: Final = 250
# A join stamps its room's `last_active_ms` and its user's `last_seen_ms` (room expiry, the public
# list's and the dashboard's order) only when the stamp is older than this: a crowd filling a room
# at 250/s would otherwise write the same room row 250 times a second.
ACTIVITY_STAMP_MS: Final = 60_000

# --- player reports (what a participant's claim may change) --------------------------
# a scheduled start is never further ahead than this, whatever round trips were measured
MAX_START_LEAD_MS: Final = 3_000
# a reported duration below this is not a video (YouTube's shortest are a few seconds)
MIN_PLAUSIBLE_DURATION_MS: Final = 1_000
# two reports of one duration "agree" when they differ by at most this
DURATION_AGREE_MS: Final = 1_000

# --- request limits: the `limits` package's notation ("N per period"; ";" joins several) ----
# Per user (socket events): a burst, then the average rate the period implies.
QUEUE_ADD_LIMIT: Final = "5 per 5 seconds"
CHAT_SEND_LIMIT: Final = "5 per 5 seconds"
CHAT_TYPING_LIMIT: Final = "1 per 2 seconds"  # broadcast at most this often per user and room
JOIN_USER_LIMIT: Final = "20 per minute"
PAIRING_CREATE_LIMIT: Final = "10 per 30 seconds"  # QR codes per user
BANS_READ_LIMIT: Final = "10 per 10 seconds"  # room.bans per user (a query of the room's bans)
# Every room command a member sends — play, pause, seek, rate, restart, skip, start_now,
# queue.play and the player's reports (ready, ad, ended, duration) — each a locked read of the
# room and, when it changes it, a write and a broadcast to everyone; refused ones count too. The
# clients send one command at a time (the extension coalesces a person's inputs while one is in
# flight: a drag or key presses settle into one seek), so a person stays far below this.
ROOM_COMMAND_LIMIT: Final = "20 per 2 seconds"
# queue.remove and queue.move per user: each a write and the queue to everyone.
QUEUE_EDIT_LIMIT: Final = "30 per 10 seconds"
UNBAN_LIMIT: Final = "10 per 10 seconds"  # room.unban per user
# queue.shuffle (and its undo) per user: each rewrites every queued entry's position
QUEUE_SHUFFLE_LIMIT: Final = "5 per 30 seconds"
# playlists per user (each one queue.add as well): each may start up to 200 metadata lookups
QUEUE_PLAYLIST_LIMIT: Final = "6 per minute"
# playlists the server expands itself (YouTube Data API quota: up to 4 pages each) per user
PLAYLIST_FETCH_LIMIT: Final = "5 per minute"
# Room passwords: each check costs ~90 ms of scrypt (off the event loop, but still CPU).
PASSWORD_USER_ROOM_LIMIT: Final = "5 per minute; 20 per hour"  # attempts per user and room
PASSWORD_IP_ROOM_LIMIT: Final = "10 per minute; 50 per hour"  # attempts per client IP and room
PASSWORD_IP_LIMIT: Final = "30 per minute"  # attempts per client IP, all rooms
PASSWORD_SET_LIMIT: Final = "5 per minute"  # room.settings {password} per user
# Per client IP (HTTP routes and joins): a fresh guest account must not reset them.
GUEST_SIGNIN_IP_LIMIT: Final = "60 per minute; 600 per hour"
ROOM_CREATE_IP_LIMIT: Final = "20 per minute; 200 per hour"
JOIN_IP_LIMIT: Final = "60 per minute"
JOIN_PAGE_IP_LIMIT: Final = "60 per minute"  # GET /join/<code> (room-code probing)
REMOTE_PAIR_IP_LIMIT: Final = "10 per minute"  # redeeming a pairing code
# System chat lines for joins and leaves: per user and room, and per room.
PRESENCE_LINE_USER_LIMIT: Final = "2 per 30 seconds"
PRESENCE_LINE_ROOM_LIMIT: Final = "20 per minute"
# Vote-skip and reactions (issue 16): per user, and reactions also per room (each one is a
# broadcast to every socket of the room, so a crowd cannot turn them into a flood).
VOTE_SKIP_LIMIT: Final = "5 per 10 seconds"
VOTE_CLEAR_LIMIT: Final = "10 per minute"
REACTION_USER_LIMIT: Final = "5 per 5 seconds"
REACTION_ROOM_LIMIT: Final = "30 per 5 seconds"

# --- vote-skip (room setting vote_skip_ratio) ---------------------------------------
# A member whose player reported (player.status) within this long counts as watching: the room
# skips when votes >= ceil(vote_skip_ratio x watching members, voters always included).
VOTE_SKIP_ACTIVE_MS: Final = 30_000
VOTE_RECOUNT_MS: Final = 5_000
"""While a vote to skip is open, the server's clock counts it again this often: members who
went idle or left no longer count, so the votes cast may now suffice (and `needed` is re-sent)."""

# --- reactions pinned to a moment of the current entry ----------------------------
# The short allow-list (the clients' copy: clients/core/constants.js REACTION_EMOJI).
REACTION_EMOJI: Final = ("👍", "❤️", "😂", "😮", "😢", "👏", "🔥", "🎉")
# Reactions kept (and sent to late joiners) per entry: the most recent ones.
REACTIONS_KEPT_PER_ENTRY: Final = 200

# --- public rooms (room setting `listed`; GET /api/rooms/public, the homepage) ------------
PUBLIC_ROOMS_MAX: Final = 24  # rooms in the list (the most watched first)
PUBLIC_ROOMS_SCAN_MAX: Final = 200  # listed rooms with people in them whose viewers are counted
PUBLIC_ROOMS_CODES_PER_QUERY: Final = 500  # rooms someone is in, looked up per database query
PUBLIC_ROOMS_CACHE_MS: Final = 5_000  # one answer serves every caller of a process this long
PUBLIC_ROOMS_REFRESH_MS: Final = 15_000  # how often the homepage asks again
PUBLIC_ROOMS_IP_LIMIT: Final = "30 per minute"  # per client address (the page asks 4/min)
PUBLIC_ROOMS_THUMBNAIL: Final = "https://i.ytimg.com/vi/{video_id}/mqdefault.jpg"  # 320x180, YouTube's own host

# --- buffering policy (room setting buffer_policy) --------------------------------
# catch_up: a stalled viewer rejoins at the live position (its own engine does it);
# wait: the room holds (midroll, hold "buffer") while a member's stall lasts longer than
# BUFFER_HOLD_AFTER_MS, with the ad hold's timeout; ignore: the room does nothing, and the
# stalled viewer keeps the lag its stall cost it instead of jumping ahead.
BUFFER_POLICIES: Final = ("catch_up", "wait", "ignore")
DEFAULT_BUFFER_POLICY: Final = "catch_up"
BUFFER_HOLD_AFTER_MS: Final = 1_500  # the extension reports a stall once it lasts this long

# --- segments skipped for the whole room (room setting skip_segments) -------------
# SponsorBlock's category names; an empty selection (the default) skips nothing.
SEGMENT_CATEGORIES: Final = (
    "sponsor", "selfpromo", "interaction", "intro", "outro", "preview", "music_offtopic", "filler",
)
SEGMENT_MIN_MS: Final = 1_000  # shorter segments are not worth a room-wide jump
SEGMENT_END_MARGIN_MS: Final = 500  # inside the last half second of a segment: not skipped any more
SEGMENTS_MAX_PER_VIDEO: Final = 32  # a longer answer is cut (sorted by start) to this many
SEGMENT_HASH_PREFIX_CHARS: Final = 4  # sha256(video id) hex prefix sent to the segment API
SEGMENTS_TIMEOUT_S: Final = 3.0  # one deadline for connect + the whole answer
SEGMENTS_MAX_RESPONSE_BYTES: Final = 128 * 1024  # a hash prefix covers a few dozen videos
SEGMENTS_CACHE_SIZE: Final = 1024  # videos
SEGMENTS_CACHE_TTL_S: Final = 1800.0  # answers (also "no segments") are kept this long
SEGMENTS_ERROR_TTL_S: Final = 30.0  # a failed fetch is retried after this long
# A member's stall reports that may hold the room: a burst, then one per 10 s on average
# (the `limits` notation, like the request limits above).
STALL_REPORT_BURST: Final = 4
STALL_REPORT_LIMIT: Final = f"{STALL_REPORT_BURST} per {STALL_REPORT_BURST * 10} seconds"

# --- phone remotes -----------------------------------------------------------------------
# A pairing code (the overlay's QR code) works once, for this long: PAIRING_TTL_MS, at least the minimum.
PAIRING_TTL_MS: Final = 5 * 60_000
PAIRING_TTL_MIN_MS: Final = 1_000

# --- ownership hand-over ----------------------------------------------------------------
# An owner with no socket in the room for this long hands the room over (OWNER_AWAY_MS).
OWNER_AWAY_MS: Final = 5 * 60_000
# How often the background task looks for away owners: a quarter of OWNER_AWAY_MS, within these.
OWNER_AWAY_CHECK_MIN_S: Final = 0.5
OWNER_AWAY_CHECK_MAX_S: Final = 10.0

# --- broadcasts across processes (a Redis message queue: services/broadcast.py) ----------
# A process's publishes wait in one queue, in order, and reach Redis as one pipeline per turn
# of its publisher: at most PUBLISH_BATCH_MAX messages per pipeline. While Redis cannot be
# reached, at most PUBLISH_BACKLOG_MAX wait; more are dropped and counted (a publish that
# failed twice was dropped before, too: the other processes' clients resync by version).
PUBLISH_BATCH_MAX: Final = 256
PUBLISH_BACKLOG_MAX: Final = 20_000

# --- a room's lock across processes (services/room_locks.py) ----------------------------
# One transition at a time per room: a Redis key held at most ROOM_LOCK_TTL_MS (a process that
# dies holding it frees the room then); a waiter gives up after ROOM_LOCK_WAIT_S (the
# compare-and-set on the room's version still keeps the data right). A waiter tries again
# after ROOM_LOCK_POLL_FIRST_S, doubling up to ROOM_LOCK_POLL_MAX_S (redis-py's own lock
# polled every 100 ms: a command behind another process's command waited that long).
ROOM_LOCK_TTL_MS: Final = 5_000
ROOM_LOCK_WAIT_S: Final = 5.0
ROOM_LOCK_POLL_FIRST_S: Final = 0.002
ROOM_LOCK_POLL_MAX_S: Final = 0.025

# --- the room clock's ticks (background/due_rooms.py, services/due_board.py) --------------
# The clock task asks the due board (memory, or a Redis sorted set) which rooms are due; every
# DUE_SWEEP_MS it also reads from the database the rooms due within the next DUE_SWEEP_MS and
# notes them, so a lost note makes a room's tick late by at most that long.
DUE_SWEEP_MS: Final = 5_000
DUE_BATCH_MAX: Final = 200  # rooms ticked per run (the rest stay due for the next run)
DUE_SWEEP_ROWS_MAX: Final = 10_000  # rooms a sweep notes at most (the earliest first)
