// The phone remote: pair from the QR link's fragment, connect with the scoped token, join the
// room, then mirror it (now playing, queue, chat, people) and send the user's commands.
// Served by the ShareTube server itself, so REST and the socket use this page's own origin.

import { ClockSync } from "../../clients/core/clock_sync.js";
import { parsePlaylistLink } from "../../clients/core/playlist_links.js";
import { TimeSyncRunner } from "../../clients/core/time_sync.js";
import { pairWithCode, unpair, whoAmI } from "./api.js";
import { RemoteConnection } from "./connection.js";
import { pairCodeFromHash, pairingErrorText } from "./lib/pairing_fragment.js";
import { moderationActions } from "./moderation.js";
import { RoomState } from "./lib/room_state.js";
import { findYouTubeLink, sharedFields } from "./lib/share_link.js";
import { clearSession, loadSession, saveSession } from "./session.js";
import { createChatView } from "./ui/chat_view.js";
import { createNowPlaying } from "./ui/now_playing.js";
import { createPeopleView } from "./ui/people_view.js";
import { createPlayedView } from "./ui/played_view.js";
import { createQueueView } from "./ui/queue_view.js";
import { createScreen, HOW_TO_PAIR } from "./ui/screens.js";
import { createShell } from "./ui/shell.js";
import { mountToasts, toast } from "./ui/toast.js";

const HOME_PATH = "/mobile-remote/";

const state = new RoomState();
const clock = new ClockSync();
// time.sync: a burst after joining, then one sample every 30 s while the page shows; after each
// round the phone reports its offset and round trip (the roster's health reads them).
const timeSync = new TimeSyncRunner({
  clock,
  request: (event, data, timeoutMs) => (conn ? conn.request(event, data, timeoutMs) : Promise.resolve({ ok: false })),
  isActive: () => !document.hidden,
  onRound: (estimate) => {
    if (joined && estimate && conn?.connected) conn.request("player.status", { offset_ms: estimate.offsetMs, rtt_ms: estimate.rttMs });
  },
});
let session = loadSession();
let conn = null;
let ended = false; // the server ended this remote (revoked, signed out): no more reconnects
let joined = false;
let pendingShare = null; // a shared link waiting for the room (null: none; "": nothing usable)
let resyncTimer = 0;
let unread = 0; // chat messages that arrived while another tab was shown

const actions = {
  command, addLink, resync: () => scheduleResync(0), unpair: unpairThisPhone, answerKnock, voteSkip, clearVotes, react,
  ...moderationActions({ request: (event, data) => conn.request(event, data), state, render: () => views.people.render() }),
};
const views = {
  now: createNowPlaying({ state, clock, actions }),
  queue: createQueueView({ state, actions }),
  chat: createChatView({ state, actions }),
  people: createPeopleView({ state, clock, actions }),
};
const played = createPlayedView({ state, actions });
views.queue.section.append(played.node); // the played list, under the queue
const shell = createShell(views);
const screen = createScreen();
document.getElementById("app").append(shell.node, screen.node);
mountToasts(document.body);
shell.onSelect((id) => {
  if (id !== "chat") return;
  unread = 0;
  views.chat.scrollToEnd();
});

/** Let a newcomer into this private room, or decline (owner and operators). */
async function answerKnock(knockId, admit) {
  const ack = await conn.request("room.knock_answer", { knock_id: knockId, admit });
  if (!ack.ok) toast(ack.message, { kind: "error" });
  state.dropKnock(knockId);
  views.people.render();
}

// -- start ----------------------------------------------------------------------------------
async function boot() {
  const shared = sharedFields(location);
  if (shared) pendingShare = findYouTubeLink(shared) || "";
  const code = pairCodeFromHash(location.hash);
  if (code !== null) {
    // Strip the one-time code from the address at once: no reload or history entry reuses it.
    history.replaceState(null, "", location.pathname + location.search);
    screen.show({ kind: "pairing", heading: "Pairing…", message: "Connecting this phone to your ShareTube room.", busy: true });
    const answer = code ? await pairWithCode(code) : { ok: false, reason: "malformed" };
    if (!answer.ok) {
      showPairingRefused(answer);
      return;
    }
    session = saveSession(answer);
  }
  if (!session) {
    screen.show({
      kind: "not-paired", heading: "Pair this phone",
      message: pendingShare !== null ? "Pair this phone with a ShareTube room first, then share the video again." : "This phone is not paired with a ShareTube room yet.",
      detail: HOW_TO_PAIR,
    });
    return;
  }
  connect();
}

function showPairingRefused(answer) {
  const words = pairingErrorText(answer);
  const earlier = loadSession();
  screen.show({
    kind: "pair-error", heading: words.title, message: words.hint,
    actions: earlier ? [{ label: "Use the earlier pairing", testid: "use-earlier", primary: true, onClick: () => { session = earlier; connect(); } }] : [],
  });
}

function connect() {
  if (conn) conn.stop();
  ended = false;
  screen.show({ kind: "connecting", heading: "Connecting…", message: "Joining your room.", busy: true });
  conn = new RemoteConnection({
    origin: location.origin,
    token: session.token,
    handlers: { onConnect, onDisconnect, onRefused, onEvent },
  });
  conn.start();
}

async function onConnect() {
  shell.setStatus("ok", "Connected");
  await joinRoom();
  await timeSync.start();
}

async function joinRoom() {
  const ack = await conn.request("join", { code: session.room_code });
  if (!ack.ok) {
    joined = false;
    if (ack.error === "forbidden" || ack.error === "not_found") {
      screen.show({ kind: "no-room", heading: ack.error === "not_found" ? "The room is gone" : "You cannot join this room",
        message: ack.message, detail: HOW_TO_PAIR });
    } else {
      toast(ack.message, { kind: "error" });
    }
    return;
  }
  joined = true;
  state.setRoom(ack.room, { userId: session.user?.id, role: ack.role, knocks: ack.knocks });
  clock.seed(ack.room.server_ms, Date.now());
  renderAll({ fullChat: true });
  screen.hide();
  shell.node.hidden = false;
  if (pendingShare !== null) await addSharedLink();
}

async function addSharedLink() {
  const link = pendingShare;
  pendingShare = null;
  history.replaceState(null, "", HOME_PATH);
  if (!link) {
    toast("There was no YouTube link in what was shared", { kind: "error" });
    return;
  }
  shell.select("queue");
  await addLink(link);
}

function onDisconnect(reason) {
  joined = false;
  timeSync.stop();
  if (ended) return;
  shell.setStatus("warn", navigator.onLine === false ? "Offline" : "Reconnecting…");
  if (reason === "io server disconnect") {
    // The server dropped this socket without saying why (a lost session.ended?): ask who we are.
    whoAmI(session.token).then((me) => {
      if (me.status === 401) endRemote("remote_revoked", me.message);
      else setTimeout(() => conn.reconnect(), 500);
    });
  }
}

function onRefused(refusal) {
  endRemote(refusal.error === "unauthorized" ? "remote_revoked" : refusal.error, refusal.message);
}

function endRemote(reason, message) {
  ended = true;
  joined = false;
  timeSync.stop();
  conn?.stop();
  shell.setStatus("bad", "Disconnected");
  if (reason === "remote_revoked" || reason === "signed_out" || reason === "unauthorized") clearSession();
  const heading = reason === "signed_out" ? "You signed out of ShareTube" : "This remote was disconnected; pair again";
  screen.show({ kind: "revoked", heading, message: message || "This phone is no longer paired with the room.", detail: HOW_TO_PAIR });
}

// -- events from the room -----------------------------------------------------------------------
function onEvent(name, data) {
  switch (name) {
    case "hello":
      clock.seed(data?.server_ms, Date.now());
      break;
    case "room.playback": {
      const result = state.applyPlayback(data);
      if (result !== "stale") {
        views.now.render();
        views.people.render(); // health reads whether the room's clock runs
      }
      if (result === "gap") scheduleResync(300);
      if (state.addNotes(data)) views.chat.render();
      break;
    }
    case "queue.update":
      if (state.applyQueue(data)) {
        views.queue.render();
        views.now.render();
        played.render();
      }
      break;
    case "presence.update": {
      const roleBefore = state.role;
      if (state.applyMembers(data)) {
        views.people.render();
        views.now.render();
        // made owner or operator (by hand, or an away owner's hand-over): knocks come with room.sync
        if (state.role !== roleBefore) scheduleResync(0);
      }
      break;
    }
    case "chat.message":
      if (state.addMessage(data)) {
        views.chat.render();
        if (shell.current !== "chat" && data.kind !== "system") shell.setBadge("chat", unread += 1);
      }
      break;
    case "room.settings":
      if (state.applySettings(data)) renderAll();
      break;
    case "room.knock":
      if (state.applyKnock(data)) {
        views.people.render();
        toast(`${data.knock.name} asks to join this private room (see People)`);
      }
      break;
    case "room.knocks":
      if (state.applyKnocks(data)) views.people.render();
      break;
    case "room.bans":
      if (state.applyBans(data)) views.people.render();
      break;
    case "vote.state":
      if (state.applyVote(data)) views.now.render();
      break;
    case "room.kicked":
      joined = false;
      screen.show({
        kind: "kicked", heading: data?.reason === "banned" ? "You were banned from this room" : "You were removed from the room",
        message: "This remote is no longer in the room.",
        actions: data?.reason === "banned" ? [] : [{ label: "Try to rejoin", testid: "rejoin", primary: true, onClick: () => joinRoom() }],
      });
      break;
    case "room.closed":
      joined = false;
      screen.show({ kind: "no-room", heading: "The room was closed", message: "This room has ended.", detail: HOW_TO_PAIR });
      break;
    case "session.ended":
      endRemote(data?.reason || "remote_revoked", data?.message);
      break;
    default:
      break;
  }
}

function renderAll({ fullChat = false } = {}) {
  shell.setRoomName(state.room?.settings?.name);
  views.now.render();
  views.queue.render();
  views.chat.render({ full: fullChat });
  views.people.render();
  played.render();
}

function scheduleResync(delayMs) {
  clearTimeout(resyncTimer);
  resyncTimer = setTimeout(resync, delayMs);
}

async function resync() {
  if (!conn?.connected || !joined) return;
  const ack = await conn.request("room.sync", {});
  if (ack.ok) {
    state.setRoom(ack.room);
    renderAll();
  }
}

// -- commands -----------------------------------------------------------------------------------
/** Send one command; a refusal shows as a toast with the server's message. */
async function command(event, data = {}) {
  if (!conn) return { ok: false };
  const ack = await conn.request(event, data);
  if (!ack.ok) {
    toast(ack.message || "That did not work", { kind: "error" });
    return ack;
  }
  if (ack.playback && state.applyPlayback(ack.playback) !== "stale") views.now.render();
  return ack;
}

async function voteSkip() {
  const entryId = state.playback?.entry_id;
  if (!entryId) return;
  const ack = await command("vote.skip", { entry_id: entryId });
  if (ack.ok && !ack.skipped && state.applyVote(ack.vote)) views.now.render();
  if (ack.ok && ack.skipped) toast("Your vote skipped the video");
}

async function clearVotes() {
  const ack = await command("vote.clear", {});
  if (ack.ok && state.applyVote(ack.vote)) views.now.render();
}

/** Pin `emoji` to the room's moment (the phone plays nothing: the room clock says where it is). */
async function react(emoji, positionMs) {
  const duration = Number(state.playback?.duration_ms) || Infinity;
  const ack = await command("reaction.send", { emoji, position_ms: Math.max(0, Math.min(positionMs, duration)) });
  if (ack.ok) toast(`Sent ${emoji}`);
}

async function addLink(url) {
  if (parsePlaylistLink(url)) return addPlaylistLink(url);
  const ack = await command("queue.add", { url });
  if (ack.ok) {
    const title = ack.entry?.title;
    if (ack.duplicate) toast(title ? `“${title}” is already in the queue` : "That video is already in the queue");
    else toast(title ? `Added “${title}” to the queue` : "Added to the queue");
  }
  return ack;
}

/** A link with list=: the server reads the playlist (it needs its YouTube API key; else it says so). */
async function addPlaylistLink(url) {
  const ack = await command("queue.playlist", { url });
  if (ack.ok) {
    if (ack.duplicate) toast("That playlist is already in the queue");
    else toast(`Added ${ack.added} videos from the playlist${ack.dropped ? ` (${ack.dropped} did not fit)` : ""}`);
  }
  return ack;
}

async function unpairThisPhone() {
  if (!session) return;
  const answer = await unpair(session.token, session.pairing_id);
  if (!answer.ok && answer.status !== 401 && answer.status !== 404) {
    toast(answer.message || "Could not unpair; try again", { kind: "error" });
    return;
  }
  ended = true;
  conn?.stop();
  clearSession();
  screen.show({ kind: "unpaired", heading: "This phone is unpaired", message: "It no longer controls the room.", detail: HOW_TO_PAIR });
}

// -- sleep, wake and network changes -------------------------------------------------------------
async function revive() {
  if (!conn || ended) return;
  const result = await conn.revive();
  if (result === "alive") {
    shell.setStatus("ok", "Connected");
    await resync();
    await timeSync.start();
  }
}

document.addEventListener("visibilitychange", () => {
  if (!document.hidden) revive();
});
window.addEventListener("online", revive);
window.addEventListener("offline", () => shell.setStatus("warn", "Offline"));
window.addEventListener("pageshow", (ev) => {
  if (ev.persisted) revive();
});
// A new QR code scanned while this page is open only changes the fragment: pair again.
window.addEventListener("hashchange", () => {
  if (pairCodeFromHash(location.hash) === null) return;
  conn?.stop();
  conn = null;
  ended = true;
  boot();
});

boot();
