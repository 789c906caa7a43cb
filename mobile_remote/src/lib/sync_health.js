// A member's sync health for the roster dot: good | fair | poor | unknown, with words for it
// (the dot's color is never the only signal). Pure.

export const HEALTH_LIMITS = { goodRttMs: 150, fairRttMs: 400, goodDriftMs: 100, fairDriftMs: 500 };

export function syncHealth(member, limits = HEALTH_LIMITS) {
  if (!member || member.connected === false) return { level: "unknown", text: "offline" };
  const rtt = Number(member.rtt_ms) || 0;
  const drift = member.drift_ms === null || member.drift_ms === undefined ? null : Math.abs(Number(member.drift_ms));
  if (!rtt && drift === null && !member.status_ms) return { level: "unknown", text: "no sync report yet" };
  const parts = [`${rtt} ms round trip`];
  if (drift !== null) parts.push(`${drift} ms off`);
  let level = "good";
  if (rtt > limits.fairRttMs || (drift !== null && drift > limits.fairDriftMs)) level = "poor";
  else if (rtt > limits.goodRttMs || (drift !== null && drift > limits.goodDriftMs)) level = "fair";
  if (member.buffering) {
    level = level === "good" ? "fair" : level;
    parts.push("buffering");
  }
  if (member.in_ad) parts.push("in an ad");
  const word = { good: "in sync", fair: "a little behind", poor: "out of sync" }[level];
  return { level, text: `${word} · ${parts.join(", ")}` };
}

/** "Extension + phone", "Phone only", … from a Member's devices. */
export function describeDevices(devices) {
  const set = new Set(devices || []);
  if (set.has("extension") && set.has("remote")) return "Browser + phone";
  if (set.has("remote")) return "Phone only";
  if (set.has("extension")) return "Browser";
  return "";
}
