// Reactions over the video, in the default, theater and fullscreen layouts alike: this layer
// lives INSIDE YouTube's player (#movie_player, which is what YouTube fullscreens), in its own
// open shadow root, and lets every click through. It floats each reaction up as this player
// passes the reaction's moment (lib/reaction_timeline.js: once per pass, again after a seek
// back, at once when it arrives live) and marks the playing entry's reactions along the
// progress bar (measured from YouTube's bar when it shows one).

import { REACTION_FLOAT_MS, REACTION_TICK_MS } from "../../constants.js";
import { ReactionTimeline, markFractions } from "../../lib/reaction_timeline.js";
import { entryReactions } from "../../lib/room_view.js";
import { h, memo } from "./dom.js";
import { REACTION_LAYER_CSS } from "./styles.js";

export const REACTION_LAYER_HOST_ID = "sharetube-reaction-layer";
const PLAYER = "#movie_player";
const PROGRESS_BAR = ".ytp-progress-bar";
const FLOATS_KEPT = 24; // a burst never piles up more than this many at once
const MARKS_PLACE_MS = 500; // the bar is measured at most this often (a layout each time)

export class ReactionLayer {
  /** @param {{video: () => HTMLVideoElement|null, videoId: () => string|null}} page */
  constructor(page) {
    this.page = page;
    this.model = null;
    this.timeline = new ReactionTimeline();
    this.known = new Set(); // reaction ids this layer has seen arrive
    this.knownEntry = null;
    this.marksChanged = memo();
    this.marksPlacedAt = -Infinity;
    this.host = h("div", { id: REACTION_LAYER_HOST_ID });
    this.shadow = this.host.attachShadow({ mode: "open" });
    this.floats = h("div", { class: "floats", testid: "st-reaction-floats", "aria-live": "off" });
    this.marks = h("div", { class: "marks", testid: "st-reaction-marks", "aria-hidden": "true" });
    this.shadow.append(h("style", { text: REACTION_LAYER_CSS }), this.floats, this.marks);
  }

  start() {
    this.timer = setInterval(() => this.tick(), REACTION_TICK_MS);
  }

  stop() {
    clearInterval(this.timer);
    this.host.remove();
  }

  update(model) {
    this.model = model;
  }

  /** The playing entry of the room, when this page shows it (not another video, not an ad). */
  current() {
    const view = this.model?.view;
    const playback = view?.playback;
    if (!playback || playback.entry_id === null || playback.entry_id === undefined || playback.state === "idle") return null;
    const video = this.page.video();
    if (!video || this.page.videoId() !== playback.video_id || this.page.adShowing()) return null;
    return { view, playback, video };
  }

  tick() {
    const current = this.current();
    if (!current) {
      if (this.timeline.entryId !== null || this.host.style.display !== "none") {
        this.timeline.reset(null);
        this.host.style.display = "none";
      }
      return;
    }
    const player = document.querySelector(PLAYER);
    if (!player) return;
    if (this.host.parentNode !== player) player.append(this.host); // YouTube may rebuild its player
    this.host.style.display = "";
    const { view, playback, video } = current;
    const positionMs = Math.round(video.currentTime * 1000);
    const reactions = entryReactions(view);
    const due = this.timeline.advance(playback.entry_id, positionMs, reactions);
    if (this.knownEntry !== playback.entry_id) { // a snapshot or a new entry: nothing "arrives"
      this.knownEntry = playback.entry_id;
      this.known = new Set(reactions.map((r) => r.id));
    }
    for (const reaction of reactions) {
      if (this.known.has(reaction.id)) continue;
      this.known.add(reaction.id);
      due.push(...this.timeline.arrive(reaction, positionMs));
    }
    for (const reaction of due) this.float(reaction, positionMs);
    const durationMs = playback.duration_ms || (Number.isFinite(video.duration) ? video.duration * 1000 : 0);
    const now = performance.now();
    if (reactions.length && now - this.marksPlacedAt >= MARKS_PLACE_MS) {
      this.marksPlacedAt = now;
      this.placeMarks(player);
    }
    this.marksChanged(`${playback.entry_id}:${durationMs}:${reactions.map((r) => r.id).join(",")}`,
      () => this.renderMarks(reactions, durationMs));
  }

  float(reaction, positionMs) {
    const left = 15 + ((reaction.id * 37) % 70); // spread over the width, the same on every screen
    const el = h("div", {
      class: "float", testid: "st-reaction-float", "data-reaction-id": reaction.id,
      "data-position-ms": reaction.position_ms, "data-shown-at-ms": positionMs,
    }, h("span", { class: "emoji", text: reaction.emoji }), h("span", { class: "who", text: reaction.name || "" }));
    el.style.left = `${left}%`; // CSSOM, not a style attribute: the page's CSP cannot refuse it
    this.floats.append(el);
    this.marksPlacedAt = -Infinity; // a new reaction: place its mark at once
    while (this.floats.childElementCount > FLOATS_KEPT) this.floats.firstElementChild.remove();
    setTimeout(() => el.remove(), REACTION_FLOAT_MS);
  }

  /** Lay the marks strip along YouTube's progress bar (or near the bottom when none shows). */
  placeMarks(player) {
    const bar = player.querySelector(PROGRESS_BAR);
    const box = bar?.getBoundingClientRect();
    const outer = player.getBoundingClientRect();
    if (bar && box.width > 0) {
      Object.assign(this.marks.style, {
        left: `${box.left - outer.left}px`, width: `${box.width}px`, top: `${box.top - outer.top - 16}px`, bottom: "",
      });
    } else {
      Object.assign(this.marks.style, { left: "12px", width: `${Math.max(0, outer.width - 24)}px`, top: "", bottom: "56px" });
    }
  }

  renderMarks(reactions, durationMs) {
    this.marks.replaceChildren(...markFractions(reactions, durationMs).map((mark, index) => {
      const el = h("span", {
        class: "mark", testid: "st-reaction-mark", "data-position-ms": reactions[index].position_ms, text: mark.emoji,
      });
      el.style.left = `${(mark.fraction * 100).toFixed(3)}%`;
      return el;
    }));
  }
}
