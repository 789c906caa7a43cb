// The remote's binding to the client core's DOM builder (text only: every string goes through
// textContent or an attribute, never innerHTML, so chat messages and video titles can never
// become markup), and the remote's own icons and thumbnails.

import { createDom } from "../../../clients/core/dom.js";

export const { h, svg, fill } = createDom(document);

// 24×24 outline icons (paths drawn for this page).
const ICONS = {
  play: "M8 5v14l11-7z",
  pause: "M7 5h4v14H7zM13 5h4v14h-4z",
  back10: "M12 5V2L7 6l5 4V7a6 6 0 1 1-6 6H4a8 8 0 1 0 8-8z",
  fwd10: "M12 5V2l5 4-5 4V7a6 6 0 1 0 6 6h2a8 8 0 1 1-8-8z",
  skip: "M6 5v14l9-7zM16 5h2v14h-2z",
  restart: "M6 5h2v14H6zM18 5v14l-9-7z",
  drag: "M4 8h16v2H4zM4 14h16v2H4z",
  remove: "M6 6l12 12M18 6L6 18",
  playNow: "M8 5v14l11-7z",
  send: "M3 20l18-8L3 4v6l12 2-12 2z",
  now: "M4 5h16v11H4zM9 19h6",
  queue: "M4 6h12M4 11h12M4 16h8M17 14v6l4-3z",
  chat: "M4 4h16v12H8l-4 4z",
  people: "M9 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM3 20c0-3 3-5 6-5s6 2 6 5M16 11a2.5 2.5 0 1 0 0-5M17 15c2 .5 4 2 4 5",
};
const STROKED = new Set(["remove", "now", "queue", "chat", "people"]);

export function icon(name) {
  const stroked = STROKED.has(name);
  const path = svg("path", stroked
    ? { d: ICONS[name] || "", fill: "none", stroke: "currentColor", "stroke-width": "2", "stroke-linecap": "round", "stroke-linejoin": "round" }
    : { d: ICONS[name] || "", fill: "currentColor" });
  return svg("svg", { class: "icon", viewBox: "0 0 24 24", "aria-hidden": "true", focusable: "false" }, path);
}

/** A button with an icon, a visible caption (optional) and an aria-label. */
export function iconButton(name, label, { caption, className = "", testid, onClick } = {}) {
  return h("button", {
    class: `icon-btn ${className}`.trim(), type: "button", "aria-label": label, title: label, testid, onClick,
  }, icon(name), caption ? h("span", { class: "caption", text: caption, "aria-hidden": "true" }) : null);
}

export function thumbnailUrl(entry) {
  if (entry?.thumbnail_url && /^https:\/\//.test(entry.thumbnail_url)) return entry.thumbnail_url;
  return entry?.video_id ? `https://i.ytimg.com/vi/${encodeURIComponent(entry.video_id)}/mqdefault.jpg` : "";
}

export function entryTitle(entry) {
  return entry?.title || (entry?.video_id ? `YouTube video ${entry.video_id}` : "Nothing playing");
}

/** An <img> that hides itself (showing the placeholder behind it) when the image cannot load. */
export function thumbnail(entry, className) {
  const src = thumbnailUrl(entry);
  const img = h("img", { class: className, alt: "", src: src || false, loading: "lazy", decoding: "async" });
  img.addEventListener("error", () => img.classList.add("broken"));
  if (!src) img.classList.add("broken");
  return img;
}
