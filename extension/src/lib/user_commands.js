// What a person's input on YouTube's player becomes in the room. Pure.
//
// The page has already applied the input to its <video> (YouTube's buttons, keys, progress bar,
// speed menu, media keys); the room must end up where the person's LAST input left it, and the
// extension must not undo any of it on the way. So:
// - one command in flight at a time (Socket.IO handlers may run concurrently on the server, so
//   two commands sent at once could land in either order); inputs made meanwhile are coalesced
//   into the next command, the latest intent winning;
// - a seek (progress bar, drag, j/l, arrows, 0-9) settles first: a drag or several presses
//   become one `seek`, and a pause or play during the settle rides along in its `play` flag;
// - while anything is settling, queued or in flight the sync engine keeps its hands off the
//   video (`busy`); once the last answer is back the room's state is the person's.
//
// Toggle during a hold: while the room plays but holds for its scheduled start (or for the
// person's own "play" to come back), the video is paused by the extension, not by the person;
// a play/pause toggle then (k, space, a click, a media key) means "pause the room".

import { COMMAND_ACK_TIMEOUT_MS, RATE_EPSILON, SEEK_SETTLE_MS } from "../constants.js";

const TRANSPORT = "transport"; // play / pause / seek share one slot; rate has its own

/**
 * @typedef {{event: string, payload: object}} Command
 * @typedef {{positionMs: number, paused: boolean, rate: number}} VideoNow
 */
export class UserCommands {
  constructor() {
    this.sending = null; // {command, sinceMs}
    this.queued = new Map(); // slot -> Command (latest intent per slot)
    this.settle = null; // {dueMs, play} while a seek settles
    this.assumedPlaying = null; // the room's play state once our commands land (null: the room's)
  }

  /** True while the person's input is on its way to the room: the engine must not act. */
  busy(nowMs) {
    if (this.sending && nowMs - this.sending.sinceMs > COMMAND_ACK_TIMEOUT_MS) this.sending = null;
    return Boolean(this.sending || this.queued.size || this.settle);
  }

  /** The room plays (or will, once our commands land). */
  roomPlays(view) {
    return this.assumedPlaying ?? view.playing;
  }

  /**
   * A media event the person caused. `view`: {playing: bool (the room's state says playing),
   * holding: bool (the video is paused only to wait for a scheduled start), rate: number}.
   * Returns {keepPaused}: true when the video must be paused again to wait for the room's start.
   */
  input(kind, video, view, nowMs) {
    const playing = this.roomPlays(view);
    if (kind === "seek") {
      // Seeking while the extension holds the video paused keeps the room's play state.
      const play = this.settle?.play ?? (view.holding ? playing : !video.paused);
      this.settle = { dueMs: nowMs + SEEK_SETTLE_MS, play };
      return { keepPaused: false };
    }
    if (kind === "rate") {
      if (Math.abs(video.rate - view.rate) >= RATE_EPSILON || this.queued.has("rate")) {
        this.queued.set("rate", { event: "rate", payload: { rate: video.rate } });
      }
      return { keepPaused: false };
    }
    if (kind === "play") {
      if (this.settle) {
        this.settle.play = true;
        return { keepPaused: false };
      }
      if (playing && view.holding) return this.transport(false, { event: "pause", payload: {} }, true);
      if (playing) return { keepPaused: false };
      return this.transport(true, { event: "play", payload: {} }, true);
    }
    if (kind === "pause") {
      if (this.settle) {
        this.settle.play = false;
        return { keepPaused: false };
      }
      if (!playing) return { keepPaused: false };
      return this.transport(false, { event: "pause", payload: { position_ms: Math.round(video.positionMs) } }, false);
    }
    return { keepPaused: false };
  }

  transport(playing, command, keepPaused) {
    this.assumedPlaying = playing;
    this.queued.set(TRANSPORT, command);
    return { keepPaused };
  }

  /** Called on every tick and `seeked`: a settled seek becomes the queued seek command. */
  poll(video, nowMs, seeking) {
    if (!this.settle || seeking || nowMs < this.settle.dueMs) return;
    const play = this.settle.play;
    this.settle = null;
    this.assumedPlaying = play;
    this.queued.set(TRANSPORT, { event: "seek", payload: { position_ms: Math.round(video.positionMs), play } });
  }

  /** The command to send now (null while one is in flight or none is queued). */
  take(nowMs) {
    this.busy(nowMs);
    if (this.sending) return null;
    const slot = this.queued.has(TRANSPORT) ? TRANSPORT : this.queued.keys().next().value;
    if (slot === undefined) return null;
    const command = this.queued.get(slot);
    this.queued.delete(slot);
    this.sending = { command, sinceMs: nowMs };
    return command;
  }

  /**
   * The answer to `command` (the one take() returned). A refusal drops what was queued: the
   * room said no. A late answer to a command that timed out no longer frees the slot.
   */
  answered(command, ok) {
    if (this.sending?.command !== command) return;
    this.sending = null;
    if (!ok) {
      this.queued.clear();
      this.settle = null;
    }
    if (!this.busy(0)) this.assumedPlaying = null;
  }
}
