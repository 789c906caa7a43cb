// What tabs and the popup may ask of the worker. Tabs call over their port
// ({type:"call", id, method, args} → {type:"reply", id, result}); the popup uses
// chrome.runtime.sendMessage({method, args}). Every result has the ack shape {ok, ...}.

import { failure } from "../lib/ack_messages.js";
import { buildInviteLink, isInviteSecret, isRoomCode, parseJoinInput } from "../lib/invite_links.js";
import { signInGoogle, signInGuest, signOut, setServerUrl } from "./auth.js";
import * as rest from "./rest.js";
import { emitForTab, joinTab, leaveTab, tabState } from "./rooms.js";
import { hasJoinedRoom, readAll } from "./storage.js";
import { hasPort, postToTab } from "./tab_ports.js";

/** Client → server events a tab may send through the worker (join/leave have their own calls). */
export const TAB_EMITS = new Set([
  "room.sync", "room.settings", "play", "pause", "seek", "skip", "restart", "rate", "start_now",
  "player.ready", "player.ad", "player.ended", "player.status", "player.duration", "player.buffering",
  "queue.add", "queue.remove", "queue.move", "queue.play", "queue.load", "queue.playlist", "queue.shuffle",
  "chat.send", "chat.history", "chat.typing", "member.role", "member.kick", "room.knock_answer",
  "room.bans", "room.unban", "queue.replay",
  "vote.skip", "vote.clear", "reaction.send",
]);

async function createRoomFor(tabId) {
  const { serverUrl, token } = await readAll();
  if (!token) return failure("unauthorized", "Sign in first.");
  const created = await rest.createRoom(serverUrl, token);
  if (!created.ok) return created;
  const code = created.code;
  if (tabId === null) {
    const inviteLink = buildInviteLink(code, null);
    await chrome.tabs.create({ url: inviteLink });
    return { ok: true, code, inviteLink };
  }
  const joined = await joinTab(tabId, code);
  if (!joined.ok) return joined;
  postToTab(tabId, { type: "state", state: await tabState(tabId) });
  postToTab(tabId, { type: "seed" }); // the creator's tab offers its current video to the room
  return { ok: true, code, room: joined.room, inviteLink: (await tabState(tabId)).room?.inviteLink };
}

async function joinFor(tabId, code, password, invite) {
  if (tabId === null) {
    const inviteLink = buildInviteLink(code, null);
    await chrome.tabs.create({ url: inviteLink });
    return { ok: true, code, inviteLink };
  }
  const joined = await joinTab(tabId, code, password, invite);
  if (joined.ok) postToTab(tabId, { type: "state", state: await tabState(tabId) });
  return joined.ok ? { ...joined, code } : joined;
}

/** The server, token and room of a tab, or a failure when it is not signed in or in no room. */
async function tabRoom(tabId) {
  const state = await readAll();
  if (!state.token) return { refused: failure("unauthorized", "Sign in first.") };
  const code = state.tabRooms[tabId];
  if (!code) return { refused: failure("not_found", "This tab is not in a room.") };
  return { serverUrl: state.serverUrl, token: state.token, code };
}

async function pairRemote(tabId) {
  const { refused, serverUrl, token, code } = await tabRoom(tabId);
  return refused || rest.createRemotePairing(serverUrl, token, code);
}

async function listRemotes(tabId) {
  const { refused, serverUrl, token, code } = await tabRoom(tabId);
  return refused || rest.listRemotes(serverUrl, token, code);
}

/** Revoke a paired remote, or cancel a QR code nobody used (the same DELETE on the server). */
async function revokeRemote(pairingId) {
  if (!Number.isSafeInteger(pairingId) || pairingId <= 0) return failure("invalid", "That is not a remote.");
  const { serverUrl, token } = await readAll();
  if (!token) return failure("unauthorized", "Sign in first.");
  return rest.deleteRemotePairing(serverUrl, token, pairingId);
}

/**
 * Cancels a QR code the dialog showed, unless a phone used it meanwhile (then it stays paired).
 * Done here, not in the tab, so it completes even when the tab's page is going away.
 */
async function cancelPairing({ pairingId, code }) {
  if (!Number.isSafeInteger(pairingId) || pairingId <= 0) return failure("invalid", "That is not a pairing.");
  const { serverUrl, token } = await readAll();
  if (!token) return failure("unauthorized", "Sign in first.");
  if (typeof code === "string" && code) {
    const listed = await rest.listRemotes(serverUrl, token, code);
    if (listed.ok && (listed.remotes || []).some((remote) => remote.id === pairingId)) return { ok: true, kept: true };
  }
  return rest.deleteRemotePairing(serverUrl, token, pairingId);
}

const TAB_METHODS = {
  getState: (tabId) => tabState(tabId).then((state) => ({ ok: true, state })),
  signInGuest: (_tabId, { name }) => signInGuest(name),
  createRoom: (tabId) => createRoomFor(tabId),
  join: (tabId, { code, password, invite }) => {
    const parsed = parseJoinInput(code);
    if (!parsed) return failure("invalid", "That is not a room code or invite link.");
    return joinFor(tabId, parsed.code, password, isInviteSecret(invite) ? invite : parsed.secret);
  },
  /** What the "join this room?" question shows, and whether this browser joined it before. */
  inviteFacts: async (_tabId, { code }) => {
    if (!isRoomCode(code)) return failure("invalid", "That is not a room code.");
    const { serverUrl, token } = await readAll();
    const facts = await rest.roomFacts(serverUrl, token, code);
    return facts.ok ? { ...facts, known: await hasJoinedRoom(facts.code || code) } : facts;
  },
  leave: (tabId) => leaveTab(tabId),
  emit: (tabId, { event, payload }) =>
    TAB_EMITS.has(event) ? emitForTab(tabId, event, payload || {}) : failure("invalid", `Unknown request ${event}.`),
  pairRemote: (tabId) => pairRemote(tabId),
  listRemotes: (tabId) => listRemotes(tabId),
  revokeRemote: (_tabId, { pairingId }) => revokeRemote(pairingId),
  cancelPairing: (_tabId, args) => cancelPairing(args),
  roomFacts: async (_tabId, { code }) => {
    const { serverUrl, token } = await readAll();
    return rest.roomFacts(serverUrl, token, code);
  },
};

export async function handleTabCall(tabId, method, args = {}) {
  const handler = TAB_METHODS[method];
  if (!handler) return failure("invalid", `Unknown call ${method}.`);
  try {
    return await handler(tabId, args);
  } catch (error) {
    console.error(`tab=${tabId} call=${method} failed`, error);
    return failure("internal", error.message);
  }
}

/** The YouTube tab the popup acts on: the active one, else the most recently used. */
export async function resolveTargetTab(hint) {
  if (Number.isInteger(hint)) return hint;
  const [active] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
  if (active?.url?.startsWith("https://www.youtube.com/") && hasPort(active.id)) return active.id;
  const tabs = (await chrome.tabs.query({ url: "https://www.youtube.com/*" })).filter((tab) => hasPort(tab.id));
  tabs.sort((a, b) => (b.lastAccessed || 0) - (a.lastAccessed || 0));
  return tabs[0]?.id ?? null;
}

const POPUP_METHODS = {
  popupState: async ({ tabId }) => {
    const target = await resolveTargetTab(tabId);
    return { ok: true, targetTabId: target, state: await tabState(target) };
  },
  signInGuest: ({ name }) => signInGuest(name),
  signInGoogle: () => signInGoogle(),
  signOut: () => signOut(),
  setServerUrl: ({ serverUrl }) => setServerUrl(serverUrl),
  createRoom: async ({ tabId }) => createRoomFor(await resolveTargetTab(tabId)),
  join: async ({ input, password, tabId }) => {
    const parsed = parseJoinInput(input);
    if (!parsed) return failure("invalid", "Paste a room code or an invite link.");
    return joinFor(await resolveTargetTab(tabId), parsed.code, password, parsed.secret);
  },
  leave: async ({ tabId }) => {
    const target = await resolveTargetTab(tabId);
    return target === null ? failure("not_found", "No YouTube tab is in a room.") : leaveTab(target);
  },
};

export async function handlePopupMessage(method, args = {}) {
  const handler = POPUP_METHODS[method];
  if (!handler) return failure("invalid", `Unknown request ${method}.`);
  try {
    return await handler(args);
  } catch (error) {
    console.error(`popup call=${method} failed`, error);
    return failure("internal", error.message);
  }
}
