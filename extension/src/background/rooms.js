// The rooms the browser is in: one RoomLink (socket) per room code that some tab is in
// (storage: tabRooms), the fan-out of room events to those tabs, and joining/leaving per tab.

import { ACK_TIMEOUT_MS } from "../../../clients/core/constants.js";
import { failure } from "../lib/ack_messages.js";
import { buildInviteLink } from "../lib/invite_links.js";
import { snapshotOf } from "../lib/room_view.js";
import { clearBadge, showMemberCount } from "./badge.js";
import { RoomLink } from "./room_link.js";
import { readAll, rememberJoinedRoom, session, tabsInRoom, updateTabRooms } from "./storage.js";
import { connectedTabIds, postToTab, postToTabs } from "./tab_ports.js";
import { memberCount, totalOf } from "../../../clients/core/roster.js";

const links = new Map(); // code → RoomLink (live sockets; rebuilt from storage after a restart)
const joinWaiters = new Map(); // code → [resolve]
let onUnauthorized = () => {};

export function setUnauthorizedHandler(handler) {
  onUnauthorized = handler;
}

async function tabsOf(code) {
  const { tabRooms } = await session.get();
  return tabsInRoom(tabRooms, code);
}

async function toRoomTabs(code, message) {
  postToTabs(await tabsOf(code), message);
}

function settleJoin(code, result) {
  for (const resolve of joinWaiters.get(code) || []) resolve(result);
  joinWaiters.delete(code);
}

function summarize(link, room) {
  link.summary = {
    name: room.settings?.name || "",
    videoId: room.playback?.video_id || null,
    members: room.members || [],
    membersTotal: totalOf(room),
    inviteSecret: room.invite_secret || null,
  };
}

function openLink(code, { serverUrl, token, password, invite }) {
  const link = new RoomLink({
    serverUrl,
    token,
    code,
    password,
    invite,
    onJoined: async (room) => {
      summarize(link, room);
      await rememberJoinedRoom(code);
      const tabs = await tabsOf(code);
      postToTabs(tabs, { type: "room", room });
      showMemberCount(tabs, room.members, totalOf(room));
      settleJoin(code, { ok: true, room });
    },
    onJoinRefused: async (ack) => {
      const tabs = await tabsOf(code);
      await updateTabRooms((tabRooms) => {
        for (const tabId of tabs) delete tabRooms[tabId];
      });
      closeLink(code);
      postToTabs(tabs, { type: "left", code, reason: ack.message || ack.error });
      tabs.forEach(clearBadge);
      settleJoin(code, ack);
    },
    onRoomEvent: async (event, payload) => {
      const tabs = await tabsOf(code);
      postToTabs(tabs, { type: "event", event, payload });
      if (event === "presence.update" && link.summary) {
        if (Array.isArray(payload?.members)) {
          link.summary.members = payload.members;
          link.summary.membersTotal = totalOf(payload);
        }
        showMemberCount(tabs, link.summary.members, link.summary.membersTotal);
      }
      if (event === "room.playback" && link.summary) link.summary.videoId = payload?.video_id || null;
      if (event === "room.kicked" || event === "room.closed") await dropRoom(code);
    },
    onClock: (estimate) => toRoomTabs(code, { type: "clock", ...estimate }),
    onStatus: (status) => {
      if (status === "knocking") {
        settleJoin(code, { ok: false, error: "forbidden", knocking: true,
          message: "This room is private: waiting for its owner or an operator to let you in…" });
      }
      toRoomTabs(code, { type: "connection", status });
    },
    onHello: (hello) => {
      if (hello?.user) session.set({ user: hello.user });
    },
    onUnauthorized: () => onUnauthorized(),
  });
  links.set(code, link);
  return link;
}

function closeLink(code) {
  links.get(code)?.close();
  links.delete(code);
}

let reconciling = Promise.resolve();

/** Makes the open sockets match tabRooms: one per room some tab is in, none otherwise. */
export function reconcileLinks() {
  reconciling = reconciling.then(reconcileNow).catch((error) => console.error("reconcile failed", error));
  return reconciling;
}

async function reconcileNow() {
  const state = await readAll();
  const wanted = new Set(Object.values(state.tabRooms));
  for (const code of [...links.keys()]) {
    if (!wanted.has(code) || !state.token) closeLink(code);
  }
  if (!state.token) return;
  for (const code of wanted) {
    if (!links.has(code)) {
      openLink(code, {
        serverUrl: state.serverUrl, token: state.token, password: state.roomPasswords[code], invite: state.roomInvites[code],
      });
    }
  }
}

async function dropRoom(code) {
  const tabs = await tabsOf(code);
  await updateTabRooms((tabRooms) => {
    for (const tabId of tabs) delete tabRooms[tabId];
  });
  tabs.forEach(clearBadge);
  closeLink(code);
}

function waitForJoin(code) {
  return new Promise((resolve) => {
    const list = joinWaiters.get(code) || [];
    list.push(resolve);
    joinWaiters.set(code, list);
    setTimeout(() => resolve(failure("unavailable", "Joining the room took too long.")), ACK_TIMEOUT_MS);
  });
}

/** Puts `tabId` into room `code` (joining on the server if no other tab is in it yet). */
export async function joinTab(tabId, code, password, invite) {
  const state = await readAll();
  if (!state.token) return failure("unauthorized", "Sign in first.");
  if (password) await session.set({ roomPasswords: { ...state.roomPasswords, [code]: password } });
  if (invite) await session.set({ roomInvites: { ...state.roomInvites, [code]: invite } });
  const previous = await updateTabRooms((tabRooms) => {
    const before = tabRooms[tabId];
    tabRooms[tabId] = code;
    return before;
  });
  if (previous && previous !== code && (await tabsOf(previous)).length === 0) {
    await links.get(previous)?.leave();
    links.delete(previous);
  }
  const link = links.get(code);
  if (link?.joined) {
    const ack = await link.emit("room.sync", {});
    if (ack.ok && ack.room) {
      postToTab(tabId, { type: "room", room: snapshotOf(ack) });
      showMemberCount([tabId], ack.room.members, totalOf(ack.room));
    }
    return ack;
  }
  const joined = waitForJoin(code);
  await reconcileLinks();
  return joined;
}

/** Takes `tabId` out of its room; the socket leaves when it was the room's last tab. */
export async function leaveTab(tabId) {
  const code = await updateTabRooms((tabRooms) => {
    const before = tabRooms[tabId];
    delete tabRooms[tabId];
    return before;
  });
  clearBadge(tabId);
  postToTab(tabId, { type: "left", code, reason: "" });
  if (code && (await tabsOf(code)).length === 0) {
    await links.get(code)?.leave();
    links.delete(code);
  }
  return { ok: true };
}

/** Sends a tab's command to its room; the ack comes back to the tab. */
export async function emitForTab(tabId, event, payload) {
  const { tabRooms } = await session.get();
  const code = tabRooms[tabId];
  if (!code) return failure("not_found", "This tab is not in a room.");
  const link = links.get(code);
  if (!link) {
    await reconcileLinks();
    return failure("unavailable", "Reconnecting to the room…");
  }
  return link.emit(event, payload);
}

/** What a tab (or the popup, about a tab) needs to know about the extension's state. */
export async function tabState(tabId) {
  const state = await readAll();
  const code = tabId === null || tabId === undefined ? null : state.tabRooms[tabId] || null;
  const link = code ? links.get(code) : null;
  return {
    signedIn: Boolean(state.token),
    user: state.user,
    serverUrl: state.serverUrl,
    guestName: state.guestName,
    room: code
      ? {
          code,
          connection: link?.socket.connected ? "connected" : "reconnecting",
          inviteLink: buildInviteLink(code, link?.summary?.videoId, link?.summary?.inviteSecret),
          name: link?.summary?.name || "",
          memberCount: memberCount(link?.summary?.members, link?.summary?.membersTotal),
        }
      : null,
    clock: link?.clock || null,
  };
}

/** Sends the fresh state to every connected tab (after sign-in/out, server change). */
export async function broadcastState() {
  for (const tabId of connectedTabIds()) postToTab(tabId, { type: "state", state: await tabState(tabId) });
}

/** A tab's content script (re)connected: tell it everything it needs to resume. */
export async function greetTab(tabId) {
  postToTab(tabId, { type: "state", state: await tabState(tabId) });
  const { tabRooms } = await session.get();
  const code = tabRooms[tabId];
  if (!code) return;
  const link = links.get(code);
  if (!link) return reconcileLinks(); // the room's snapshot follows the join
  if (link.clock) postToTab(tabId, { type: "clock", ...link.clock });
  if (link.joined) {
    const ack = await link.emit("room.sync", {});
    if (ack.ok && ack.room) postToTab(tabId, { type: "room", room: snapshotOf(ack) });
  }
}

/** Closes every socket (sign-out, server change). */
export async function closeAllLinks({ leave = false } = {}) {
  for (const [code, link] of links) {
    if (leave) await link.leave();
    else link.close();
    links.delete(code);
  }
}

/** A tab closed: it leaves its room. */
export async function forgetTab(tabId) {
  const { tabRooms } = await session.get();
  if (tabRooms[tabId]) await leaveTab(tabId);
}
