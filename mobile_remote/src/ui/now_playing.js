// Now playing: the video, a live progress bar driven by the room clock (drag to seek), the
// transport buttons, the speed, and the waiting banner with "Start now".

import { REACTION_EMOJI } from "../../../clients/core/constants.js";
import { formatTime } from "../../../clients/core/format.js";
import { isOperatorOrOwner } from "../../../clients/core/permissions.js";
import { voteCountText } from "../../../clients/core/vote_skip.js";
import { expectedPositionMs } from "../../../clients/core/room_position.js";
import { idleReason } from "../lib/idle_reason.js";
import { positionFromPointer, seekTarget } from "../lib/seek_bar.js";
import { entryTitle, h, icon, iconButton, thumbnail } from "./dom.js";

export const RATES = [0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2];
const KEY_STEP_MS = 5000;
const STATE_WORDS = { idle: "Nothing playing", starting: "Starting", playing: "Playing", paused: "Paused", midroll: "Waiting for an ad" };

/** actions: command(event, data) → Promise<ack> */
export function createNowPlaying({ state, clock, actions }) {
  const waitingText = h("p", { class: "waiting-text", testid: "waiting-text" });
  const waitingDeadline = h("p", { class: "waiting-deadline" });
  const startNow = h("button", {
    class: "btn btn-primary", text: "Start now",
    type: "button", "aria-label": "Start now without waiting", testid: "start-now",
    onClick: () => actions.command("start_now"),
  });
  const banner = h("div", { class: "waiting-banner", role: "status", hidden: true, testid: "waiting-banner" },
    h("div", { class: "waiting-words" }, waitingText, waitingDeadline), startNow);

  const thumbWrap = h("div", { class: "np-thumb-wrap" });
  const title = h("p", { class: "np-title", testid: "np-title" });
  const channel = h("p", { class: "np-channel" });
  const stateLine = h("p", { class: "np-state", testid: "np-state" });
  const card = h("div", { class: "np-card" }, thumbWrap, h("div", { class: "np-meta" }, title, channel, stateLine));

  const fill = h("div", { class: "bar-fill" });
  const knob = h("div", { class: "bar-knob" });
  const bar = h("div", {
    class: "bar",
    role: "slider", tabindex: "0", "aria-label": "Seek", "aria-valuemin": "0", testid: "seek-bar",
  }, h("div", { class: "bar-track" }, fill, knob));
  const posText = h("span", { class: "t-pos", testid: "position" });
  const durText = h("span", { class: "t-dur" });
  const progress = h("div", { class: "progress" }, bar, h("div", { class: "times" }, posText, durText));

  const playPause = iconButton("play", "Play", { className: "big", testid: "play-pause", onClick: () => togglePlay() });
  const back = iconButton("back10", "Back 10 seconds", { caption: "−10 s", testid: "back-10", onClick: () => seekBy(-10_000) });
  const fwd = iconButton("fwd10", "Forward 10 seconds", { caption: "+10 s", testid: "fwd-10", onClick: () => seekBy(10_000) });
  const restart = iconButton("restart", "Restart video", { caption: "Restart", testid: "restart", onClick: () => actions.command("restart") });
  const skip = iconButton("skip", "Skip to next video", { caption: "Skip", testid: "skip", onClick: () => actions.command("skip") });
  const rate = h("select", {
    class: "rate-select",
    id: "rate-select", "aria-label": "Playback speed", testid: "rate",
    onChange: () => actions.command("rate", { rate: Number(rate.value) }),
  }, RATES.map((r) => h("option", { text: `${r}×`, value: String(r) })));
  const rateBox = h("label", { class: "rate", for: "rate-select" }, h("span", { class: "caption", text: "Speed" }), rate);

  // vote-skip (for those the control mode keeps from skipping) and reactions at this moment
  const voteButton = h("button", {
    class: "btn", type: "button", text: "Vote to skip", testid: "vote-skip", "aria-pressed": "false",
    onClick: () => actions.voteSkip(),
  });
  const voteCount = h("span", { class: "note", role: "status", testid: "vote-count" });
  const voteClear = h("button", {
    class: "btn", type: "button", text: "Clear votes", testid: "vote-clear", "aria-label": "Clear the votes to skip",
    onClick: () => actions.clearVotes(),
  });
  const votes = h("div", { class: "votes", testid: "votes" }, voteButton, voteCount, voteClear);
  const reactions = h("div", { class: "reactions", role: "group", "aria-label": "Reactions", testid: "reactions" },
    REACTION_EMOJI.map((emoji) => h("button", {
      class: "btn react", type: "button", text: emoji, "aria-label": `React ${emoji} at this moment`, testid: "react",
      "data-emoji": emoji, onClick: () => actions.react(emoji, livePosition()),
    })));

  const controlNote = h("p", {
    class: "note", hidden: true, testid: "control-note",
  });
  const idleNote = h("p", { class: "note", hidden: true, id: "idle-note", testid: "idle-note" });

  const section = h("section", { class: "view view-now", id: "view-now", role: "tabpanel", "aria-labelledby": "tab-now" },
    banner, card,
    h("div", { class: "controls" },
      controlNote,
      idleNote,
      progress,
      h("div", { class: "transport" }, back, playPause, fwd),
      h("div", { class: "secondary" }, restart, skip, rateBox),
      votes,
      reactions));

  let drag = null; // {previewMs} while a finger is on the bar
  let shownEntryId = undefined;
  let frame = 0;

  function duration() {
    const pb = state.playback;
    return Number(pb?.duration_ms) || Number(state.currentEntry()?.duration_ms) || 0;
  }

  function livePosition() {
    return Math.round(expectedPositionMs(state.playback, clock.serverNow(Date.now())));
  }

  function togglePlay() {
    const s = state.playback?.state;
    if (s === "playing" || s === "starting" || s === "midroll") actions.command("pause", { position_ms: livePosition() });
    else actions.command("play");
  }

  function seekBy(delta) {
    actions.command("seek", { position_ms: seekTarget(livePosition(), delta, duration()) });
  }

  // -- drag to seek (touch, pen or mouse) and keys --------------------------------------------------
  bar.addEventListener("pointerdown", (ev) => {
    if (!duration() || !state.playback?.entry_id) return;
    ev.preventDefault();
    bar.setPointerCapture?.(ev.pointerId);
    drag = { previewMs: pointerPosition(ev) };
    bar.classList.add("dragging");
    tick();
  });
  bar.addEventListener("pointermove", (ev) => {
    if (!drag) return;
    drag.previewMs = pointerPosition(ev);
    tick();
  });
  bar.addEventListener("pointerup", (ev) => {
    if (!drag) return;
    const target = pointerPosition(ev);
    drag = null;
    bar.classList.remove("dragging");
    actions.command("seek", { position_ms: target });
  });
  bar.addEventListener("pointercancel", () => {
    drag = null;
    bar.classList.remove("dragging");
  });
  bar.addEventListener("keydown", (ev) => {
    const steps = { ArrowRight: KEY_STEP_MS, ArrowUp: KEY_STEP_MS, ArrowLeft: -KEY_STEP_MS, ArrowDown: -KEY_STEP_MS };
    if (ev.key in steps) {
      ev.preventDefault();
      seekBy(steps[ev.key]);
    } else if (ev.key === "Home") {
      ev.preventDefault();
      actions.command("seek", { position_ms: 0 });
    }
  });

  function pointerPosition(ev) {
    const rect = bar.getBoundingClientRect();
    return positionFromPointer(ev.clientX, rect.left, rect.width, duration());
  }

  // -- rendering ---------------------------------------------------------------------------------
  function tick() {
    const dur = duration();
    const pos = drag ? drag.previewMs : livePosition();
    const fraction = dur > 0 ? Math.min(1, pos / dur) : 0;
    fill.style.width = `${(fraction * 100).toFixed(2)}%`;
    knob.style.left = `${(fraction * 100).toFixed(2)}%`;
    posText.textContent = formatTime(pos);
    durText.textContent = dur ? formatTime(dur) : "--:--";
    bar.setAttribute("aria-valuemax", String(Math.round(dur / 1000)));
    bar.setAttribute("aria-valuenow", String(Math.round(pos / 1000)));
    bar.setAttribute("aria-valuetext", dur ? `${formatTime(pos)} of ${formatTime(dur)}` : formatTime(pos));
    const deadline = state.playback?.deadline_ms;
    if (!banner.hidden && deadline) renderWaitingText(deadline);
  }

  function loop() {
    frame = 0;
    if (document.hidden) return;
    tick();
    if (state.playback?.state === "playing" || drag || !banner.hidden) frame = requestAnimationFrame(loop);
  }

  function renderWaitingText(deadline) {
    const names = state.waitingNames();
    const who = names.length ? `Waiting for ${names.join(", ")}` : "Waiting for the players";
    const loading = state.playback?.hold === "buffer"; // buffer_policy "wait": a player is loading
    const why = loading ? " (their video is loading)" : " (an ad is playing)";
    waitingText.textContent = state.playback?.state === "midroll" ? `${who}${why}` : who;
    const left = Math.max(0, deadline - clock.serverNow(Date.now()));
    waitingDeadline.textContent = deadline ? `Starts by itself in ${Math.ceil(left / 1000)} s` : "";
  }

  function render() {
    const pb = state.playback;
    const entry = state.currentEntry();
    const playing = pb?.state === "playing" || pb?.state === "starting" || pb?.state === "midroll";
    const hasEntry = Boolean(pb?.entry_id);
    if (shownEntryId !== (entry?.id ?? null) || !thumbWrap.firstChild) {
      shownEntryId = entry?.id ?? null;
      thumbWrap.replaceChildren(thumbnail(entry, "np-thumb"));
    }
    title.textContent = hasEntry ? entryTitle(entry || { video_id: pb.video_id }) : "Nothing playing";
    channel.textContent = hasEntry ? entry?.author || "" : "Add a video in the Queue tab.";
    const rateText = pb && pb.rate && pb.rate !== 1 ? ` · ${pb.rate}×` : "";
    const words = pb?.hold === "buffer" ? "Waiting for a player to load" : STATE_WORDS[pb?.state || "idle"];
    stateLine.textContent = `${words || pb?.state}${rateText}`;

    playPause.replaceChildren(icon(playing ? "pause" : "play"));
    playPause.setAttribute("aria-label", playing ? "Pause" : "Play");
    playPause.title = playing ? "Pause" : "Play";
    const control = state.controlVerdict();
    controlNote.hidden = control.allowed || !state.role;
    controlNote.textContent = control.allowed ? "" : `${control.reason}.`;
    for (const b of [back, fwd, restart]) b.disabled = !hasEntry;
    skip.disabled = !hasEntry;
    const reason = idleReason(state);
    idleNote.hidden = !reason;
    idleNote.textContent = reason || "";
    playPause.disabled = Boolean(reason);
    rate.disabled = Boolean(reason);
    for (const control of [playPause, rate, bar]) {
      if (reason) control.setAttribute("aria-describedby", "idle-note");
      else control.removeAttribute("aria-describedby");
    }
    bar.setAttribute("aria-disabled", String(!hasEntry));
    rate.value = String(pb?.rate ?? 1);
    if (!RATES.includes(Number(rate.value))) rate.value = "1";

    const tally = state.skipVotes();
    const controls = state.mayControl();
    voteButton.hidden = controls || !hasEntry; // they skip outright
    voteButton.disabled = Boolean(tally?.voted);
    voteButton.textContent = tally?.voted ? "Voted to skip" : "Vote to skip";
    voteButton.setAttribute("aria-pressed", String(Boolean(tally?.voted)));
    voteCount.textContent = voteCountText(tally);
    voteClear.hidden = !(isOperatorOrOwner(state.role) && tally?.votes > 0);
    votes.hidden = !hasEntry || (controls && !tally?.votes);
    reactions.hidden = !hasEntry || pb?.state === "idle";

    const waiting = pb?.state === "starting" || pb?.state === "midroll";
    banner.hidden = !waiting;
    startNow.hidden = !state.mayStartNow();
    if (waiting) renderWaitingText(pb.deadline_ms);
    tick();
    if (!frame) frame = requestAnimationFrame(loop);
  }

  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && !frame) frame = requestAnimationFrame(loop);
  });

  return { section, render };
}
