// What the overlay's buttons do: each one a call to the worker (which owns the socket) and a
// notice when the room says no. `app` is the ContentApp (state, view, transport, overlay).

import { expectedPositionMs } from "../../../clients/core/room_position.js";
import { refusalMessage } from "../lib/ack_messages.js";
import { parsePlaylistLink } from "../lib/playlist_page.js";
import { parseVideoInput } from "../lib/youtube_ids.js";
import { playlistActions } from "./playlist_actions.js";
import { remoteActions } from "./remote_pairing.js";

export function roomActions(app) {
  const { transport } = app;
  const playlists = playlistActions(app);

  /** Sends a room request; shows why when refused; resolves true when accepted. */
  async function request(event, payload) {
    const ack = await transport.emit(event, payload);
    if (!ack.ok) app.showNotice(refusalMessage(ack, { controlMode: app.view?.settings?.control_mode }));
    return ack;
  }

  async function join(input, password, invite) {
    const ack = await transport.call("join", { code: input, password, invite });
    if (ack.ok) return true;
    if (ack.needs_password || /password/i.test(ack.message || "")) {
      const typed = window.prompt(`${ack.message || "This room needs a password"}. Password:`);
      if (typed) return join(input, typed, invite);
    }
    app.showNotice(refusalMessage(ack));
    return false;
  }

  function currentVideoPayload() {
    const meta = app.adapter.metadata();
    const payload = { video_id: meta.videoId };
    if (meta.title) payload.title = meta.title;
    if (meta.durationMs) payload.duration_ms = meta.durationMs;
    payload.thumbnail_url = `https://i.ytimg.com/vi/${meta.videoId}/hqdefault.jpg`;
    return payload;
  }

  async function addVideo(payload) {
    const ack = await request("queue.add", payload);
    return ack.ok ? ack.entry || null : null;
  }

  return {
    ...remoteActions(app),
    ...playlists,
    signIn: async (name) => {
      const ack = await transport.call("signInGuest", { name });
      if (!ack.ok) app.showNotice(refusalMessage(ack));
    },
    createRoom: async () => {
      const ack = await transport.call("createRoom");
      if (!ack.ok) app.showNotice(refusalMessage(ack));
    },
    join: (input, invite) => join(input.trim(), undefined, invite),
    acceptInvite: () => app.acceptInvite(),
    dismissInvite: () => app.update({ inviteAsk: null }),
    answerKnock: async (knockId, admit) => {
      const ack = await request("room.knock_answer", { knock_id: knockId, admit });
      if (ack.ok) app.applyEvent("knock.answered", { id: knockId });
    },
    leave: async () => {
      await transport.call("leave");
      app.leftRoom("");
    },
    copyInvite: async () => {
      try {
        await navigator.clipboard.writeText(app.inviteLink());
        app.showNotice("Invite link copied.");
      } catch {
        app.showNotice(`Copy this link: ${app.inviteLink()}`);
      }
    },
    startNow: () => request("start_now", {}),
    resume: () => app.sync.resumeFromGesture(),
    skip: () => request("skip", {}),
    voteSkip: async () => {
      const entryId = app.view?.playback?.entry_id;
      if (entryId === null || entryId === undefined) return;
      const ack = await request("vote.skip", { entry_id: entryId });
      if (ack.ok && ack.vote && !ack.skipped) app.applyEvent("vote.state", ack.vote);
    },
    clearVotes: async () => {
      const ack = await request("vote.clear", {});
      if (ack.ok && ack.vote) app.applyEvent("vote.state", ack.vote);
    },
    /** Pin `emoji` to the moment this viewer is at (the video when it shows the room's, else the room clock). */
    react: async (emoji) => {
      const playback = app.view?.playback;
      if (!playback || playback.entry_id === null || playback.entry_id === undefined) return;
      const video = app.adapter.video;
      const shows = video && app.adapter.videoId === playback.video_id && Number.isFinite(video.currentTime);
      let positionMs = Math.round(shows ? video.currentTime * 1000 : expectedPositionMs(playback, app.sync.serverNow()));
      if (playback.duration_ms) positionMs = Math.min(positionMs, playback.duration_ms);
      const ack = await request("reaction.send", { emoji, position_ms: Math.max(0, positionMs) });
      if (ack.ok && ack.reaction) app.applyEvent("reaction", ack.reaction);
    },
    addCurrent: async () => {
      if (!app.adapter.videoId) return;
      const ack = await request("queue.add", currentVideoPayload());
      // The server collapses a repeat of the same add within a few seconds (duplicate: true).
      if (ack.ok) app.showNotice(ack.duplicate ? "That video is already in the queue." : "Added to the queue.");
    },
    addUrl: async (text) => {
      // a link with list= adds its playlist (read from this page, or by the server)
      if (parsePlaylistLink(text)) return playlists.addPlaylistLink(text);
      if (!parseVideoInput(text)) {
        app.showNotice("That is not a YouTube video link.");
        return false;
      }
      return Boolean(await addVideo({ url: text.trim() }));
    },
    removeEntry: (entryId) => request("queue.remove", { entry_id: entryId }),
    playEntry: (entryId) => request("queue.play", { entry_id: entryId }),
    moveEntry: (entryId, toIndex) => request("queue.move", { entry_id: entryId, to_index: Math.max(0, toIndex) }),
    sendChat: async (text) => (await request("chat.send", { text })).ok,
    typing: () => transport.emit("chat.typing", {}),
    saveSettings: async (partial) => {
      const ack = await request("room.settings", partial);
      if (ack.ok && ack.settings) app.applyEvent("room.settings", { settings: ack.settings });
      if (ack.ok && app.view && ack.invite_secret) app.view = { ...app.view, inviteSecret: ack.invite_secret };
      return ack.ok;
    },
    setRole: (userId, role) => request("member.role", { user_id: userId, role }),
    kick: (userId) => request("member.kick", { user_id: userId }),
    ban: (userId) => request("member.kick", { user_id: userId, ban: true }),
    loadBans: async () => {
      const ack = await request("room.bans", {});
      if (ack.ok) app.applyEvent("room.bans", ack);
      return ack.ok;
    },
    unban: async (userId) => {
      const ack = await request("room.unban", { user_id: userId });
      if (ack.ok) app.showNotice("Ban lifted: they may join again.");
    },
    loadPlayed: async () => {
      const ack = await transport.emit("queue.load", { history: 1 });
      if (ack.ok) app.applyEvent("queue.history", ack);
    },
    playAgain: async (entryId) => {
      const ack = await request("queue.replay", { entry_id: entryId });
      if (ack.ok) app.showNotice(ack.duplicate ? "That video is already in the queue." : "Back in the queue.");
    },
    loadOlderChat: async () => {
      const oldest = app.view?.chat.find((line) => typeof line.id === "number");
      const ack = await transport.emit("chat.history", oldest ? { before_id: oldest.id, limit: 50 } : { limit: 50 });
      if (ack.ok) app.applyEvent("chat.history", ack);
      return ack.ok;
    },
    choosePlayForAll: async () => {
      const entry = await addVideo(currentVideoPayload());
      app.update({ choice: null });
      if (entry) await request("queue.play", { entry_id: entry.id });
    },
    chooseQueue: async () => {
      await addVideo(currentVideoPayload());
      app.update({ choice: null });
      app.navigation.backToRoom();
    },
    /** The creator's tab offers the video it shows as the room's first entry. */
    seed: async () => {
      const view = app.view;
      if (!app.adapter.videoId || !view || view.queue.length || view.playback.state !== "idle") return;
      const entry = await addVideo(currentVideoPayload());
      // The server starts an idle room with its first entry by itself, so this queue.play is
      // only a fallback and is usually refused ("not in the queue any more"): ask quietly, as
      // this is no user action and its refusal is nothing to show.
      if (entry && app.view?.playback.state === "idle") await transport.emit("queue.play", { entry_id: entry.id });
    },
  };
}
