// YouTube links and video ids, as people paste them. Pure and strict: only YouTube's own
// hosts, an id of exactly 11 characters of [A-Za-z0-9_-], and nothing that makes a link look
// like YouTube while it goes elsewhere (user-info before "@", lookalike hosts, other schemes).

import { MAX_URL_CHARS } from "../constants.js";

const VIDEO_ID = /^[A-Za-z0-9_-]{11}$/;
const WATCH_HOSTS = new Set(["youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com"]);
const NOCOOKIE_HOSTS = new Set(["youtube-nocookie.com", "www.youtube-nocookie.com"]);
const SHORT_HOSTS = new Set(["youtu.be"]);
const ID_PATHS = new Set(["shorts", "embed", "live", "v"]);
const START_PARAMS = ["t", "start", "time_continue"];
const START_FORM = /^(?:(\d{1,3})h)?(?:(\d{1,5})m)?(?:(\d{1,7})(?:\.\d{1,3})?s?)?$/i;
const LEADING_PUNCTUATION = /^[([{<"']+/;
const TRAILING_PUNCTUATION = /[.,;:!?)\]}>"']+$/;

export function isVideoId(text) {
  return typeof text === "string" && VIDEO_ID.test(text);
}

/** "90", "90s", "1m30s", "1h2m3s", "75.5" → milliseconds; anything else → 0. */
export function parseStartMs(text) {
  if (!text) return 0;
  const match = START_FORM.exec(text);
  if (!match) return 0;
  const [hours, minutes, seconds] = match.slice(1, 4).map((part) => Number(part || 0));
  return ((hours * 60 + minutes) * 60 + seconds) * 1000;
}

function startFrom(url) {
  const fragment = new URLSearchParams(url.hash.replace(/^#/, ""));
  for (const name of START_PARAMS) {
    const value = url.searchParams.get(name) ?? fragment.get(name);
    if (value) return parseStartMs(value);
  }
  return 0;
}

function toUrl(text) {
  // Plain ASCII, no spaces: a pasted link that hides characters is refused, not repaired.
  if (typeof text !== "string" || /[^\x21-\x7e]/.test(text)) return null;
  let candidate = text;
  if (!/^[a-z][a-z0-9+.-]*:/i.test(candidate)) {
    if (!/^(www\.|m\.|music\.)?(youtube\.com|youtu\.be|youtube-nocookie\.com)\//i.test(candidate)) {
      return null;
    }
    candidate = `https://${candidate}`;
  }
  try {
    return new URL(candidate);
  } catch {
    return null;
  }
}

function idFrom(url) {
  const host = url.hostname.toLowerCase();
  const segments = url.pathname.split("/").filter(Boolean);
  if (SHORT_HOSTS.has(host)) return segments.length === 1 ? segments[0] : null;
  if (NOCOOKIE_HOSTS.has(host)) return segments[0] === "embed" && segments.length === 2 ? segments[1] : null;
  if (!WATCH_HOSTS.has(host)) return null;
  if (segments.length === 1 && segments[0] === "watch") return url.searchParams.get("v");
  if (segments.length === 2 && ID_PATHS.has(segments[0])) return segments[1];
  return null;
}

/** A YouTube video link → {videoId, startMs}; null for anything that is not one. */
export function parseYouTubeUrl(text) {
  const trimmed = typeof text === "string" ? text.trim() : "";
  if (!trimmed || trimmed.length > MAX_URL_CHARS) return null;
  const url = toUrl(trimmed);
  if (!url || !["http:", "https:"].includes(url.protocol)) return null;
  if (url.username || url.password || url.port) return null;
  const videoId = idFrom(url);
  if (!isVideoId(videoId)) return null;
  return { videoId, startMs: startFrom(url) };
}

/** What a user pastes into "add a video": a link or a bare 11-character id. */
export function parseVideoInput(text) {
  const trimmed = typeof text === "string" ? text.trim() : "";
  if (isVideoId(trimmed)) return { videoId: trimmed, startMs: 0 };
  return parseYouTubeUrl(trimmed);
}

/** Every YouTube video link in a chat line, in order, without duplicates. */
export function findVideoLinks(text) {
  if (typeof text !== "string") return [];
  const found = [];
  const seen = new Set();
  for (const token of text.split(/\s+/)) {
    const word = token.replace(LEADING_PUNCTUATION, "").replace(TRAILING_PUNCTUATION, "");
    if (!/youtu/i.test(word)) continue;
    const parsed = parseYouTubeUrl(word);
    if (parsed && !seen.has(parsed.videoId)) {
      seen.add(parsed.videoId);
      found.push({ ...parsed, url: word });
    }
  }
  return found;
}

/** The canonical watch page of a video (what the tab navigates to). */
export function watchUrl(videoId, startMs = 0) {
  const seconds = Math.floor((startMs || 0) / 1000);
  const base = `https://www.youtube.com/watch?v=${videoId}`;
  return seconds > 0 ? `${base}&t=${seconds}s` : base;
}
