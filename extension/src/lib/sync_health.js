// The roster's sync-health dot for a member: green, yellow or red. Pure.

import { HEALTH_GREEN_MAX_MS, HEALTH_RTT_YELLOW_MS, HEALTH_YELLOW_MAX_MS } from "../constants.js";

/**
 * @param member a Member ({connected, offset_ms, rtt_ms, in_ad, drift_ms?}). `drift_ms` (how far
 *   the member's player is from the room clock, sent in player.status) decides the colour when
 *   the server passes it on; otherwise the round trip alone does.
 */
export function syncHealth(member) {
  if (!member || member.connected === false) return { level: "red", label: "offline" };
  if (member.in_ad) return { level: "yellow", label: "watching an ad" };
  const rtt = Number(member.rtt_ms) || 0;
  const offset = Math.round(Number(member.offset_ms) || 0);
  const hasDrift = Number.isFinite(member.drift_ms);
  const drift = hasDrift ? Math.abs(member.drift_ms) : 0;
  const parts = [];
  if (hasDrift) parts.push(`${Math.round(drift)} ms from the room`);
  parts.push(`clock offset ${offset} ms`, `round trip ${Math.round(rtt)} ms`);
  const label = parts.join(", ");
  if (drift > HEALTH_YELLOW_MAX_MS) return { level: "red", label };
  if (drift > HEALTH_GREEN_MAX_MS || rtt > HEALTH_RTT_YELLOW_MS) return { level: "yellow", label };
  return { level: "green", label };
}
