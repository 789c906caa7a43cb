// How long this player freezes on a seek, learnt from the seeks the engine made (EWMA).
// A seek while playing lands `latency` late, so the engine aims that far ahead. Pure.

import {
  SEEK_LATENCY_EWMA_ALPHA,
  SEEK_LATENCY_INITIAL_MS,
  SEEK_LATENCY_MAX_MS,
} from "../constants.js";

export class SeekLatency {
  constructor({
    initialMs = SEEK_LATENCY_INITIAL_MS,
    alpha = SEEK_LATENCY_EWMA_ALPHA,
    maxMs = SEEK_LATENCY_MAX_MS,
  } = {}) {
    this.estimateMs = initialMs;
    this.alpha = alpha;
    this.maxMs = maxMs;
    this.samples = 0;
  }

  /** Folds in one observed seek (issue → seeked); stalls longer than maxMs are ignored. */
  observe(sampleMs) {
    if (!Number.isFinite(sampleMs) || sampleMs < 0 || sampleMs > this.maxMs) return false;
    this.estimateMs = this.alpha * sampleMs + (1 - this.alpha) * this.estimateMs;
    this.samples += 1;
    return true;
  }
}
