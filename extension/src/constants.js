// Every client-side number of the ShareTube extension lives here, and only here.
// Times are milliseconds; rates are playbackRate multipliers. Pure: no DOM, no chrome.*.

// --- identity and defaults ------------------------------------------------------------------
// The manifest carries a fixed `key`, so this ID is the same on every install
// (sha256 of the DER public key, first 32 hex digits mapped 0-9a-f -> a-p).
export const EXTENSION_ID = "nkaopmohhnloiehikndojndhgneiodhh";
export const SIGN_IN_REDIRECT_URL = `https://${EXTENSION_ID}.chromiumapp.org/`;
// The server this build was made for (extension/build.mjs --server / BACKEND_BASE_URL); the
// manifest grants exactly these origins. Unbundled (node --test) the embedded default stands.
/* global __SHARETUBE_DEFAULT_SERVER__, __SHARETUBE_DEFAULT_ORIGINS__ */
export const DEFAULT_SERVER_URL =
  typeof __SHARETUBE_DEFAULT_SERVER__ === "string" ? __SHARETUBE_DEFAULT_SERVER__ : "http://127.0.0.1:5077";
export const DEFAULT_SERVER_ORIGINS =
  typeof __SHARETUBE_DEFAULT_ORIGINS__ === "object" ? __SHARETUBE_DEFAULT_ORIGINS__ : ["http://127.0.0.1:5077", "http://localhost:5077"];
export const PRESENCE_SCRIPT_ID = "sharetube-presence-chosen-server"; // registered for a server chosen in the popup
export const PROTOCOL_VERSION = 1;
export const TAB_PORT_NAME = "sharetube-tab";
export const INVITE_HASH_KEY = "sharetube";
export const INVITE_WATCH_BASE = "https://www.youtube.com/watch";

// Clock sync (time.sync), the sync-health table and the socket ack timeout are shared by
// every client: clients/core/constants.js.

// --- drift correction (sync_engine) ---------------------------------------------------------
export const SYNC_TICK_MS = 250; // the content script's sync loop period
export const DRIFT_NUDGE_MS = 30; // |drift| above this starts a playbackRate nudge
export const DRIFT_SETTLED_MS = 10; // a nudge ends once |drift| is below this (hysteresis)
export const HOLD_TOLERANCE_MS = 5; // before a scheduled start a paused video is placed this exactly
export const DRIFT_SEEK_MS = 500; // |drift| above this is corrected by a seek
// A paused/held video further than this is re-positioned: the design's 50 ms between viewers.
// A member pauses when the room's pause reaches it (one network trip after the one who paused),
// so it usually stands a little past the room's position_ms. No seek loop: a seek while paused
// lands exactly (currentTime reads back the target, not a frame boundary — measured in
// Chromium on 15 fps clips), so the next tick finds the video within 0 ms.
export const PAUSED_TOLERANCE_MS = 50;
// An ended video rejoins a room that plays the same video more than this before its end
// (repeat "one", a restart, a seek back); nearer the end the room is about to move on.
export const ENDED_REJOIN_MS = 3_000;
export const NUDGE_WINDOW_MS = 2_000; // a nudge aims to absorb the drift over about this long
export const NUDGE_MAX_FRACTION = 0.1; // a nudge changes the rate by at most ±10 %
// ... and by less than half of YouTube's speed step (0.25): whatever reads the player's speed
// (YouTube's Shift+. / Shift+, step from it) still finds the room's speed the nearest step.
// At 1.25 a 10 % nudge was 1.125, half-way to 1.0: a person's Shift+. then went 1.0 -> 1.25.
export const NUDGE_MAX_RATE_DELTA = 0.1;
export const NUDGE_TIMEOUT_MS = 6_000; // a nudge that has not settled by then is re-decided
export const SEEK_TIMEOUT_MS = 3_000; // a seek without `seeked` by then no longer blocks
export const PLAY_PAUSE_TIMEOUT_MS = 1_500; // a play()/pause() not reflected by then is retried
export const SEEK_LATENCY_INITIAL_MS = 150; // first guess of how long a seek freezes the video
export const SEEK_LATENCY_EWMA_ALPHA = 0.3; // weight of a new seek-latency sample
export const SEEK_LATENCY_MAX_MS = 2_000; // longer samples are stalls, not seek latency
export const RATE_EPSILON = 0.001; // rates closer than this are the same rate
export const ECHO_WINDOW_MS = 1_500; // how long an engine-caused change may echo back
export const ECHO_SEEK_TOLERANCE_MS = 750; // a `seeked` this close to the engine's target is ours
export const SCHEDULED_START_EARLY_MS = 4; // start this much before the anchor (timer slack)
// play() -> advancing latency, learnt per player (lib/start_latency.js): Chromium starts a held
// video ~75 ms after play() when the hold seeked; calling play() that much early lands the
// start on the anchor instead of ~2 s of rate nudges afterwards.
export const START_LATENCY_INITIAL_MS = 70; // first guess after a seek (measured 55-85 ms)
export const START_LATENCY_STILL_INITIAL_MS = 0; // ... and after a plain pause (measured -2 ms)
export const START_LATENCY_SAMPLES = 5; // the estimate is the median of the last 5 starts
export const START_LATENCY_MAX_MS = 250; // a longer lag is a stall (load, buffering), not latency
export const START_LATENCY_CAP_MS = 200; // never start more than this before the anchor
export const START_PROBE_AFTER_MS = 120; // measure the start this long after the anchor
export const HOLD_EARLY_SLACK_MS = 30; // playing this near the anchor after an early play(): leave it
export const START_PROBE_UNTIL_MS = 1_500; // ... and no later (other things happen by then)

// --- ads (lib/ad_rules.js, lib/ad_verdict.js) ----------------------------------------------
export const AD_HEAL_AFTER_MS = 1_500; // an "ad" while the room's video plays on is withdrawn after this
export const AD_HEAL_POSITION_TOLERANCE_MS = 1_000; // "at the room's position" (covers a hold's drift)
export const AD_HEAL_DURATION_TOLERANCE_MS = 1_000; // the same clip as the entry (an ad is another)

// --- fullscreen (overlay/player_layer.js) -----------------------------------------------------
export const FULLSCREEN_TOAST_MS = 6_000; // a chat line stays on the fullscreen video this long
export const FULLSCREEN_CHAT_TOASTS = 3; // at most this many chat lines at once over the video

// --- other extensions that move the video (lib/seek_fights.js) -------------------------------
// A seek neither the user nor the engine made (SponsorBlock skipping a segment, another
// extension) is reverted at most this many times when it keeps coming back to the same target;
// then the viewer is "skipping locally" and left alone until the room passes the skipped range.
export const SEEK_FIGHT_MAX_REVERTS = 1;
export const SEEK_FIGHT_SAME_TARGET_MS = 500; // targets this close are "the same target"
export const SEEK_FIGHT_WINDOW_MS = 10_000; // returns further apart than this start a new count
export const SEEK_FIGHT_MIN_JUMP_MS = 1_000; // a forward jump shorter than this is drift, not a skip
export const SKIP_LOCAL_MAX_MS = 15 * 60_000; // a longer foreign jump is never left alone

// --- buffering policy (lib/buffer_policy.js; room setting buffer_policy) ----------------------
// Under "wait" a stall that lasts this long is reported (player.buffering) and holds the room
// (the server's BUFFER_HOLD_AFTER_MS says the same); under "ignore" a stalled viewer keeps the
// lag its stall cost it (more than DRIFT_SEEK_MS) until the room's clock changes course.
export const BUFFER_HOLD_AFTER_MS = 1_500;
export const BUFFER_POLICIES = ["catch_up", "wait", "ignore"];

// --- reading the user's intent --------------------------------------------------------------
export const USER_INPUT_WINDOW_MS = 1_000; // a media event this soon after input is the user's
export const SEEK_SETTLE_MS = 150; // a drag or several key presses become one seek command
export const COMMAND_ACK_TIMEOUT_MS = 4_000; // give up waiting for a command's ack
export const ELEMENT_SETTLE_MS = 1_500; // ignore rate changes this soon after a new video loads

// --- reporting ------------------------------------------------------------------------------
export const STATUS_REPORT_INTERVAL_MS = 2_000; // player.status while in a room
// A report taken while the player seeks/corrects leaves its position out (the roster shows it
// "settling"), unless the change has lasted this long: a stalled seek is worth a red dot.
export const STATUS_SETTLING_MAX_MS = 5_000;
export const TYPING_SEND_INTERVAL_MS = 2_000; // chat.typing at most this often
export const TYPING_SHOW_MS = 4_000; // how long "X is typing" stays after the last signal
export const SYNC_REQUEST_MIN_GAP_MS = 2_000; // room.sync at most this often on version gaps

// --- transport and worker -------------------------------------------------------------------
export const PORT_RECONNECT_MIN_MS = 50; // first retry after the worker's port closes
export const PORT_RECONNECT_MAX_MS = 1_000; // retries back off to at most this
export const SOCKET_RECONNECT_MIN_MS = 250; // socket.io reconnectionDelay
export const SOCKET_RECONNECT_MAX_MS = 2_000; // socket.io reconnectionDelayMax
export const REST_TIMEOUT_MS = 10_000;

// --- limits on what the user types (the server checks again) --------------------------------
export const MAX_NAME_CHARS = 40;
export const MAX_CHAT_CHARS = 500;
export const MAX_ROOM_CODE_CHARS = 32;
export const MAX_URL_CHARS = 2_000;
export const PLAYBACK_RATES = [0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2];

// --- playlists (the server checks again: MAX_PLAYLIST_ENTRIES there too) --------------------
export const MAX_PLAYLIST_ENTRIES = 200; // entries one "Add playlist" sends (the first ones)
export const MAX_PLAYLIST_TITLE_CHARS = 200; // a title read from the page (YouTube's own replaces it)
export const MAX_PLAYLIST_PAYLOAD_BYTES = 48_000; // under the server's 64 KiB per message; else titles go
export const PLAYLIST_PANEL_WAIT_MS = 5_000; // "Add playlist" waits this long for a late panel
export const PLAYLIST_POLL_MS = 250; // ... looking again this often
// --- reactions pinned to a moment (lib/reaction_timeline.js, overlay/reaction_layer.js) ------
export const REACTION_TIMELINE = Object.freeze({
  LIVE_LATE_MS: 1_500, // a reaction arriving this soon after its moment still floats up at once
  JUMP_MS: 1_500, // the player moving forward more than this between two looks is a seek: nothing shows
  BACK_MS: 300, // moving back more than this is a seek back: reactions after it play again
});
export const REACTION_TICK_MS = 40; // how often the layer looks at the player (±250 ms is the target)
export const REACTION_FLOAT_MS = 2_500; // how long a reaction floats over the player
export const REACTIONS_KEPT = 200; // the server keeps (and sends) the latest 200 per entry
