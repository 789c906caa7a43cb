// YouTube playlist links as people paste them (`list=` on one of YouTube's hosts): one parser
// for the extension and the remote. Pure. The server checks again (domain/youtube_urls.py).

const PLAYLIST_ID = /^[A-Za-z0-9_-]{2,64}$/;
export const YOUTUBE_HOSTS = Object.freeze(["youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com", "youtu.be"]);

export function isPlaylistId(text) {
  return typeof text === "string" && PLAYLIST_ID.test(text);
}

/** A pasted link with list= on one of YouTube's hosts → its playlist id; anything else → null. */
export function parsePlaylistLink(text) {
  const trimmed = typeof text === "string" ? text.trim() : "";
  if (!trimmed || /[^\x21-\x7e]/.test(trimmed)) return null;
  const candidate = /^[a-z][a-z0-9+.-]*:/i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url;
  try {
    url = new URL(candidate);
  } catch {
    return null;
  }
  if (!["http:", "https:"].includes(url.protocol) || url.username || url.password || url.port) return null;
  if (!YOUTUBE_HOSTS.includes(url.hostname.toLowerCase())) return null;
  const id = url.searchParams.get("list");
  return isPlaylistId(id) ? id : null;
}
