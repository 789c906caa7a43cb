// The sync engine: what the local <video> should do so that it matches the room clock.
// Pure (no DOM, no timers): the content script's sync loop feeds it the room's Playback, the
// server time (local time + measured offset) and the video's state, applies the decision and
// reports back what the video did. Every threshold comes from ../constants.js.
//
// Decision: {action, targetMs, rate, reason, startInMs?, seekToMs?}
//   none  – leave the video alone
//   play  – call play() (first set currentTime = seekToMs when it is not null)
//   pause – call pause()
//   seek  – set currentTime = targetMs
//   rate  – set playbackRate = rate (a drift nudge, or back to the room's rate)
//   hold  – stay paused at targetMs and call play() in startInMs - earlyMs (a scheduled start;
//           earlyMs is this player's learnt play() -> advancing latency, lib/start_latency.js)
// At most one correction is in flight: while a seek, play or pause has not settled (or timed
// out) the engine answers "none"; a rate nudge lasts until the drift has settled.

import {
  DRIFT_NUDGE_MS,
  DRIFT_SEEK_MS,
  DRIFT_SETTLED_MS,
  ECHO_WINDOW_MS,
  ENDED_REJOIN_MS,
  HOLD_EARLY_SLACK_MS,
  HOLD_TOLERANCE_MS,
  NUDGE_MAX_FRACTION,
  NUDGE_MAX_RATE_DELTA,
  NUDGE_TIMEOUT_MS,
  NUDGE_WINDOW_MS,
  PAUSED_TOLERANCE_MS,
  PLAY_PAUSE_TIMEOUT_MS,
  RATE_EPSILON,
  SCHEDULED_START_EARLY_MS,
  SEEK_TIMEOUT_MS,
  START_LATENCY_STILL_INITIAL_MS,
  START_PROBE_AFTER_MS,
  START_PROBE_UNTIL_MS,
} from "../constants.js";
import { EchoGuard } from "./echo_guard.js";
import { expectedPositionMs, isScheduledStart } from "../../../clients/core/room_position.js";
import { SeekLatency } from "./seek_latency.js";
import { StartLatency } from "./start_latency.js";

function decision(action, fields) {
  return { action, targetMs: null, rate: null, reason: "", ...fields };
}

/** The playbackRate that absorbs `driftMs` (positive: we are ahead) over NUDGE_WINDOW_MS. */
export function nudgeRate(driftMs, roomRate) {
  const limit = Math.min(NUDGE_MAX_FRACTION, NUDGE_MAX_RATE_DELTA / roomRate);
  const fraction = Math.max(-limit, Math.min(limit, driftMs / NUDGE_WINDOW_MS));
  return roomRate * (1 - fraction);
}

/**
 * An ended video, and the room plays this video well before where it ended (repeat "one", a
 * restart or a seek back): the video rejoins the room instead of waiting for it to move on.
 */
function roomReplays(playback, serverNowMs, video) {
  const endMs = Number.isFinite(video.durationMs) ? video.durationMs : video.currentTimeMs;
  return expectedPositionMs(playback, serverNowMs) < endMs - ENDED_REJOIN_MS;
}

export class SyncEngine {
  constructor({
    seekLatency = new SeekLatency(),
    startLatency = new StartLatency(),
    stillStartLatency = new StartLatency({ initialMs: START_LATENCY_STILL_INITIAL_MS }),
    echoes = new EchoGuard(),
  } = {}) {
    this.seekLatency = seekLatency;
    // Chromium starts a video that seeked since it last played ~75 ms after play(), one that
    // was only paused at once: two latencies, learnt apart (video.seekedSincePlay says which).
    this.startLatency = startLatency;
    this.stillStartLatency = stillStartLatency;
    this.echoes = echoes;
    this.inFlight = null; // {kind: seek|play|pause|rate, sinceMs, targetMs, rate, sign}
    this.startProbe = null; // {anchorMs, earlyMs, latency}: a scheduled start to measure once it ran
  }

  /**
   * @param {{playback: object, serverNowMs: number, localNowMs: number,
   *          video: {currentTimeMs: number, paused: boolean, playbackRate: number,
   *                  seeking: boolean, ended?: boolean, adActive?: boolean,
   *                  seekedSincePlay?: boolean}}} input
   */
  decide({ playback, serverNowMs, localNowMs, video }) {
    if (!playback || !video) return decision("none", { reason: "no room or no video" });
    if (video.adActive) {
      this.inFlight = null;
      return decision("none", { reason: "an ad is playing here" });
    }
    const blocking = this.blockingCorrection(video, localNowMs);
    if (blocking) return decision("none", { reason: `${blocking.kind} in flight` });
    if (playback.state === "idle" || !playback.state) {
      return decision("none", { reason: "room idle" });
    }
    if (video.seeking) return decision("none", { reason: "video is seeking" });
    if (video.ended && playback.state === "playing" && !roomReplays(playback, serverNowMs, video)) {
      return decision("none", { reason: "video ended: the room moves on" });
    }
    if (isScheduledStart(playback, serverNowMs)) {
      return this.holdForStart(playback, serverNowMs, localNowMs, video);
    }
    if (playback.state !== "playing") return this.keepStill(playback, localNowMs, video);
    return this.keepPlaying(playback, serverNowMs, localNowMs, video);
  }

  /** The adapter saw `seeked` for the engine's own seek: settle it and learn its latency. */
  noteSeeked(localNowMs) {
    const flight = this.inFlight;
    if (!flight || flight.kind !== "seek") return;
    if (flight.compensated) this.seekLatency.observe(localNowMs - flight.sinceMs);
    this.inFlight = null;
  }

  /**
   * True while a seek, play or pause the engine made has not settled (a rate nudge does not
   * count: the player's position stays meaningful during one). Up to date right after decide().
   */
  correcting() {
    return Boolean(this.inFlight && this.inFlight.kind !== "rate");
  }

  /** Forget any correction in flight (a new video element, a new entry, a user command). */
  reset() {
    this.inFlight = null;
    this.startProbe = null;
  }

  expectEcho(kind, value, untilMs) {
    this.echoes.expect(kind, value, untilMs);
  }

  isEcho(event) {
    return this.echoes.isEcho(event);
  }

  /** Registers the echoes that applying `decided` will cause (call it right before applying). */
  expectEchoesOf(decided, video, localNowMs) {
    const until = localNowMs + ECHO_WINDOW_MS;
    const { action } = decided;
    if (action === "play") {
      if (decided.seekToMs !== null && decided.seekToMs !== undefined) {
        this.expectEcho("seek", decided.seekToMs, until);
      }
      this.expectEcho("play", null, until);
    } else if (action === "pause") {
      this.expectEcho("pause", null, until);
    } else if (action === "seek") {
      this.expectEcho("seek", decided.targetMs, until);
    }
    const rate = decided.rate;
    if (rate !== null && rate !== undefined && Math.abs(rate - video.playbackRate) >= RATE_EPSILON) {
      this.expectEcho("rate", rate, until);
    }
  }

  // --- internals ----------------------------------------------------------------------------

  blockingCorrection(video, now) {
    const flight = this.inFlight;
    if (!flight || flight.kind === "rate") return null;
    const age = now - flight.sinceMs;
    const done =
      (flight.kind === "seek" && age > SEEK_TIMEOUT_MS) ||
      (flight.kind === "play" && (!video.paused || age > PLAY_PAUSE_TIMEOUT_MS)) ||
      (flight.kind === "pause" && (video.paused || age > PLAY_PAUSE_TIMEOUT_MS));
    if (done) {
      this.inFlight = null;
      return null;
    }
    return flight;
  }

  start(kind, now, fields, extra = {}) {
    this.inFlight = { kind, sinceMs: now, targetMs: fields.targetMs ?? null, ...extra };
    return decision(kind, fields);
  }

  /** Room waits (paused, starting, midroll): the video stays paused at position_ms. */
  keepStill(playback, now, video) {
    const roomRate = playback.rate || 1;
    const targetMs = playback.position_ms ?? 0;
    const reason = `room ${playback.state}`;
    if (this.inFlight?.kind === "rate") this.inFlight = null;
    if (!video.paused) return this.start("pause", now, { targetMs, rate: roomRate, reason });
    if (Math.abs(video.currentTimeMs - targetMs) > PAUSED_TOLERANCE_MS) {
      return this.start("seek", now, { targetMs, rate: roomRate, reason: `${reason}: position` });
    }
    if (Math.abs(video.playbackRate - roomRate) >= RATE_EPSILON) {
      return decision("rate", { targetMs, rate: roomRate, reason: "room rate" });
    }
    return decision("none", { targetMs, reason });
  }

  /** Playing with the anchor still ahead: paused exactly at position_ms, play at the anchor. */
  holdForStart(playback, serverNowMs, now, video) {
    const roomRate = playback.rate || 1;
    const targetMs = playback.position_ms ?? 0;
    const startInMs = playback.anchor_ms - serverNowMs;
    const latency = video.seekedSincePlay === false ? this.stillStartLatency : this.startLatency;
    const earlyMs = Math.round(latency.estimateMs);
    if (this.inFlight?.kind === "rate") this.inFlight = null;
    const startedEarly =
      !video.paused &&
      this.startProbe?.anchorMs === playback.anchor_ms &&
      startInMs <= this.startProbe.earlyMs + SCHEDULED_START_EARLY_MS + HOLD_EARLY_SLACK_MS &&
      Math.abs(video.currentTimeMs - targetMs) <= PAUSED_TOLERANCE_MS;
    if (startedEarly) return decision("none", { targetMs, reason: "started early for the anchor" });
    if (!video.paused) {
      return this.start("pause", now, { targetMs, rate: roomRate, reason: "scheduled start: hold" });
    }
    const off = Math.abs(video.currentTimeMs - targetMs);
    const time = startInMs > this.seekLatency.estimateMs;
    if (off > PAUSED_TOLERANCE_MS || (off > HOLD_TOLERANCE_MS && time)) {
      return this.start("seek", now, {
        targetMs,
        rate: roomRate,
        reason: "scheduled start: position",
      });
    }
    this.startProbe = { anchorMs: playback.anchor_ms, earlyMs, latency };
    return decision("hold", { targetMs, rate: roomRate, startInMs, earlyMs, reason: "scheduled start" });
  }

  /** Shortly after a scheduled start the engine held for: how late did this player start? */
  measureStart(playback, serverNowMs, video, driftMs) {
    const probe = this.startProbe;
    if (!probe) return;
    const since = serverNowMs - probe.anchorMs;
    if (probe.anchorMs !== playback.anchor_ms || since > START_PROBE_UNTIL_MS) {
      this.startProbe = null;
      return;
    }
    if (since < START_PROBE_AFTER_MS || video.paused || video.seeking) return;
    this.startProbe = null;
    probe.latency.observe(-driftMs / (playback.rate || 1), probe.earlyMs);
  }

  /** Room plays: follow the clock, nudging the rate for small drift, seeking for large. */
  keepPlaying(playback, serverNowMs, now, video) {
    const roomRate = playback.rate || 1;
    const expected = expectedPositionMs(playback, serverNowMs);
    const driftMs = video.currentTimeMs - expected;
    const absDrift = Math.abs(driftMs);
    const aimMs = expected + this.seekLatency.estimateMs * roomRate;
    this.measureStart(playback, serverNowMs, video, driftMs);
    if (video.paused) {
      // A start that missed its hold (or a player that stood still): rather than start late
      // and nudge for seconds, seek to where the room will be once this player advances
      // (its seek latency plus its start latency) and start from there.
      const aheadMs = (this.seekLatency.estimateMs + this.startLatency.estimateMs) * roomRate;
      const seekToMs = absDrift > PAUSED_TOLERANCE_MS ? expected + aheadMs : null;
      const fields = { targetMs: expected, seekToMs, rate: roomRate, reason: "room playing" };
      if (seekToMs === null) return this.start("play", now, fields);
      // The seek is what may take long; it settles (and teaches its latency) on `seeked`.
      this.inFlight = { kind: "seek", sinceMs: now, targetMs: seekToMs, compensated: true };
      return decision("play", fields);
    }
    if (absDrift > DRIFT_SEEK_MS) {
      const reason = `drift ${Math.round(driftMs)} ms`;
      return this.start("seek", now, { targetMs: aimMs, rate: roomRate, reason }, { compensated: true });
    }
    const flight = this.inFlight;
    if (flight?.kind === "rate") {
      const settled =
        absDrift < DRIFT_SETTLED_MS ||
        Math.sign(driftMs) !== flight.sign ||
        now - flight.sinceMs > NUDGE_TIMEOUT_MS ||
        Math.abs(video.playbackRate - flight.rate) >= RATE_EPSILON;
      if (!settled) return decision("none", { targetMs: expected, reason: "rate nudge in flight" });
      this.inFlight = null;
      return decision("rate", { targetMs: expected, rate: roomRate, reason: "nudge settled" });
    }
    if (absDrift > DRIFT_NUDGE_MS) {
      const rate = nudgeRate(driftMs, roomRate);
      this.inFlight = { kind: "rate", sinceMs: now, rate, sign: Math.sign(driftMs) };
      return decision("rate", { targetMs: expected, rate, reason: `drift ${Math.round(driftMs)} ms` });
    }
    if (Math.abs(video.playbackRate - roomRate) >= RATE_EPSILON) {
      return decision("rate", { targetMs: expected, rate: roomRate, reason: "room rate" });
    }
    return decision("none", { targetMs: expected, reason: "in sync" });
  }
}
