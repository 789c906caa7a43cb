// How late this player really starts after play(): the lag between the room's anchor and the
// instant the video advances, learnt from the scheduled starts the engine made. The sync loop
// calls play() that much before the anchor. Pure.
//
// A start issued `earlyMs` before the anchor that measures `lagMs` behind the room shortly
// after the anchor had a true latency of lagMs + earlyMs. The estimate is the median of the
// last few samples: one start slowed by a busy machine must not make the next one early.

import {
  START_LATENCY_CAP_MS,
  START_LATENCY_INITIAL_MS,
  START_LATENCY_MAX_MS,
  START_LATENCY_SAMPLES,
} from "../constants.js";

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export class StartLatency {
  constructor({ initialMs = START_LATENCY_INITIAL_MS, maxMs = START_LATENCY_MAX_MS, keep = START_LATENCY_SAMPLES } = {}) {
    this.estimateMs = initialMs;
    this.maxMs = maxMs;
    this.keep = keep;
    this.recent = [];
    this.samples = 0;
  }

  /** One measured start: it began `earlyMs` before the anchor and stood `lagMs` behind after. */
  observe(lagMs, earlyMs) {
    const sample = lagMs + earlyMs;
    if (!Number.isFinite(sample) || sample < -this.maxMs || sample > this.maxMs) return false;
    this.recent = [...this.recent, sample].slice(-this.keep);
    this.estimateMs = Math.min(START_LATENCY_CAP_MS, Math.max(0, median(this.recent)));
    this.samples += 1;
    return true;
  }
}
