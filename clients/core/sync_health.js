// A member's sync health, the one verdict every roster shows (overlay, phone remote,
// dashboard) from the one threshold table in constants.js. Pure.
//
// Levels: green (in sync), yellow (a little off, a slow network, buffering, an ad), red (out
// of sync, offline), settling (grey: nothing measured yet, or the room plays and this player's
// position is not measured yet) and none (a member with only a phone remote has no player).
// The words go with the colour so the dot is never the only signal.

import { SYNC_HEALTH } from "./constants.js";

export const HEALTH_WORDS = Object.freeze({
  green: "in sync",
  yellow: "a little off",
  red: "out of sync",
  settling: "settling",
  none: "no player",
});

/** True when the member has a player (the extension); a member seen without devices is assumed to. */
export function playsVideo(member) {
  const devices = member?.devices;
  return !Array.isArray(devices) || devices.length === 0 || devices.includes("extension");
}

/** "Browser + phone", "Phone only", "Browser" from a Member's devices. */
export function describeDevices(devices) {
  const set = new Set(devices || []);
  if (set.has("extension") && set.has("remote")) return "Browser + phone";
  if (set.has("remote")) return "Phone only";
  if (set.has("extension")) return "Browser";
  return "";
}

function finite(value) {
  return value !== null && value !== undefined && value !== "" && Number.isFinite(Number(value));
}

function verdict(level, word, details) {
  return { level, word, label: details.length ? `${word} · ${details.join(", ")}` : word };
}

/**
 * @param member a Member ({connected, offset_ms, rtt_ms, in_ad, buffering, devices, drift_ms,
 *   status_ms}). `drift_ms` is how far the member's player was from the room clock at its last
 *   status report, as the server works it out; null when it could not (no report yet, a report
 *   taken while that player sought or corrected, another entry, an ad…).
 * @param {{roomPlaying?: boolean, limits?: object}} context roomPlaying: the room's clock runs
 *   (see roomClockRuns). Then an unknown drift is "settling", never a colour: a dot turns
 *   yellow or red only from a measured drift, a slow round trip, buffering or an ad.
 * @returns {{level: string, word: string, label: string}}
 */
export function syncHealth(member, { roomPlaying = false, limits = SYNC_HEALTH } = {}) {
  if (!member || member.connected === false) return verdict("red", "offline", []);
  if (!playsVideo(member)) return verdict("none", HEALTH_WORDS.none, ["phone remote only"]);
  if (member.in_ad) return verdict("yellow", "watching an ad", []);
  const hasDrift = finite(member.drift_ms);
  const rtt = finite(member.rtt_ms) ? Math.round(Number(member.rtt_ms)) : 0;
  const measured = hasDrift || rtt > 0 || finite(member.status_ms);
  if (!measured) return verdict("settling", HEALTH_WORDS.settling, ["no sync report yet"]);
  const network = [`clock offset ${Math.round(Number(member.offset_ms) || 0)} ms`, `round trip ${rtt} ms`];
  if (roomPlaying && !hasDrift) return verdict("settling", HEALTH_WORDS.settling, ["position not measured yet", ...network]);
  const drift = hasDrift ? Math.abs(Math.round(Number(member.drift_ms))) : 0;
  const details = hasDrift ? [`${drift} ms from the room`, ...network] : network;
  if (member.buffering) details.push("buffering");
  let level = "green";
  if (drift > limits.yellowMaxDriftMs) level = "red";
  else if (drift > limits.greenMaxDriftMs || rtt > limits.yellowRttMs || member.buffering) level = "yellow";
  return verdict(level, HEALTH_WORDS[level], details);
}
