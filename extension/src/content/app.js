// The content script on youtube.com, put together: the YouTube adapter (page), the sync loop
// (pure engine + reports), the overlay (shadow DOM) and the transport (port to the worker).
// It holds the tab's view of its room (lib/room_view.js) and re-renders on every change.

import { SYNC_REQUEST_MIN_GAP_MS } from "../constants.js";
import { buildInviteLink, inviteFromHash, stripInviteFromHash } from "../lib/invite_links.js";
import { devicesKey } from "../lib/remote_pairing.js";
import { canEditQueue, canShuffle, isOperator, markSynced, reduceRoom, roleOf, snapshotOf } from "../lib/room_view.js";
import { Overlay } from "./overlay/overlay.js";
import { ReactionLayer } from "./overlay/reaction_layer.js";
import { roomActions } from "./room_actions.js";
import { RoomNavigation } from "./room_navigation.js";
import { SyncLoop } from "./sync_loop.js";
import { Transport } from "./transport.js";
import { YouTubeAdapter } from "./youtube_adapter.js";

const NOTICE_MS = 6_000;
const RENDER_EVERY_MS = 1_000; // countdowns and "is typing" expire on their own

export class ContentApp {
  constructor() {
    this.state = { signedIn: false, user: null, guestName: "", room: null };
    this.view = null;
    this.ui = {
      blocked: false, notice: null, choice: null, pendingInvite: null, inviteAsk: null, playlistBusy: false,
      // the phone remote (content/remote_pairing.js): the QR dialog and the paired remotes
      pairing: null, remotes: [], remotesError: null, revokeAsk: null, revoking: null,
    };
    this.lastSyncRequest = 0;
    this.transport = new Transport({ onMessage: (message) => this.onMessage(message), onDead: () => this.stop() });
    this.adapter = new YouTubeAdapter({
      onVideo: () => this.sync?.tick(),
      onMediaEvent: (type, video) => this.sync.onMediaEvent(type, video),
      onNavigate: (videoId) => this.onNavigate(videoId),
      isOwnUi: (event) => this.overlay.contains(event),
    });
    this.sync = new SyncLoop({
      adapter: this.adapter,
      transport: this.transport,
      getView: () => this.view,
      getSelfId: () => this.state.user?.id ?? null,
      onPlayback: (playback) => this.applyEvent("room.playback", playback),
      onBlocked: (blocked) => this.update({ blocked }),
      onNotice: (text) => this.showNotice(text),
    });
    this.navigation = new RoomNavigation({
      adapter: this.adapter,
      getView: () => this.view,
      setChoice: (choice) => this.update({ choice }),
    });
    this.actions = roomActions(this);
    this.overlay = new Overlay(this.actions);
    this.reactionLayer = new ReactionLayer({
      video: () => this.adapter.video, videoId: () => this.adapter.videoId, adShowing: () => this.sync.adShowsNow(),
    });
  }

  start() {
    this.overlay.mount();
    this.reactionLayer.start();
    this.readInvite();
    this.adapter.start();
    this.transport.connect();
    this.sync.start();
    this.renderTimer = setInterval(() => this.render(), RENDER_EVERY_MS);
    this.onHashChange = () => this.readInvite();
    window.addEventListener("hashchange", this.onHashChange);
    this.onPageHide = () => this.actions.dropPairing(); // an open QR code dies with the page
    window.addEventListener("pagehide", this.onPageHide);
    this.render();
  }

  /** The extension went away (reloaded or removed): leave the page as YouTube made it. */
  stop() {
    clearInterval(this.renderTimer);
    window.removeEventListener("hashchange", this.onHashChange);
    window.removeEventListener("pagehide", this.onPageHide);
    this.sync.stop();
    this.adapter.stop();
    this.overlay.unmount();
    this.reactionLayer.stop();
  }

  readInvite() {
    const invite = inviteFromHash(location.hash);
    if (!invite) return;
    history.replaceState(history.state, "", `${location.pathname}${location.search}${stripInviteFromHash(location.hash)}`);
    this.ui.pendingInvite = invite;
    this.joinPendingInvite();
  }

  /** An invite link was opened: join a room this browser joined before; ask about any other. */
  async joinPendingInvite() {
    const invite = this.ui.pendingInvite;
    if (!invite || !this.transport.port) return;
    if (!this.state.signedIn) {
      this.overlay.setOpen(true); // ask for a name first
      this.render();
      return;
    }
    this.ui.pendingInvite = null;
    if (this.state.room?.code === invite.code) return this.render();
    const facts = await this.transport.call("inviteFacts", { code: invite.code });
    if (facts.ok && facts.known) {
      await this.actions.join(invite.code, invite.secret);
    } else if (facts.ok) {
      this.update({ inviteAsk: { ...facts, code: facts.code || invite.code, secret: invite.secret } });
    } else {
      this.showNotice(facts.message || "That room cannot be found.");
    }
    this.render();
  }

  async acceptInvite() {
    const ask = this.ui.inviteAsk;
    if (!ask) return;
    this.update({ inviteAsk: null });
    await this.actions.join(ask.code, ask.secret);
  }

  onMessage(message) {
    switch (message.type) {
      case "state":
        this.state = message.state;
        if (!this.state.room && this.view) this.view = null;
        if (message.state.clock) this.sync.setClock(message.state.clock);
        this.joinPendingInvite();
        break;
      case "room":
        this.view = reduceRoom(null, { type: "room", payload: message.room });
        this.sync.snapshotArrived();
        this.navigation.roomChanged();
        this.actions.refreshRemotes();
        break;
      case "event":
        this.applyEvent(message.event, message.payload);
        break;
      case "clock":
        this.sync.setClock(message);
        break;
      case "connection":
        if (this.state.room) this.state.room.connection = message.status;
        break;
      case "left":
        this.leftRoom(message.reason);
        break;
      case "seed":
        this.actions.seed();
        break;
      default:
        return;
    }
    this.render();
  }

  applyEvent(event, payload) {
    if (!this.view) return;
    const before = this.view;
    this.view = reduceRoom(this.view, { type: event, payload, nowMs: Date.now() });
    if (this.view === before) return;
    if (this.view.ended) {
      const why = event === "room.closed" ? "The room was closed" : "You were removed from the room";
      this.leftRoom(`${why}${this.view.ended.reason ? `: ${this.view.ended.reason}` : "."}`);
      return;
    }
    if (this.view.needsSync) this.requestSync();
    if (event === "presence.update" && this.devicesChanged(before, this.view)) this.actions.refreshRemotes();
    // made owner or operator (by hand, or an away owner's hand-over): the invite secret and knocks come with room.sync
    const selfId = this.state.user?.id ?? null;
    if (event === "presence.update" && roleOf(before, selfId) !== roleOf(this.view, selfId)) this.requestSync();
    if (event === "room.playback" && this.view.playback !== before.playback) {
      // (a stale playback can still bring its notes, chat lines: then only the chat changed)
      this.navigation.roomChanged();
      this.sync.tick();
    }
    this.render();
  }

  /** The user's own devices changed (a phone remote connected or dropped): its list is stale. */
  devicesChanged(before, after) {
    const selfId = this.state.user?.id ?? null;
    return selfId !== null && devicesKey(before.members, selfId) !== devicesKey(after.members, selfId);
  }

  async requestSync() {
    const now = performance.now();
    if (now - this.lastSyncRequest < SYNC_REQUEST_MIN_GAP_MS) return;
    this.lastSyncRequest = now;
    const ack = await this.transport.emit("room.sync", {});
    if (ack.ok && ack.room) {
      this.view = markSynced(reduceRoom(null, { type: "room", payload: snapshotOf(ack) }));
      this.sync.snapshotArrived();
      this.render();
    }
  }

  leftRoom(reason) {
    this.view = null;
    if (this.state.room) this.state.room = null;
    this.ui.choice = null;
    this.actions.dropPairing();
    Object.assign(this.ui, { remotes: [], remotesError: null, revokeAsk: null, revoking: null });
    if (reason) this.showNotice(reason);
    this.render();
  }

  onNavigate(videoId) {
    if (this.view) this.navigation.pageChanged(videoId);
    this.render();
  }

  showNotice(text) {
    if (!text) return;
    this.ui.notice = text;
    clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => this.update({ notice: null }), NOTICE_MS);
    this.render();
  }

  update(uiChanges) {
    Object.assign(this.ui, uiChanges);
    this.render();
  }

  inviteLink() {
    return buildInviteLink(this.view?.code, this.view?.playback?.video_id, this.view?.inviteSecret);
  }

  render() {
    const selfId = this.state.user?.id ?? null;
    const view = this.view;
    this.reactionLayer.update({ view });
    this.overlay.update({
      ...this.ui,
      signedIn: this.state.signedIn,
      user: this.state.user,
      guestName: this.state.guestName,
      view,
      selfId,
      page: { videoId: this.adapter.videoId, listId: this.adapter.playlistId() },
      connection: this.state.room?.connection || "connected",
      inviteLink: view ? buildInviteLink(view.code, view.playback?.video_id, view.inviteSecret) : "",
      isOperator: isOperator(view, selfId),
      canEditQueue: canEditQueue(view, selfId),
      canShuffle: canShuffle(view, selfId),
      serverNowMs: this.sync.serverNow(),
    });
  }
}
