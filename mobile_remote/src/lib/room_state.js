// What the remote knows about its room, updated from acks and broadcasts. Pure (no DOM, no
// socket): each apply* returns what happened so the caller can re-render or ask room.sync.

import { mayChangeSettings, mayControl, mayShuffle, mayStartNow } from "../../../clients/core/permissions.js";
import { skipVoteTally } from "../../../clients/core/vote_skip.js";
import { totalOf } from "../../../clients/core/roster.js";

export const CHAT_KEEP = 200;

export class RoomState {
  constructor() {
    this.reset();
  }

  reset() {
    this.room = null; // {code, settings, owner_id, members, version}
    this.playback = null;
    this.queue = [];
    this.queueVersion = -1;
    this.canUndoShuffle = false; // the last queue.shuffle may still be undone
    this.members = [];
    this.membersTotal = 0;
    this.chat = [];
    this.role = null;
    this.userId = null;
    this.knocks = []; // private room, owner/operator: who asks to be let in
    this.bans = null; // owner/operator: the room's ban list once asked for (room.bans), then pushes
    this.vote = null; // vote.state of the current entry: {entry_id, votes, needed, watching, voters}
  }

  /** A full Room (join or room.sync ack). */
  setRoom(room, { userId, role, knocks } = {}) {
    this.knocks = Array.isArray(knocks) ? knocks : [];
    this.room = { code: room.code, settings: room.settings || {}, owner_id: room.owner_id, version: room.version };
    this.playback = room.playback || null;
    this.queue = Array.isArray(room.queue) ? room.queue : [];
    this.queueVersion = Number.isFinite(room.queue_version) ? room.queue_version : -1;
    this.canUndoShuffle = room.can_undo_shuffle === true;
    this.members = Array.isArray(room.members) ? room.members : [];
    this.membersTotal = totalOf(room); // a big room's read carries its first rows; presence.update everyone
    this.chat = Array.isArray(room.chat) ? room.chat.slice(-CHAT_KEEP) : [];
    this.vote = room.vote && typeof room.vote === "object" ? room.vote : null;
    if (userId !== undefined && userId !== null) this.userId = userId;
    if (role) this.role = role;
    this.refreshRole();
  }

  /** room.knock (one more), room.knocks (the whole list), or an answered one dropped. */
  applyKnock({ knock } = {}) {
    if (!knock || typeof knock.id !== "number" || this.knocks.some((k) => k.id === knock.id)) return false;
    this.knocks = [...this.knocks, knock];
    return true;
  }

  applyKnocks({ knocks } = {}) {
    if (!Array.isArray(knocks)) return false;
    this.knocks = knocks;
    return true;
  }

  /** room.bans (a push, or the answer to asking): the whole list. */
  applyBans({ bans } = {}) {
    if (!Array.isArray(bans)) return false;
    this.bans = bans;
    return true;
  }

  dropKnock(id) {
    this.knocks = this.knocks.filter((k) => k.id !== id);
  }

  /** room.playback: "applied", "stale" (older than what we hold) or "gap" (applied, but ask room.sync). */
  applyPlayback(pb) {
    if (!pb || typeof pb !== "object") return "stale";
    const held = this.playback?.version ?? -1;
    if (Number(pb.version) <= held) return "stale";
    this.playback = pb;
    return held >= 0 && pb.version > held + 1 ? "gap" : "applied";
  }

  applyQueue({ queue, version, can_undo_shuffle: canUndo } = {}) {
    if (!Array.isArray(queue)) return false;
    if (Number.isFinite(version) && version < this.queueVersion) return false;
    this.queue = queue;
    this.canUndoShuffle = canUndo === true;
    if (Number.isFinite(version)) this.queueVersion = version;
    return true;
  }

  applyMembers({ members, members_total: membersTotal, owner_id: ownerId } = {}) {
    if (!Array.isArray(members)) return false;
    this.members = members;
    this.membersTotal = totalOf({ members, members_total: membersTotal });
    // the owner changes by hand-over or when an owner has been away: presence.update says who
    if (this.room && typeof ownerId === "number") this.room.owner_id = ownerId;
    this.refreshRole();
    return true;
  }

  applySettings({ settings } = {}) {
    if (!this.room || !settings) return false;
    this.room.settings = { ...this.room.settings, ...settings };
    return true;
  }

  /** vote.state (or a vote's ack): the current entry's skip votes. */
  applyVote(vote) {
    if (!vote || typeof vote.votes !== "number") return false;
    this.vote = vote;
    return true;
  }

  /** The playing entry's skip votes: {votes, needed (null: not known yet), voted (by this user)}. */
  skipVotes() {
    return skipVoteTally(this.playback, this.vote, this.userId);
  }

  /** room.playback's `notes` (the change's system chat lines): added as chat.message lines are. */
  addNotes(pb) {
    const notes = Array.isArray(pb?.notes) ? pb.notes : [];
    return notes.map((m) => this.addMessage(m)).some(Boolean);
  }

  /** chat.message: appended once (a message seen twice, e.g. after a resync, is not doubled). */
  addMessage(message) {
    if (!message || this.chat.some((m) => m.id === message.id)) return false;
    this.chat.push(message);
    if (this.chat.length > CHAT_KEEP) this.chat.splice(0, this.chat.length - CHAT_KEEP);
    return true;
  }

  refreshRole() {
    const me = this.members.find((m) => m.user_id === this.userId);
    if (me?.role) this.role = me.role;
  }

  /** The entry now playing (or starting), if the queue has it. */
  currentEntry() {
    const id = this.playback?.entry_id;
    if (!id) return null;
    return this.queue.find((e) => e.id === id) || null;
  }

  upcoming() {
    return this.queue.filter((e) => e.status === "queued");
  }

  nameOf(userId) {
    return this.members.find((m) => m.user_id === userId)?.name || "someone";
  }

  /** Who the room waits for during `starting`/`midroll`, as names. */
  waitingNames() {
    const ids = this.playback?.waiting_for || [];
    return ids.map((id) => this.nameOf(id));
  }

  /** Whether this user may control playback, and why not (the server decides; this only dims buttons). */
  controlVerdict() {
    return mayControl(this.role, this.room?.settings?.control_mode);
  }

  /** Shuffle and its undo: owner and operators. */
  mayShuffle() {
    return mayShuffle(this.role).allowed;
  }

  mayChangeSettings(keys = []) {
    return mayChangeSettings(this.role, keys).allowed;
  }

  mayControl() {
    return this.controlVerdict().allowed;
  }

  mayStartNow() {
    return mayStartNow(this.role, this.room?.settings?.control_mode).allowed;
  }
}
