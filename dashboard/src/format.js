// Pure formatting for the dashboard (no DOM): numbers, times, audit summaries. Player times and
// millisecond figures are the client core's (clients/core/format.js), as the other clients show them.

import { formatAgo, formatMs, formatTime } from "../../clients/core/format.js";

export function num(value, digits = 0) {
  if (value === null || value === undefined || Number.isNaN(Number(value))) return "–";
  return Number(value).toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** 350 → "350 ms", 12500 → "12.5 s", null → "–". */
export const ms = (value) => formatMs(value, "–");

/** A player-style position: 754000 → "12:34", null → "–". */
export const position = (msValue) => formatTime(msValue, "–");

/** "12 s ago", "never" for a time never seen. */
export const ago = (thenMs, nowMs = Date.now()) => formatAgo(thenMs, nowMs, "never");

export function clock(msValue) {
  if (!msValue) return "–";
  const d = new Date(msValue);
  return d.toLocaleTimeString("en-GB", { hour12: false });
}

export function dateTime(msValue) {
  if (!msValue) return "–";
  const d = new Date(msValue);
  const day = d.toLocaleDateString("en-CA");
  return `${day} ${clock(msValue)}`;
}

const QUIET_KEYS = new Set(["user_id", "login_id"]);

function short(value) {
  if (value === null || value === undefined) return "none";
  if (typeof value === "object") return JSON.stringify(value).slice(0, 60);
  return String(value).slice(0, 60);
}

/** "role: user → admin, banned: false → true" — what changed between an audit row's before/after. */
export function changeSummary(before, after) {
  if (after === null || after === undefined) return before === null || before === undefined ? "" : `was ${short(before)}`;
  if (typeof after !== "object" || Array.isArray(after)) return short(after);
  const parts = [];
  const was = before && typeof before === "object" && !Array.isArray(before) ? before : {};
  for (const [key, value] of Object.entries(after)) {
    if (QUIET_KEYS.has(key)) continue;
    if (key in was && JSON.stringify(was[key]) !== JSON.stringify(value)) {
      parts.push(`${key}: ${short(was[key])} → ${short(value)}`);
    } else if (!(key in was)) {
      parts.push(`${key}: ${short(value)}`);
    }
  }
  if (!parts.length && Object.keys(was).length) {
    return `was ${Object.entries(was).filter(([k]) => !QUIET_KEYS.has(k)).map(([k, v]) => `${k}: ${short(v)}`).join(", ")}`;
  }
  return parts.join(", ");
}

/** Worst absolute value of `key` over members (null when nobody reported one). */
export function worst(members, key) {
  const values = members.map((m) => m[key]).filter((v) => v !== null && v !== undefined).map((v) => Math.abs(v));
  return values.length ? Math.max(...values) : null;
}
