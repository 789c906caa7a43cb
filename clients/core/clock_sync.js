// NTP-style estimate of the server clock: offset = server_ms - local_ms (DESIGN.md).
// Each sample is one time.sync round trip {clientSendMs, serverMs, clientRecvMs}; the server
// stamped its time somewhere inside the round trip, best guessed as its middle. Of the last
// TIME_SYNC_KEEP_SAMPLES samples, the one with the smallest round trip is the most precise
// (its error is at most rtt/2), so it alone gives the offset. Before the first round trip a
// single server stamp (hello, a Room's server_ms) may seed a first guess. Pure: no timers, no I/O.

import { TIME_SYNC_KEEP_SAMPLES } from "./constants.js";

/** One sample's offset and round trip, or null when the sample is impossible. */
export function measureSample({ clientSendMs, serverMs, clientRecvMs } = {}) {
  if (![clientSendMs, serverMs, clientRecvMs].every(Number.isFinite)) return null;
  const rttMs = clientRecvMs - clientSendMs;
  if (rttMs < 0) return null;
  return { offsetMs: serverMs - (clientSendMs + clientRecvMs) / 2, rttMs };
}

export class ClockSync {
  constructor({ keep = TIME_SYNC_KEEP_SAMPLES } = {}) {
    this.keep = keep;
    this.samples = [];
    this.seedOffsetMs = null;
  }

  /** Adds one time.sync answer; returns false when it was rejected as impossible. */
  addSample(raw) {
    const sample = measureSample(raw);
    if (!sample) return false;
    this.samples.push(sample);
    if (this.samples.length > this.keep) this.samples.shift();
    return true;
  }

  /** A first guess from one server stamp, used only until the first round trip. */
  seed(serverMs, localNowMs) {
    if (Number.isFinite(serverMs) && Number.isFinite(localNowMs)) this.seedOffsetMs = serverMs - localNowMs;
  }

  /** The min-RTT sample of those kept, or null before the first answer. */
  best() {
    let best = null;
    for (const sample of this.samples) {
      if (!best || sample.rttMs < best.rttMs) best = sample;
    }
    return best;
  }

  /** True once a round trip was measured (a seed alone is not an estimate). */
  get hasEstimate() {
    return this.samples.length > 0;
  }

  /** server_ms - local_ms, rounded to the millisecond (the seed, or 0, before any sample). */
  get offsetMs() {
    const best = this.best();
    if (best) return Math.round(best.offsetMs);
    return this.seedOffsetMs === null ? 0 : Math.round(this.seedOffsetMs);
  }

  /** The round trip of the best sample (0 before any). */
  get rttMs() {
    const best = this.best();
    return best ? Math.round(best.rttMs) : 0;
  }

  /** {offsetMs, rttMs} once measured, else null. */
  get estimate() {
    return this.hasEstimate ? { offsetMs: this.offsetMs, rttMs: this.rttMs } : null;
  }

  serverNow(localNowMs) {
    return localNowMs + this.offsetMs;
  }

  /** Forgets the samples (a new connection may take another route); the seed stays a fallback. */
  reset() {
    this.samples = [];
  }
}
