// ShareTube public pages: live numbers from /api/stats (every 10 s), the public rooms from
// /api/rooms/public (every 15 s) and the extension check. The pages are complete without this
// file; it only refreshes and toggles what is shown.

const REFRESH_MS = 10_000;
const root = document.documentElement;
let refreshTimer = null;

/** Mark <html data-extension="present|absent"> from the attribute the extension sets. */
function showExtensionState() {
  const version = root.dataset.sharetubeExtension || "";
  root.dataset.extension = version ? "present" : "absent";
  for (const el of document.querySelectorAll("[data-extension-version]")) {
    el.textContent = version ? `version ${version}` : "";
  }
  pointJoinLinks();
}

/** A public room's "Join": with the extension, straight to YouTube with the room (it asks
 * "Join <room>?" there); without it, the room's join page, which explains how to get it. */
function pointJoinLinks() {
  const present = root.dataset.extension === "present";
  for (const link of document.querySelectorAll("a[data-open-url]")) {
    if (!link.dataset.joinPath) link.dataset.joinPath = link.getAttribute("href");
    const target = present ? link.dataset.openUrl : link.dataset.joinPath;
    if (link.getAttribute("href") !== target) link.setAttribute("href", target);
  }
}

const roomsSection = document.querySelector("[data-public-rooms]");
const ROOMS_REFRESH_MS = Number(roomsSection?.dataset.refreshMs) || 15_000;
let roomsTimer = null;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined) node.setAttribute(name, value);
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

/** One list item, the same markup the server renders (text always as text). */
function roomItem(room, words) {
  const thumb = room.thumbnail_url
    ? el("img", { class: "room-thumb", src: room.thumbnail_url, alt: "", width: "160", height: "90", loading: "lazy",
      decoding: "async", referrerpolicy: "no-referrer" })
    : el("span", { class: "room-thumb empty", "aria-hidden": "true" });
  const playing = el("p", { class: "room-playing", "data-testid": "public-room-playing" }, words[room.state] || words.idle);
  if (room.title) playing.append(": ", el("cite", {}, room.title));
  return el("li", { class: "room-item", "data-testid": "public-room", "data-code": room.code },
    thumb,
    el("div", { class: "room-text" },
      el("h3", { class: "room-title", "data-testid": "public-room-name" }, room.name),
      playing,
      el("p", { class: "room-watching muted", "data-testid": "public-room-watching" }, `${room.watching} watching`)),
    el("a", { class: "button primary", href: room.join_path, rel: "noreferrer", "data-open-url": room.open_url,
      "data-testid": "public-room-join", "aria-label": `Join ${room.name}` }, "Join"));
}

/** Fetch /api/rooms/public once and redraw the list. */
async function refreshRooms() {
  if (!roomsSection) return null;
  const list = roomsSection.querySelector("[data-testid=public-rooms]");
  const empty = roomsSection.querySelector("[data-testid=public-rooms-empty]");
  const note = roomsSection.querySelector("[data-rooms-note]");
  try {
    const response = await fetch("/api/rooms/public", { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const body = await response.json();
    const words = JSON.parse(roomsSection.dataset.stateWords || "{}");
    list.replaceChildren(...body.rooms.map((room) => roomItem(room, words)));
    empty.hidden = body.rooms.length > 0;
    pointJoinLinks();
    if (note) note.textContent = "Rooms their owners made public, with people in them now. Join one: YouTube opens with the room.";
    return body.rooms;
  } catch {
    if (note) note.textContent = "Couldn't update the list of rooms; trying again shortly.";
    return null;
  }
}

function scheduleRooms() {
  clearTimeout(roomsTimer);
  roomsTimer = setTimeout(async () => {
    if (!document.hidden) await refreshRooms();
    scheduleRooms();
  }, ROOMS_REFRESH_MS);
}

/** Fetch /api/stats once and write the numbers into every [data-stat] element. */
async function refreshStats() {
  const cells = document.querySelectorAll("[data-stat]");
  if (!cells.length) return null;
  const note = document.querySelector("[data-stats-note]");
  try {
    const response = await fetch("/api/stats", { cache: "no-store", headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const stats = await response.json();
    for (const cell of cells) {
      const value = stats[cell.dataset.stat];
      const text = Number.isInteger(value) ? String(value) : "–";
      if (cell.textContent !== text) cell.textContent = text;
    }
    if (note) note.textContent = "Live on this server; updates every 10 seconds.";
    return stats;
  } catch {
    if (note) note.textContent = "Couldn't update the numbers; trying again shortly.";
    return null;
  }
}

function scheduleRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(async () => {
    if (!document.hidden) await refreshStats();
    scheduleRefresh();
  }, REFRESH_MS);
}

showExtensionState();
// The extension's page script may mark the page after this runs: follow the attribute.
new MutationObserver(showExtensionState).observe(root, {
  attributes: true,
  attributeFilter: ["data-sharetube-extension"],
});

if (roomsSection) {
  scheduleRooms();
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) {
      refreshRooms();
      scheduleRooms();
    }
  });
}

if (document.querySelector("[data-stat]")) {
  scheduleRefresh();
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) {
      refreshStats();
      scheduleRefresh();
    }
  });
}

// For tests and the console: refresh now instead of waiting for the timer.
window.sharetubeHome = { refreshStats, refreshRooms };
