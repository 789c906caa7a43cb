// The phone remote's pairing dialog and the list of paired remotes, as data. Pure.
// Server answers (PROTOCOL.md REST): POST /api/rooms/<code>/remote-pairings →
// {pairing_id, pair_url, qr_svg, expires_ms, loopback_warning}; GET /api/rooms/<code>/remotes →
// {remotes: [{id, label, created_ms, used_ms, connected}]}. Times are server milliseconds.

import { formatAgo, formatTime } from "../../../clients/core/format.js";

const LOOPBACK_URL = /^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\]|0\.0\.0\.0)(:\d+)?(\/|$)/i;

export const FALLBACK_LOOPBACK_WARNING =
  "A phone cannot reach this server: its address means 'this computer' on the phone too. " +
  "Restart ShareTube with LISTEN_HOST=0.0.0.0 and BACKEND_BASE_URL=http://<this machine's LAN address>:5077, " +
  "then make a new QR code.";

/** The dialog's model from a pairing answer; null when the answer is not usable. */
export function pairingFromAnswer(answer) {
  if (!answer?.ok || !Number.isInteger(answer.pairing_id) || typeof answer.pair_url !== "string") return null;
  let warning = typeof answer.loopback_warning === "string" && answer.loopback_warning ? answer.loopback_warning : null;
  // An older server says nothing; the address itself still tells.
  if (!warning && !("loopback_warning" in answer) && LOOPBACK_URL.test(answer.pair_url)) warning = FALLBACK_LOOPBACK_WARNING;
  return {
    id: answer.pairing_id,
    roomCode: typeof answer.room_code === "string" ? answer.room_code : "",
    pairUrl: answer.pair_url,
    qrSvg: typeof answer.qr_svg === "string" ? answer.qr_svg : "",
    expiresMs: Number(answer.expires_ms) || 0,
    warning,
  };
}

/** The QR code as an <img> source: the server's SVG never becomes markup in the page. */
export function svgDataUrl(svg) {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

export function msLeft(expiresMs, serverNowMs) {
  return Math.max(0, expiresMs - serverNowMs);
}

/** "4:59" until the code expires; "" once it has. */
export function countdownText(expiresMs, serverNowMs) {
  const left = Math.ceil(msLeft(expiresMs, serverNowMs) / 1000);
  return left > 0 ? formatTime(left * 1000) : "";
}

/** The remote paired with this code, once the phone has used it. */
export function pairedRemote(pairingId, remotes) {
  return (remotes || []).find((remote) => remote.id === pairingId) || null;
}

/** "just now", "5 min ago", "3 h ago", then "2 d ago": when a remote was paired ("" if never). */
export function pairedAgoText(usedMs, serverNowMs) {
  return formatAgo(usedMs, serverNowMs);
}

/** The devices a member connects with, as a stable key ("extension,remote"; "" when absent). */
export function devicesKey(members, userId) {
  const member = (members || []).find((candidate) => candidate.user_id === userId);
  return [...(member?.devices || [])].sort().join(",");
}
