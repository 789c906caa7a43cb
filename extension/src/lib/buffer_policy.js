// The room's buffering policy as this player lives it. Pure (no DOM, no timers).
//
//   catch_up  a stalled player rejoins at the live position (the engine's usual seek: nothing
//             to do here)
//   wait      a stall that lasts BUFFER_HOLD_AFTER_MS is reported (player.buffering active)
//             and the server holds the room for it, like an ad; "over" is reported when the
//             player can play again (also when the room stops needing it: paused, another video)
//   ignore    nobody waits and nobody jumps: during a stall the engine does not chase the live
//             position (which would only stall again further on), and afterwards the player keeps
//             the lag the stall cost it (the engine follows the room's clock shifted by that lag)
//             until the room's clock changes course (any command re-syncs everyone)
//
// A stall: the room's clock runs (or holds for this very player's stall) and the player is
// buffering (a `waiting` event not yet followed by `playing`/`canplay`) or has too little data
// to play (readyState < 3; a reported stall lasts until readyState 4), and no ad plays here.

import { BUFFER_HOLD_AFTER_MS, DRIFT_SEEK_MS } from "../constants.js";
import { expectedPositionMs, isScheduledStart } from "../../../clients/core/room_position.js";
import { clockKey } from "./seek_fights.js";

/**
 * The room's clock shifted `lagMs` back (what a lagging "ignore" player follows): position_ms
 * moves back; what would go below 0 moves the anchor later instead (same clock, lagMs behind).
 */
export function lagging(playback, lagMs) {
  if (!lagMs) return playback;
  const position = (playback.position_ms ?? 0) - lagMs;
  if (position >= 0) return { ...playback, position_ms: position };
  const rate = playback.rate || 1;
  return { ...playback, position_ms: 0, anchor_ms: (playback.anchor_ms ?? 0) + Math.round(-position / rate) };
}

export class BufferPolicy {
  constructor() {
    this.since = null; // when the current stall began (local ms)
    this.reported = false; // a player.buffering {active: true} is standing
    this.lag = null; // {ms, clock}: the "ignore" lag and the clock course it belongs to
  }

  /**
   * @param {{playback: object, policy?: string, video: {currentTimeMs: number, readyState: number, adActive?: boolean},
   *          buffering: boolean, selfId: number|null, serverNowMs: number, nowMs: number}} input
   * @returns {{report: boolean|null, playback: object}} report: a player.buffering `active` to
   *   send (null: nothing to send); playback: what the sync engine should follow
   */
  observe({ playback, policy = "catch_up", video, buffering, selfId, serverNowMs, nowMs }) {
    const clock = clockKey(playback);
    if (this.lag && (this.lag.clock !== clock || policy !== "ignore")) this.lag = null;
    const runs = playback.state === "playing" && !isScheduledStart(playback, serverNowMs);
    const heldForMe = playback.state === "midroll" && playback.hold === "buffer"
      && (playback.waiting_for || []).includes(selfId);
    const needed = !video.adActive && (runs || heldForMe);
    // Hysteresis: a stall begins when the player cannot play on (readyState < 3) and, once
    // reported, ends only when the browser expects to play through (readyState 4), so a trickle
    // of bytes does not release the room only to stall it again a moment later.
    const starving = buffering || video.readyState < (this.reported ? 4 : 3);
    const stalled = needed && starving;
    let report = null;
    if (stalled) {
      this.since ??= nowMs;
      if (policy === "ignore" && runs) this.keepLag(playback, video, serverNowMs, clock, 0);
      if (policy === "wait" && !this.reported && nowMs - this.since >= BUFFER_HOLD_AFTER_MS) {
        this.reported = true;
        report = true;
      }
    } else {
      if (this.since !== null && policy === "ignore" && runs) this.keepLag(playback, video, serverNowMs, clock, DRIFT_SEEK_MS);
      this.since = null;
      if (this.reported) {
        this.reported = false;
        report = false;
      }
    }
    return { report, playback: lagging(playback, this.lag?.ms || 0) };
  }

  /** The lag is how far the player is behind the room now; below `atLeastMs` there is none. */
  keepLag(playback, video, serverNowMs, clock, atLeastMs) {
    const behind = expectedPositionMs(playback, serverNowMs) - video.currentTimeMs;
    this.lag = behind > atLeastMs ? { ms: Math.round(behind), clock } : null;
  }

  /** The lag an "ignore" player keeps (0 when it follows the room exactly). */
  lagMs() {
    return this.lag?.ms || 0;
  }

  reset() {
    this.since = null;
    this.lag = null;
    // a standing report stays: the next observe() withdraws it once the stall is over
  }
}
