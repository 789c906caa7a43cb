// The roster's sync-health dot for a member: green, yellow, red, grey "settling", or "none" (a
// member with only a phone remote has no player to be in sync). Pure.

import { HEALTH_GREEN_MAX_MS, HEALTH_RTT_YELLOW_MS, HEALTH_YELLOW_MAX_MS } from "../constants.js";

/** True when the member has a player (the extension); a member seen without devices is assumed to. */
export function playsVideo(member) {
  const devices = member?.devices;
  return !Array.isArray(devices) || devices.length === 0 || devices.includes("extension");
}

/**
 * @param member a Member ({connected, offset_ms, rtt_ms, in_ad, devices, drift_ms?}). `drift_ms`
 *   is how far the member's player was from the room clock at its last status report, as the
 *   server works it out; null when the server could not (no report yet, a report taken while
 *   that player was seeking or correcting, which leaves its position out, another entry…).
 * @param {{roomPlaying?: boolean}} context roomPlaying: the room's clock runs (state "playing",
 *   anchor passed). Then an unknown drift is "settling" (grey), never a colour: a dot turns
 *   yellow or red only from a measured drift or a slow round trip.
 */
export function syncHealth(member, { roomPlaying = false } = {}) {
  if (!member || member.connected === false) return { level: "red", label: "offline" };
  if (member.in_ad) return { level: "yellow", label: "watching an ad" };
  const rtt = Number(member.rtt_ms) || 0;
  const offset = Math.round(Number(member.offset_ms) || 0);
  const network = `clock offset ${offset} ms, round trip ${Math.round(rtt)} ms`;
  if (!playsVideo(member)) return { level: "none", label: "phone remote only (no player)" };
  const hasDrift = Number.isFinite(member.drift_ms);
  if (roomPlaying && !hasDrift) return { level: "settling", label: `settling (position not measured yet), ${network}` };
  const drift = hasDrift ? Math.abs(member.drift_ms) : 0;
  const label = hasDrift ? `${Math.round(drift)} ms from the room, ${network}` : network;
  if (drift > HEALTH_YELLOW_MAX_MS) return { level: "red", label };
  if (drift > HEALTH_GREEN_MAX_MS || rtt > HEALTH_RTT_YELLOW_MS) return { level: "yellow", label };
  return { level: "green", label };
}

/** Whether the room's clock runs at `serverNowMs` (so every player should report a drift). */
export function roomClockRuns(playback, serverNowMs) {
  return playback?.state === "playing" && Number.isFinite(playback.anchor_ms) && serverNowMs >= playback.anchor_ms;
}
