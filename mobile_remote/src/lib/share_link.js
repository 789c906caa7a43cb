// The share target: pull a YouTube link out of what another app shared (url, text, title).
// Apps put the link in different fields (YouTube's Android app puts it in `text`), so look in
// all of them. The server parses and validates the link; this only finds a candidate. Pure.

const LINK = /https?:\/\/(?:(?:www\.|m\.|music\.)?youtube\.com|youtu\.be|youtube-nocookie\.com)\/[^\s<>"']+/i;

export function findYouTubeLink({ url, text, title } = {}) {
  for (const value of [url, text, title]) {
    if (typeof value !== "string" || !value) continue;
    const match = value.match(LINK);
    if (match) return match[0].replace(/[).,;!?]+$/, "");
  }
  return null;
}

/** The shared fields of a share-target URL (`/mobile-remote/share?title=…&text=…&url=…`). */
export function sharedFields(locationLike) {
  const path = locationLike.pathname || "";
  if (!/\/share\/?$/.test(path)) return null;
  const params = new URLSearchParams(locationLike.search || "");
  return { url: params.get("url") || "", text: params.get("text") || "", title: params.get("title") || "" };
}
