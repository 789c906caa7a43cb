// Room codes and invite links: https://www.youtube.com/watch?v=<id>#sharetube=<code>.
// A user may paste a bare code, an invite link, or the server's /join/<code> page. Pure.

import { INVITE_HASH_KEY, INVITE_WATCH_BASE, MAX_ROOM_CODE_CHARS } from "../constants.js";
import { isVideoId } from "./youtube_ids.js";

const ROOM_CODE = new RegExp(`^[A-Za-z0-9_-]{3,${MAX_ROOM_CODE_CHARS}}$`);

export function isRoomCode(text) {
  return typeof text === "string" && ROOM_CODE.test(text);
}

const INVITE_SECRET = /^[A-Za-z0-9_-]{16,128}$/;
const INVITE_SECRET_KEY = "invite";

export function isInviteSecret(text) {
  return typeof text === "string" && INVITE_SECRET.test(text);
}

/** The link that opens `videoId` (or YouTube's home page) and joins room `code`; a private
 *  room's link also carries its invite secret. */
export function buildInviteLink(code, videoId = null, secret = null) {
  const extra = isInviteSecret(secret) ? `&${INVITE_SECRET_KEY}=${secret}` : "";
  const hash = `#${INVITE_HASH_KEY}=${encodeURIComponent(code)}${extra}`;
  if (isVideoId(videoId)) return `${INVITE_WATCH_BASE}?v=${videoId}${hash}`;
  return `https://www.youtube.com/${hash}`;
}

/** The room code carried by a location hash ("#sharetube=ab12"), or null. */
export function inviteCodeFromHash(hash) {
  if (typeof hash !== "string" || !hash.startsWith("#")) return null;
  const code = new URLSearchParams(hash.slice(1)).get(INVITE_HASH_KEY);
  return isRoomCode(code) ? code : null;
}

/** The invite of a location hash: {code, secret} (secret null for a public room's link), or null. */
export function inviteFromHash(hash) {
  const code = inviteCodeFromHash(hash);
  if (!code) return null;
  const secret = new URLSearchParams(hash.slice(1)).get(INVITE_SECRET_KEY);
  return { code, secret: isInviteSecret(secret) ? secret : null };
}

/** A pasted code, invite link or /join/<code> link → {code, videoId}; null when none. */
export function parseJoinInput(text) {
  const trimmed = typeof text === "string" ? text.trim() : "";
  if (isRoomCode(trimmed)) return { code: trimmed, videoId: null };
  let url;
  try {
    url = new URL(trimmed);
  } catch {
    return null;
  }
  if (!["http:", "https:"].includes(url.protocol) || url.username || url.password) return null;
  const fromHash = inviteCodeFromHash(url.hash);
  if (fromHash) {
    const videoId = url.searchParams.get("v");
    const secret = new URLSearchParams(url.hash.slice(1)).get(INVITE_SECRET_KEY);
    const found = { code: fromHash, videoId: isVideoId(videoId) ? videoId : null };
    return isInviteSecret(secret) ? { ...found, secret } : found;
  }
  const joinPath = /^\/join\/([^/]+)\/?$/.exec(url.pathname);
  if (joinPath && isRoomCode(decodeURIComponent(joinPath[1]))) {
    return { code: decodeURIComponent(joinPath[1]), videoId: null };
  }
  return null;
}

/** `hash` with the invite part removed (so a reload does not join again). */
export function stripInviteFromHash(hash) {
  if (typeof hash !== "string" || !hash.startsWith("#")) return hash || "";
  const params = new URLSearchParams(hash.slice(1));
  params.delete(INVITE_HASH_KEY);
  params.delete(INVITE_SECRET_KEY);
  const rest = params.toString();
  return rest ? `#${rest}` : "";
}
