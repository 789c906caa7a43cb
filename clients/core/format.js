// Formatting every client shows the same way. Pure.

/**
 * A player-style time: 754000 → "12:34"; 3723000 → "1:02:03"; 0 → "0:00".
 * Anything that is not a number (null, undefined, NaN) gives `fallback`; negatives show as 0:00.
 */
export function formatTime(ms, fallback = "") {
  if (ms === null || ms === undefined || ms === "" || !Number.isFinite(Number(ms))) return fallback;
  const total = Math.max(0, Math.floor(Number(ms) / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}` : `${minutes}:${seconds}`;
}

/** A signed millisecond figure as people read it: "12 ms", "-350 ms", "12.5 s"; null → fallback. */
export function formatMs(value, fallback = "–") {
  if (value === null || value === undefined || !Number.isFinite(Number(value))) return fallback;
  const n = Number(value);
  if (Math.abs(n) >= 10_000) return `${(n / 1000).toLocaleString("en-US", { maximumFractionDigits: 1, minimumFractionDigits: 1 })} s`;
  return `${Math.round(n).toLocaleString("en-US")} ms`;
}

/** How long ago `thenMs` was at `nowMs`: "just now", "12 s ago", "5 min ago", "3 h ago", "2 d ago". */
export function formatAgo(thenMs, nowMs, fallback = "") {
  if (thenMs === null || thenMs === undefined || !Number.isFinite(Number(thenMs)) || Number(thenMs) <= 0) return fallback;
  const seconds = Math.max(0, Math.floor((nowMs - Number(thenMs)) / 1000));
  if (seconds < 5) return "just now";
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}
