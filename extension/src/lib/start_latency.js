// How late this player really starts after play(): the lag between the room's anchor and the
// instant the video advances, learnt from the scheduled starts the engine made (EWMA). The sync
// loop calls play() that much before the anchor. Pure.
//
// A start issued `earlyMs` before the anchor that measures `lagMs` behind the room shortly
// after the anchor had a true latency of lagMs + earlyMs.

import {
  START_LATENCY_CAP_MS,
  START_LATENCY_EWMA_ALPHA,
  START_LATENCY_INITIAL_MS,
  START_LATENCY_MAX_MS,
} from "../constants.js";

export class StartLatency {
  constructor({
    initialMs = START_LATENCY_INITIAL_MS,
    alpha = START_LATENCY_EWMA_ALPHA,
    maxMs = START_LATENCY_MAX_MS,
  } = {}) {
    this.estimateMs = initialMs;
    this.alpha = alpha;
    this.maxMs = maxMs;
    this.samples = 0;
  }

  /** One measured start: it began `earlyMs` before the anchor and stood `lagMs` behind after. */
  observe(lagMs, earlyMs) {
    const sample = lagMs + earlyMs;
    if (!Number.isFinite(sample) || sample < -this.maxMs || sample > this.maxMs) return false;
    const next = this.alpha * sample + (1 - this.alpha) * this.estimateMs;
    this.estimateMs = Math.min(START_LATENCY_CAP_MS, Math.max(0, next));
    this.samples += 1;
    return true;
  }
}
