// Every threshold the three clients (extension, phone remote, dashboard) share, and only those.
// Times are milliseconds. Client-specific numbers stay in each client (extension/src/constants.js).
// Pure: no DOM, no chrome.*, no I/O.

// --- clock sync (time.sync, NTP-style; DESIGN.md "The room clock") ------------------------
export const TIME_SYNC_KEEP_SAMPLES = 8; // the best (smallest RTT) of the last 8 wins
export const TIME_SYNC_BURST_SAMPLES = 8; // samples taken right after (re)connect
export const TIME_SYNC_BURST_GAP_MS = 50; // pause between burst samples
export const TIME_SYNC_INTERVAL_MS = 30_000; // one sample every 30 s afterwards
export const TIME_SYNC_TIMEOUT_MS = 3_000; // a sample without an answer by then is dropped

// --- requests over the socket ---------------------------------------------------------------
export const ACK_TIMEOUT_MS = 8_000; // an emit without an ack by then fails "unavailable"

// --- sync health: the ONE table every roster reads (overlay, phone, dashboard) ---------------
// |drift| is how far a member's player is from the room clock (the server works it out from
// the member's last player.status); rtt is the member's measured time.sync round trip.
export const SYNC_HEALTH = Object.freeze({
  greenMaxDriftMs: 80, // within this of the room: in sync (the design's target is 50 ms p95)
  yellowMaxDriftMs: 400, // up to this: a little off; beyond: out of sync (red)
  yellowRttMs: 250, // a round trip above this turns an in-sync member yellow (slow network)
  offsetNoteMs: 1_000, // a wall clock this far off is worth pointing out (it is compensated)
});

// --- reactions pinned to a moment (the server's REACTION_EMOJI: a test compares them) --------
export const REACTION_EMOJI = Object.freeze(["👍", "❤️", "😂", "😮", "😢", "👏", "🔥", "🎉"]);

// The room setting `repeat` (the server's REPEAT_MODES), with the words both clients show.
export const REPEAT_MODES = Object.freeze([
  ["off", "No repeat"],
  ["one", "Repeat the current video"],
  ["all", "Repeat the whole queue"],
]);
