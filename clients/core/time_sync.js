// time.sync on one connection: a burst of samples right after (re)connect, then one every
// TIME_SYNC_INTERVAL_MS; the min-RTT estimate (clock_sync.js) after every answer. The request
// function is injected ((event, data, timeoutMs) → Promise<ack>, e.g. socket_request.requestAck
// bound to a socket), and so are the clock and the timers, so node --test drives it.

import {
  TIME_SYNC_BURST_GAP_MS,
  TIME_SYNC_BURST_SAMPLES,
  TIME_SYNC_INTERVAL_MS,
  TIME_SYNC_TIMEOUT_MS,
} from "./constants.js";
import { ClockSync } from "./clock_sync.js";

const realTimers = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  every: (ms, fn) => {
    const id = setInterval(fn, ms);
    return () => clearInterval(id);
  },
};

export class TimeSyncRunner {
  /**
   * @param {{request: Function, clock?: ClockSync, now?: () => number, timers?: object,
   *   onEstimate?: (estimate: {offsetMs: number, rttMs: number}) => void,
   *   onRound?: (estimate: object|null) => void, isActive?: () => boolean,
   *   burstSamples?: number}} options
   *   onEstimate: after every accepted sample; onRound: after a burst and after each periodic
   *   sample; isActive: a periodic sample is skipped while this says false (a hidden page).
   */
  constructor({ request, clock = new ClockSync(), now = () => Date.now(), timers = realTimers,
    onEstimate = () => {}, onRound = () => {}, isActive = () => true, burstSamples = TIME_SYNC_BURST_SAMPLES }) {
    this.request = request;
    this.clock = clock;
    this.now = now;
    this.timers = timers;
    this.onEstimate = onEstimate;
    this.onRound = onRound;
    this.isActive = isActive;
    this.burstSamples = burstSamples;
    this.stopTimer = null;
    this.generation = 0;
  }

  /** One round trip; true when it gave a sample. */
  async sampleOnce() {
    const clientSendMs = this.now();
    const answer = await this.request("time.sync", { client_ms: clientSendMs }, TIME_SYNC_TIMEOUT_MS);
    const clientRecvMs = this.now();
    if (!answer || answer.ok === false || !Number.isFinite(answer.server_ms)) return false;
    if (!this.clock.addSample({ clientSendMs, serverMs: answer.server_ms, clientRecvMs })) return false;
    this.onEstimate(this.clock.estimate);
    return true;
  }

  /** A burst of samples; resolves when done (or when stopped/restarted meanwhile). */
  async burst() {
    const generation = this.generation;
    for (let i = 0; i < this.burstSamples && generation === this.generation; i += 1) {
      await this.sampleOnce();
      if (i < this.burstSamples - 1) await this.timers.sleep(TIME_SYNC_BURST_GAP_MS);
    }
    if (generation === this.generation) this.onRound(this.clock.estimate);
  }

  /** Call on every (re)connect: fresh samples, a burst, then the slow cadence. Resolves after the burst. */
  start() {
    this.stop();
    this.generation += 1;
    this.clock.reset();
    this.stopTimer = this.timers.every(TIME_SYNC_INTERVAL_MS, async () => {
      if (!this.isActive()) return;
      if (await this.sampleOnce()) this.onRound(this.clock.estimate);
    });
    return this.burst();
  }

  stop() {
    this.generation += 1;
    if (this.stopTimer) this.stopTimer();
    this.stopTimer = null;
  }

  get estimate() {
    return this.clock.estimate;
  }
}
