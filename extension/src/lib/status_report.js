// The player.status payload (PROTOCOL.md) the sync loop sends every STATUS_REPORT_INTERVAL_MS.
// Pure.
// A viewer skipping a range on its own (lib/seek_fights.js: another extension such as
// SponsorBlock skips a segment the room plays) reports `skipping: true` and no position: it is
// knowingly ahead of the room until the room passes that range.
//
// The server works out each member's drift from `position_ms` and the time the report arrives
// (server/services/roster.py) and shows it as the roster's health dot. A position read while
// the video seeks, or while a correction (an engine seek/play/pause, or the user's own command
// waiting for the room's answer) is in flight, says nothing about how well the player follows
// the room: such a report leaves `position_ms` and `drift_ms` out, so the roster shows the
// member "settling" instead of a red or yellow dot from a moment that is already being fixed.

import { STATUS_SETTLING_MAX_MS } from "../constants.js";
import { expectedPositionMs, isScheduledStart } from "../../../clients/core/room_position.js";

/**
 * @param {{playback: object, video: {currentTimeMs: number, paused: boolean, readyState: number},
 *          clock: {offsetMs: number, rttMs: number}, serverNowMs: number, buffering: boolean,
 *          settling: boolean, skipping?: boolean}} input
 */
export function statusReport({ playback, video, clock, serverNowMs, buffering, settling, skipping = false }) {
  const steady = playback.state === "playing" && !isScheduledStart(playback, serverNowMs);
  const payload = {
    entry_id: playback.entry_id,
    offset_ms: Math.round(clock.offsetMs),
    rtt_ms: Math.max(0, Math.round(clock.rttMs)),
    buffering: Boolean(buffering || (steady && video.readyState < 3)),
    server_ms: Math.round(serverNowMs),
  };
  if (skipping) payload.skipping = true;
  if (settling || skipping) return payload;
  payload.position_ms = Math.max(0, Math.round(video.currentTimeMs));
  if (steady && !video.paused) {
    payload.drift_ms = Math.round(video.currentTimeMs - expectedPositionMs(playback, serverNowMs));
  }
  return payload;
}

/** Whether the player is in the middle of a change (seeking, correcting, awaiting the room). */
export function isChanging({ seeking, correcting, commandPending }) {
  return Boolean(seeking || correcting || commandPending);
}

/**
 * Whether a report leaves the position out ("settling"). Not when the change has lasted longer
 * than STATUS_SETTLING_MAX_MS (a stalled seek), nor while autoplay was refused and the player
 * waits for the user's click ("Join playback"): those players really are off, and their dot
 * should say so.
 */
export function leavesPositionOut({ changing, changingForMs, blocked }) {
  return Boolean(changing && !blocked && changingForMs < STATUS_SETTLING_MAX_MS);
}
