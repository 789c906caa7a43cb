// The client's model of the room it is in, folded from what the server sends (a Room snapshot
// from join/room.sync, then room.playback, presence.update, queue.update, chat.message, ...).
// Pure: `reduceRoom(view, event)` returns the next view, or the same object when the event
// changes nothing (a stale version). Playback versions grow by one per change: an older one
// is dropped, a jump flags `needsSync` so the caller asks room.sync.

import { isOperatorOrOwner, mayAddToQueue, mayControl, mayShuffle, memberRole } from "../../../clients/core/permissions.js";
import { skipVoteTally } from "../../../clients/core/vote_skip.js";
import { REACTIONS_KEPT, TYPING_SHOW_MS } from "../constants.js";
import { totalOf } from "../../../clients/core/roster.js";

export const MAX_CHAT_KEPT = 200;
export const MAX_CHAT_WITH_OLDER = 1000; // scrolling up (chat.history pages) keeps up to this many
export const CHAT_ON_JOIN = 50; // the server's chat tail in a Room: a full one means older lines may exist

/** The view after a full Room snapshot (join ack, room.sync ack). */
export function roomFromSnapshot(room) {
  const playback = room.playback || { state: "idle", version: 0 };
  return {
    code: room.code,
    settings: room.settings || {},
    ownerId: room.owner_id ?? null,
    playback,
    queue: room.queue || [],
    // queue.update carries its own counter (queue_version); presence.update the room's version.
    queueVersion: room.queue_version ?? -1,
    canUndoShuffle: room.can_undo_shuffle === true, // the last queue.shuffle may still be undone
    members: room.members || [],
    membersTotal: totalOf(room), // a big room's read carries its first rows; presence.update everyone
    membersVersion: room.version ?? 0,
    chat: (room.chat || []).slice(-MAX_CHAT_KEPT),
    chatMore: (room.chat || []).length >= CHAT_ON_JOIN, // older messages to load (chat.history says for sure)
    bans: null, // owner/operators: the ban list, once asked for (room.bans), then kept by pushes
    played: null, // the played list, once asked for (queue.load {history: 1})
    typing: {},
    needsSync: false,
    ended: null,
    // owner and operators of a private room: who asks to be let in, and the invite link's secret
    knocks: Array.isArray(room.knocks) ? room.knocks : [],
    inviteSecret: typeof room.invite_secret === "string" ? room.invite_secret : null,
    // vote-skip on the current entry (vote.state) and the entry's reactions pinned to moments
    vote: room.vote && typeof room.vote === "object" ? room.vote : null,
    reactions: Array.isArray(room.reactions) ? room.reactions.slice(-REACTIONS_KEPT) : [],
  };
}

function addReaction(view, reaction) {
  if (!reaction || typeof reaction.id !== "number" || typeof reaction.position_ms !== "number") return view;
  if (view.reactions.some((r) => r.id === reaction.id)) return view;
  // only the playing entry's reactions are kept: a new entry starts without any
  const kept = view.reactions.filter((r) => r.entry_id === reaction.entry_id);
  return { ...view, reactions: [...kept, reaction].slice(-REACTIONS_KEPT) };
}

/** The Room of a join/room.sync ack, with what only owners and operators get beside it. */
export function snapshotOf(ack) {
  if (!ack?.room) return null;
  return { ...ack.room, knocks: ack.knocks || [], invite_secret: ack.invite_secret || null };
}

function addKnock(view, knock) {
  if (!knock || typeof knock.id !== "number" || view.knocks.some((k) => k.id === knock.id)) return view;
  return { ...view, knocks: [...view.knocks, knock] };
}

function applyPlayback(view, playback) {
  if (!playback || typeof playback.version !== "number") return view;
  const held = view.playback?.version ?? -1;
  if (playback.version <= held) return view; // stale or a duplicate: drop it
  const gap = held >= 0 && playback.version > held + 1;
  return { ...view, playback, needsSync: view.needsSync || gap };
}

function applyVersioned(view, field, versionField, value, version) {
  if (!Array.isArray(value)) return view;
  if (typeof version === "number" && version < view[versionField]) return view;
  const next = { ...view, [field]: value };
  if (typeof version === "number") next[versionField] = version;
  return next;
}

function appendChat(view, message) {
  if (!message || view.chat.some((line) => line.id === message.id && message.id !== undefined)) {
    return view;
  }
  const typing = { ...view.typing };
  delete typing[message.user_id];
  const keep = Math.min(MAX_CHAT_WITH_OLDER, Math.max(MAX_CHAT_KEPT, view.chat.length));
  return { ...view, chat: [...view.chat, message].slice(-keep), typing };
}

/**
 * @param view  the current view, or null when not in a room
 * @param event {type, payload, nowMs}; type is a server event name, or "room" for a snapshot
 */
export function reduceRoom(view, { type, payload, nowMs = 0 }) {
  if (type === "room") return payload ? roomFromSnapshot(payload) : null;
  if (!view) return view;
  switch (type) {
    case "room.playback":
      // the change's own system chat lines ride along (`notes`): shown as chat.message lines are
      return (Array.isArray(payload?.notes) ? payload.notes : []).reduce(appendChat, applyPlayback(view, payload));
    case "presence.update": {
      const applied = applyVersioned(view, "members", "membersVersion", payload?.members, payload?.version);
      const next = applied === view ? view : { ...applied, membersTotal: totalOf(payload) };
      // the owner changes by hand-over (member.role) or when an owner has been away: the roster says who
      const ownerId = payload?.owner_id;
      if (next === view || typeof ownerId !== "number" || ownerId === view.ownerId) return next;
      return { ...next, ownerId };
    }
    case "queue.update": {
      const next = applyVersioned(view, "queue", "queueVersion", payload?.queue, payload?.version);
      return next === view ? view : { ...next, canUndoShuffle: payload?.can_undo_shuffle === true };
    }
    case "chat.message":
      return appendChat(view, payload);
    case "chat.history":
      return { ...view, chat: mergeChat(payload?.messages || [], view.chat), chatMore: Boolean(payload?.more) };
    case "room.bans":
      return Array.isArray(payload?.bans) ? { ...view, bans: payload.bans } : view;
    case "queue.history":
      return Array.isArray(payload?.history) ? { ...view, played: payload.history } : view;
    case "chat.typing":
      if (payload?.user_id === undefined) return view;
      return { ...view, typing: { ...view.typing, [payload.user_id]: nowMs + TYPING_SHOW_MS } };
    case "room.settings":
      return payload?.settings ? { ...view, settings: { ...view.settings, ...payload.settings } } : view;
    case "room.knock":
      return addKnock(view, payload?.knock);
    case "room.knocks":
      return Array.isArray(payload?.knocks) ? { ...view, knocks: payload.knocks } : view;
    case "knock.answered":
      return { ...view, knocks: view.knocks.filter((k) => k.id !== payload?.id) };
    case "vote.state":
      return payload && typeof payload.votes === "number" ? { ...view, vote: payload } : view;
    case "reaction":
      return addReaction(view, payload);
    case "room.kicked":
    case "room.closed":
      return { ...view, ended: { kind: type, reason: payload?.reason || "" } };
    default:
      return view;
  }
}

function mergeChat(older, current) {
  const ids = new Set(current.map((line) => line.id));
  return [...older.filter((line) => !ids.has(line.id)), ...current].slice(-MAX_CHAT_WITH_OLDER);
}

/** The sync request was answered: the flag goes, the snapshot replaces everything. */
export function markSynced(view) {
  return view ? { ...view, needsSync: false } : view;
}

// --- questions the overlay and the sync loop ask ----------------------------------------

export function memberById(view, userId) {
  return view?.members.find((member) => member.user_id === userId) || null;
}

export function currentEntry(view) {
  const entryId = view?.playback?.entry_id;
  if (entryId === null || entryId === undefined) return null;
  return view.queue.find((entry) => entry.id === entryId) || null;
}

/** The played list, most recent first. */
export function playedEntries(view) {
  return [...(view?.played || [])].reverse();
}

/** Entries still to play, in queue order. */
export function upcomingEntries(view) {
  if (!view) return [];
  return view.queue
    .filter((entry) => entry.status === "queued")
    .sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
}

export function roleOf(view, userId) {
  if (view && userId !== null && userId === view.ownerId) return "owner";
  return memberRole(memberById(view, userId), view?.ownerId) || "participant";
}

export function isOperator(view, userId) {
  return isOperatorOrOwner(roleOf(view, userId));
}

/** Whether `userId` may play/pause/seek under the room's control mode (clients/core/permissions). */
export function canControl(view, userId) {
  return mayControl(roleOf(view, userId), view?.settings?.control_mode).allowed;
}

/** Shuffle (and its undo): owner and operators, in every control mode. */
export function canShuffle(view, userId) {
  return mayShuffle(roleOf(view, userId)).allowed;
}

export function canEditQueue(view, userId) {
  return mayAddToQueue(roleOf(view, userId), Boolean(view?.settings?.queue_locked)).allowed;
}

/** Names of the members who are typing at `nowMs` (not `selfId`). */
export function typingNames(view, nowMs, selfId) {
  if (!view) return [];
  return Object.entries(view.typing)
    .filter(([userId, until]) => until > nowMs && String(userId) !== String(selfId))
    .map(([userId]) => memberById(view, Number(userId))?.name || memberById(view, userId)?.name)
    .filter(Boolean);
}

/** The current entry's skip votes: {votes, needed, voted (by `selfId`)}, or null when none apply. */
export function skipVotes(view, selfId) {
  return skipVoteTally(view?.playback, view?.vote, selfId);
}

/** The playing entry's reactions (a late event of the previous entry is not one of them). */
export function entryReactions(view) {
  const entryId = view?.playback?.entry_id;
  if (entryId === null || entryId === undefined) return [];
  return view.reactions.filter((reaction) => reaction.entry_id === entryId);
}

/** The members a starting/midroll room waits for, as names. */
export function waitingNames(view) {
  const ids = view?.playback?.waiting_for || [];
  return ids.map((userId) => memberById(view, userId)?.name || `user ${userId}`);
}
