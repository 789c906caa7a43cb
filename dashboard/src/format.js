// Pure formatting for the dashboard (no DOM): numbers, durations, times, audit summaries.

export function num(value, digits = 0) {
  if (value === null || value === undefined || Number.isNaN(Number(value))) return "–";
  return Number(value).toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function ms(value) {
  if (value === null || value === undefined) return "–";
  const n = Number(value);
  if (Math.abs(n) >= 10_000) return `${num(n / 1000, 1)} s`;
  return `${num(n)} ms`;
}

export function position(msValue) {
  if (msValue === null || msValue === undefined) return "–";
  const total = Math.max(0, Math.floor(Number(msValue) / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

export function ago(thenMs, nowMs = Date.now()) {
  if (!thenMs) return "never";
  const s = Math.max(0, Math.round((nowMs - thenMs) / 1000));
  if (s < 5) return "just now";
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

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
