// The content script's sync loop: every SYNC_TICK_MS (and on every media event) it asks the
// pure sync engine what the <video> should do, applies it, and reports to the room
// (player.ready / player.ad / player.status / player.duration / player.ended). Media events the
// engine did not cause, right after the user touched the page, become room commands
// (lib/user_commands.js: one at a time, the last input wins, never undone on the way).

import {
  ELEMENT_SETTLE_MS,
  RATE_EPSILON,
  SCHEDULED_START_EARLY_MS,
  SEEK_SETTLE_MS,
  STATUS_REPORT_INTERVAL_MS,
  SYNC_TICK_MS,
} from "../constants.js";
import { refusalMessage } from "../lib/ack_messages.js";
import { AdVerdict } from "../lib/ad_verdict.js";
import { BufferPolicy } from "../lib/buffer_policy.js";
import { expectedPositionMs, isScheduledStart } from "../../../clients/core/room_position.js";
import { SeekFights, clockKey } from "../lib/seek_fights.js";
import { isChanging, leavesPositionOut, statusReport } from "../lib/status_report.js";
import { SyncEngine } from "../lib/sync_engine.js";
import { UserCommands } from "../lib/user_commands.js";

const READY_RESEND_MS = 1_500;
const MEDIA_KIND = { play: "play", pause: "pause", seeking: "seek", ratechange: "rate" };

export class SyncLoop {
  /**
   * @param {{adapter: import("./youtube_adapter.js").YouTubeAdapter,
   *          transport: import("./transport.js").Transport, getView: () => object|null,
   *          getSelfId: () => number|null, onPlayback: (playback: object) => void,
   *          onBlocked: (blocked: boolean) => void, onNotice: (text: string) => void}} deps
   */
  constructor(deps) {
    Object.assign(this, deps);
    this.engine = new SyncEngine();
    this.seekFights = new SeekFights(); // another extension skipping segments (lib/seek_fights.js)
    this.bufferPolicy = new BufferPolicy(); // the room's buffer_policy (lib/buffer_policy.js)
    this.clock = { offsetMs: 0, rttMs: 0 };
    this.timer = null;
    this.holdTimer = null;
    this.seekTimer = null;
    this.commands = new UserCommands(); // the person's input on its way to the room
    this.repaused = false; // the video is paused only to wait for the person's "play" to land
    this.adVerdict = new AdVerdict();
    this.adNow = false; // the verdict of the last tick (a wrong "ad" heals)
    this.engineSeeking = false;
    this.seekedSincePlay = true; // Chromium starts a seeked video late (lib/start_latency.js)
    this.adSeenAt = -Infinity; // when an ad last showed: input before it is not the person's now
    this.blocked = false;
    this.buffering = false;
    this.changingSince = null; // since when the player seeks/corrects (status reports)
    this.roomRate = 1;
    // The rate this loop last accounted for, on which <video> (see rateChangeUnseen)
    this.rateSeen = { video: null, rate: null };
    this.reports = { readyEntry: null, readyAt: 0, ad: null, adEntry: null, duration: null, ended: null, statusAt: 0 };
  }

  start() {
    this.timer = setInterval(() => this.tick(), SYNC_TICK_MS);
  }

  stop() {
    clearInterval(this.timer);
    clearTimeout(this.holdTimer);
    clearTimeout(this.seekTimer);
  }

  setClock(estimate) {
    this.clock = { offsetMs: estimate.offsetMs, rttMs: estimate.rttMs };
  }

  /** A fresh snapshot (join, reconnect): reports are made again, corrections start over. */
  snapshotArrived() {
    this.reports.readyEntry = null;
    this.reports.ad = null;
    this.engine.reset();
    this.seekFights.reset();
    this.tick();
  }

  serverNow() {
    return Date.now() + this.clock.offsetMs;
  }

  /** The room's Playback when this tab shows the room's video, else null (nothing to steer). */
  roomPlayback() {
    const playback = this.getView()?.playback;
    if (!playback?.video_id || playback.video_id !== this.adapter.videoId) return null;
    return playback;
  }

  tick() {
    const playback = this.roomPlayback();
    const video = this.adapter.video;
    if (!playback || !video) {
      this.release(video);
      return;
    }
    if (this.rateChangeUnseen(video)) return this.onMediaEvent("ratechange", video);
    this.roomRate = playback.rate || 1;
    const state = this.adapter.videoState();
    state.adActive = this.judgeAd(playback, state);
    state.seekedSincePlay = this.seekedSincePlay;
    this.adapter.suppressAutonav();
    this.reportAd(playback, state.adActive);
    this.reportReady(playback, state);
    const steered = this.followBufferPolicy(playback, state);
    const now = performance.now();
    this.commands.poll(videoNow(state), now, state.seeking);
    this.pump();
    if (this.commands.busy(now)) {
      this.reportStatus(playback, state, true); // hands off: the person's input is on its way
      return;
    }
    this.repaused = false;
    if (this.skippingLocally(playback)) return this.reportStatus(playback, state, false);
    const decision = this.engine.decide({
      playback: steered,
      serverNowMs: this.serverNow(),
      localNowMs: performance.now(),
      video: state,
    });
    // After the decision: a report from a tick that starts a correction leaves its position out.
    this.reportStatus(playback, state, false);
    this.apply(decision, video, state);
  }

  /** The page's ad claim (lib/ad_rules.js), withdrawn when the room's video plays on. */
  judgeAd(playback, state) {
    const claimed = state.adActive;
    const verdict = this.adVerdict.judge({
      claimed,
      nowMs: performance.now(),
      entryKey: playback.entry_id,
      video: state,
      roomPositionMs: expectedPositionMs(playback, this.serverNow()),
      roomRate: playback.rate || 1,
      roomDurationMs: playback.duration_ms,
    });
    if (verdict.healed && this.adNow) {
      console.info("[ShareTube] ad claim withdrawn: the room's video plays on", this.adapter.adReasons());
    }
    this.adNow = verdict.active;
    if (verdict.active) this.adSeenAt = performance.now();
    return verdict.active;
  }

  /** An ad shows right now (the page's claim as of this instant, unless it was withdrawn). */
  adShowsNow() {
    const shows = this.adNow || (this.adapter.adActive() && !this.adVerdict.claim?.healed);
    if (shows) this.adSeenAt = performance.now();
    return shows;
  }

  /** Not steering any more (left the room, another video): undo a nudge left in flight. */
  release(video) {
    clearTimeout(this.holdTimer);
    if (video && this.engine.inFlight?.kind === "rate") {
      this.engine.expectEcho("rate", this.roomRate, performance.now() + 1_500);
      this.setRate(video, this.roomRate);
    }
    this.engine.reset();
    this.seekFights.reset();
    this.rateSeen = { video: null, rate: null }; // steering starts again from the element's rate
  }

  apply(decision, video, state) {
    if (decision.action !== "hold") clearTimeout(this.holdTimer);
    if (decision.action === "none") return;
    if (decision.action === "play" && this.blocked) return; // waits for "Join playback"
    const now = performance.now();
    this.engine.expectEchoesOf(decision, state, now);
    if (decision.rate !== null && Math.abs(video.playbackRate - decision.rate) >= RATE_EPSILON) {
      this.setRate(video, decision.rate);
    }
    switch (decision.action) {
      case "play":
        if (decision.seekToMs !== null && decision.seekToMs !== undefined) {
          this.engineSeeking = true;
          video.currentTime = decision.seekToMs / 1000;
        }
        this.playVideo(video);
        break;
      case "pause":
        video.pause();
        break;
      case "seek":
        this.engineSeeking = true;
        video.currentTime = decision.targetMs / 1000;
        break;
      case "hold":
        this.scheduleStart(video, decision.startInMs - (decision.earlyMs || 0));
        break;
      default:
        break;
    }
  }

  setRate(video, rate) {
    video.playbackRate = rate;
    this.rateSeen = { video, rate };
  }

  /**
   * True when the video's rate changed and its `ratechange` has not reached us yet. The event is
   * a task of its own, queued when the rate is set: a tick can run between a person's speed key
   * and that event. Deciding then would put the room's rate back, and the event, which reads the
   * rate when it runs, would find nothing changed: the press lost. So the tick takes the change
   * as that event first (and the event, when it comes, finds it accounted for).
   */
  rateChangeUnseen(video) {
    if (this.rateSeen.video !== video) {
      this.rateSeen = { video, rate: video.playbackRate }; // a new element: its rate is where we start
      return false;
    }
    return Math.abs(video.playbackRate - this.rateSeen.rate) >= RATE_EPSILON;
  }

  /** Plays at the anchor instant (minus the player's start latency): re-armed on every tick. */
  scheduleStart(video, startInMs) {
    clearTimeout(this.holdTimer);
    this.holdTimer = setTimeout(() => {
      if (this.blocked || !video.paused) return;
      this.engine.expectEcho("play", null, performance.now() + 1_500);
      this.playVideo(video);
    }, Math.max(0, startInMs - SCHEDULED_START_EARLY_MS));
  }

  playVideo(video) {
    video.play().then(
      () => this.setBlocked(false),
      (error) => {
        if (error?.name === "NotAllowedError") this.setBlocked(true);
      },
    );
  }

  setBlocked(blocked) {
    if (this.blocked === blocked) return;
    this.blocked = blocked;
    this.onBlocked(blocked);
  }

  /** The "Join playback" button: a user gesture, so play() is allowed now. */
  resumeFromGesture() {
    this.setBlocked(false);
    this.engine.reset();
    const video = this.adapter.video;
    if (video && this.roomPlayback()?.state === "playing") this.playVideo(video);
    this.tick();
  }

  // --- what the video did -------------------------------------------------------------------

  onMediaEvent(type, video) {
    if (type === "waiting") this.buffering = true;
    if (type === "playing" || type === "canplay") this.buffering = false;
    if (type === "loadedmetadata" || type === "durationchange") this.reportDuration();
    if (type === "ended") this.reportEnded();
    if (type === "playing") this.seekedSincePlay = false;
    if (type === "seeked" || type === "emptied") this.seekedSincePlay = true;
    if (type === "seeked") return this.onSeeked();
    const kind = MEDIA_KIND[type];
    if (!kind) return undefined;
    const value = kind === "seek" ? video.currentTime * 1000 : kind === "rate" ? video.playbackRate : null;
    if (this.engine.isEcho({ kind, value, atMs: performance.now() })) {
      if (kind === "rate") this.rateSeen = { video, rate: value };
      if (kind === "seek") this.engineSeeking = true;
      // The engine's own pause landed: take its next step (e.g. the seek of a scheduled start)
      // now rather than on the next 250 ms tick, or a 200 ms scheduled start is missed.
      else if (kind === "pause") setTimeout(() => this.tick(), 0);
      return undefined;
    }
    if (kind === "rate") {
      // accounted for already (a tick took it as this event: rateChangeUnseen)
      if (this.rateSeen.video === video && Math.abs(value - this.rateSeen.rate) < RATE_EPSILON) return undefined;
      this.rateSeen = { video, rate: value };
    }
    const playback = this.roomPlayback();
    if (!playback || video.ended || this.adShowsNow() || !this.adapter.userIsActing(this.adSeenAt)) {
      if (kind === "seek" && playback) this.noteForeignSeek(video, playback);
      return this.tick();
    }
    return this.userAction(kind, video, playback);
  }

  onSeeked() {
    if (this.engineSeeking) {
      this.engineSeeking = false;
      this.engine.noteSeeked(performance.now());
      setTimeout(() => this.tick(), 0); // next step at once (hold until the anchor, or play)
      return;
    }
    if (this.commands.settle) this.armSeekSettle();
  }

  armSeekSettle() {
    clearTimeout(this.seekTimer);
    this.seekTimer = setTimeout(() => this.tick(), SEEK_SETTLE_MS + 10);
  }

  /** A media event the person caused: it becomes the room's next command (never undone). */
  userAction(kind, video, playback) {
    if (kind === "rate" && this.adapter.msSinceBound() <= ELEMENT_SETTLE_MS) return this.tick();
    if (kind === "play" && this.blocked) return this.resumeFromGesture(); // YouTube's own play button
    this.seekFights.reset();
    const now = performance.now();
    const holding = this.repaused || isScheduledStart(playback, this.serverNow());
    const view = { playing: playback.state === "playing", holding, rate: playback.rate || 1 };
    const { keepPaused } = this.commands.input(kind, videoNow(this.adapter.videoState()), view, now);
    clearTimeout(this.holdTimer);
    this.engine.reset();
    if (keepPaused && !video.paused) {
      // The room starts everyone together at a scheduled instant: wait for it.
      this.engine.expectEcho("pause", null, now + 1_500);
      video.pause();
      this.repaused = true;
    }
    if (kind === "seek") this.armSeekSettle();
    this.pump();
    return undefined;
  }

  // --- other extensions that move the video (lib/seek_fights.js) ----------------------------

  /** A seek neither the user nor the engine made: reverted, unless it keeps coming back. */
  noteForeignSeek(video, playback) {
    const leftAlone = this.seekFights.foreignSeek({
      toMs: video.currentTime * 1000,
      roomMs: expectedPositionMs(playback, this.serverNow()),
      clock: clockKey(playback),
      nowMs: performance.now(),
      roomSkips: playback.segments || [],
    });
    if (leftAlone) this.engine.reset();
  }

  /** True while this viewer skips a range on its own: the engine leaves the video alone. */
  skippingLocally(playback) {
    const roomMs = expectedPositionMs(playback, this.serverNow());
    return this.seekFights.skipping({ roomMs, clock: clockKey(playback) });
  }

  /** The room's buffering policy: stall reports under "wait", the lagged clock under "ignore". */
  followBufferPolicy(playback, state) {
    const { report, playback: steered } = this.bufferPolicy.observe({
      playback, policy: this.getView()?.settings?.buffer_policy, video: state, buffering: this.buffering,
      selfId: this.getSelfId(), serverNowMs: this.serverNow(), nowMs: performance.now(),
    });
    if (report !== null) this.transport.emit("player.buffering", { entry_id: playback.entry_id, active: report });
    return steered;
  }

  /** Sends the next queued command of the person's, if none is in flight. */
  pump() {
    const command = this.commands.take(performance.now());
    if (command) this.send(command);
  }

  async send(command) {
    const ack = await this.transport.emit(command.event, command.payload);
    this.commands.answered(command, Boolean(ack.ok));
    const idle = !this.commands.busy(performance.now());
    if (idle) this.engine.reset();
    if (ack.ok && ack.playback) this.onPlayback(ack.playback);
    if (!ack.ok) {
      const controlMode = this.getView()?.settings?.control_mode;
      this.onNotice(refusalMessage(ack, { controlMode }));
    }
    if (idle) this.tick();
    else this.pump();
  }

  // --- reports to the room ------------------------------------------------------------------

  reportAd(playback, active) {
    if (this.reports.ad === active && this.reports.adEntry === playback.entry_id) return;
    const first = this.reports.ad === null && !active;
    this.reports.ad = active;
    this.reports.adEntry = playback.entry_id;
    if (!first) this.transport.emit("player.ad", { entry_id: playback.entry_id, active });
  }

  reportReady(playback, state) {
    if (playback.state !== "starting" || state.adActive || state.readyState < 3) return;
    const waitedFor = (playback.waiting_for || []).includes(this.getSelfId());
    const now = performance.now();
    const sent = this.reports.readyEntry === playback.entry_id;
    if (sent && !(waitedFor && now - this.reports.readyAt > READY_RESEND_MS)) return;
    this.reports.readyEntry = playback.entry_id;
    this.reports.readyAt = now;
    this.transport.emit("player.ready", { entry_id: playback.entry_id, ready: true });
  }

  /** player.status every STATUS_REPORT_INTERVAL_MS (lib/status_report.js says what goes in). */
  reportStatus(playback, state, commandPending) {
    const now = performance.now();
    const changing = isChanging({ seeking: state.seeking, correcting: this.engine.correcting(), commandPending });
    this.changingSince = changing ? (this.changingSince ?? now) : null;
    if (now - this.reports.statusAt < STATUS_REPORT_INTERVAL_MS || state.adActive) return;
    this.reports.statusAt = now;
    const settling = leavesPositionOut({
      changing, changingForMs: changing ? now - this.changingSince : 0, blocked: this.blocked,
    });
    this.transport.emit("player.status", statusReport({
      playback,
      video: state,
      clock: this.clock,
      serverNowMs: this.serverNow(),
      buffering: this.buffering,
      settling,
      skipping: this.seekFights.range() !== null,
    }));
  }

  reportDuration() {
    const playback = this.roomPlayback();
    const durationMs = this.adapter.metadata().durationMs;
    if (!playback || !durationMs || this.reports.duration === playback.entry_id) return;
    if (playback.duration_ms) return;
    this.reports.duration = playback.entry_id;
    this.transport.emit("player.duration", { entry_id: playback.entry_id, duration_ms: durationMs });
  }

  reportEnded() {
    const playback = this.roomPlayback();
    if (!playback || playback.state !== "playing" || this.adNow) return;
    // once per run of the entry (repeat "one" plays the same entry again: a new anchor)
    const run = `${playback.entry_id}:${playback.anchor_ms}`;
    if (this.reports.ended === run) return;
    this.reports.ended = run;
    this.transport.emit("player.ended", { entry_id: playback.entry_id });
  }
}

/** The video as lib/user_commands.js reads it. */
function videoNow(state) {
  return { positionMs: state.currentTimeMs, paused: state.paused, rate: state.playbackRate };
}
