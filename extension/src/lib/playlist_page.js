// A YouTube playlist as the page shows it: the playlist id in the address, the entries of the
// page's initial data (`ytInitialData`: the watch page's playlist panel data, or the /playlist
// page's list) and of the rendered playlist panel. Pure: the adapter hands in the page's text and
// what its DOM shows; nothing here touches the DOM. Only entries of THIS playlist count: after a
// SPA navigation the initial data and a hidden panel may still describe another one.

import { YOUTUBE_HOSTS, isPlaylistId, parsePlaylistLink } from "../../../clients/core/playlist_links.js";
import { MAX_PLAYLIST_ENTRIES, MAX_PLAYLIST_PAYLOAD_BYTES, MAX_PLAYLIST_TITLE_CHARS } from "../constants.js";
import { isVideoId } from "./youtube_ids.js";

export { isPlaylistId, parsePlaylistLink };

/** The playlist of a page address (watch?v=…&list=…, /playlist?list=…), or null. */
export function playlistIdFromUrl(href) {
  let url;
  try {
    url = new URL(href);
  } catch {
    return null;
  }
  if (!YOUTUBE_HOSTS.includes(url.hostname.toLowerCase())) return null;
  if (!["/watch", "/playlist"].includes(url.pathname) && url.hostname !== "youtu.be") return null;
  const id = url.searchParams.get("list");
  return isPlaylistId(id) ? id : null;
}

function cleanTitle(text) {
  const title = typeof text === "string" ? text.replace(/\s+/g, " ").trim() : "";
  return title ? title.slice(0, MAX_PLAYLIST_TITLE_CHARS) : null;
}

function textOfRuns(value) {
  if (!value || typeof value !== "object") return null;
  if (typeof value.simpleText === "string") return value.simpleText;
  if (Array.isArray(value.runs)) return value.runs.map((run) => run?.text || "").join("");
  return null;
}

/** The object of `ytInitialData = {...};` in a script's text, or null. */
export function initialDataFromScript(text) {
  if (typeof text !== "string") return null;
  const at = text.indexOf("ytInitialData");
  if (at < 0) return null;
  const start = text.indexOf("{", at);
  if (start < 0) return null;
  // `var ytInitialData = {…};` — possibly followed by more code in the same script
  for (const end of new Set([text.indexOf("};", start), text.lastIndexOf("};"), text.lastIndexOf("}")])) {
    if (end <= start) continue;
    try {
      return JSON.parse(text.slice(start, end + 1));
    } catch {
      // not the object's end: try the next candidate
    }
  }
  return null;
}

/** Every object under `root` that has `key`, depth first, in document order (bounded walk). */
function findAll(root, key, limit = 5_000) {
  const found = [];
  const stack = [root];
  let seen = 0;
  while (stack.length && seen < limit * 20) {
    const node = stack.pop();
    seen += 1;
    if (!node || typeof node !== "object") continue;
    if (!Array.isArray(node) && node[key] && typeof node[key] === "object") {
      found.push(node[key]);
      if (found.length >= limit) break;
      continue;
    }
    const children = Array.isArray(node) ? node : Object.values(node);
    for (let i = children.length - 1; i >= 0; i -= 1) stack.push(children[i]);
  }
  return found;
}

/**
 * The entries of playlist `listId` in the page's initial data: the watch page's playlist
 * (twoColumnWatchNextResults.playlist.playlist, checked by its playlistId) or, on a /playlist
 * page, its playlistVideoRenderer list (checked by any playlistId in the data).
 */
export function entriesFromInitialData(data, listId) {
  if (!data || typeof data !== "object" || !isPlaylistId(listId)) return [];
  const watch = data.contents?.twoColumnWatchNextResults?.playlist?.playlist;
  let renderers = [];
  if (watch && watch.playlistId === listId) {
    renderers = findAll(watch.contents || [], "playlistPanelVideoRenderer");
  } else if (!watch && JSON.stringify([data.metadata, data.header, data.microformat]).includes(listId)) {
    renderers = findAll(data.contents || {}, "playlistVideoRenderer");
  }
  return renderers
    .filter((item) => isVideoId(item.videoId))
    .map((item) => ({ video_id: item.videoId, title: cleanTitle(textOfRuns(item.title)) }));
}

/** The entries of playlist `listId` among links the panel shows: [{href, title}] in order. */
export function entriesFromPanel(links, listId) {
  const entries = [];
  for (const { href, title } of links || []) {
    let url;
    try {
      url = new URL(href, "https://www.youtube.com/");
    } catch {
      continue;
    }
    const videoId = url.searchParams.get("v");
    if (url.searchParams.get("list") !== listId || !isVideoId(videoId)) continue;
    entries.push({ video_id: videoId, title: cleanTitle(title) });
  }
  return entries;
}

/** What to send: the fuller reading (the panel when they tie: it is what shows), at most 200. */
export function choosePlaylist(fromData, fromPanel) {
  const best = (fromPanel?.length || 0) >= (fromData?.length || 0) ? fromPanel || [] : fromData || [];
  return best.slice(0, MAX_PLAYLIST_ENTRIES);
}

/**
 * queue.playlist's payload for entries read from the page (titles only when known). A socket
 * message is at most 64 KiB: when long non-Latin titles would not fit, the titles are left out
 * (they are only what shows until YouTube's own arrive).
 */
export function playlistPayload(listId, entries) {
  const chosen = entries.slice(0, MAX_PLAYLIST_ENTRIES);
  const payload = {
    list_id: listId,
    entries: chosen.map(({ video_id: videoId, title }) => (title ? { video_id: videoId, title } : { video_id: videoId })),
  };
  if (new TextEncoder().encode(JSON.stringify(payload)).length <= MAX_PLAYLIST_PAYLOAD_BYTES) return payload;
  return { list_id: listId, entries: chosen.map(({ video_id: videoId }) => ({ video_id: videoId })) };
}
