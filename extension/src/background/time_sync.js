// time.sync on one socket: a burst of samples right after (re)connect, then one every 30 s.
// The min-RTT estimate (lib/clock_sync.js) goes to `onEstimate` after every answer.

import {
  TIME_SYNC_BURST_GAP_MS,
  TIME_SYNC_BURST_SAMPLES,
  TIME_SYNC_INTERVAL_MS,
  TIME_SYNC_TIMEOUT_MS,
} from "../constants.js";
import { ClockSync } from "../lib/clock_sync.js";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class TimeSyncRunner {
  constructor(socket, onEstimate) {
    this.socket = socket;
    this.onEstimate = onEstimate;
    this.clock = new ClockSync();
    this.timer = null;
    this.generation = 0;
  }

  async sampleOnce() {
    const clientSendMs = Date.now();
    let answer;
    try {
      answer = await this.socket.timeout(TIME_SYNC_TIMEOUT_MS).emitWithAck("time.sync", { client_ms: clientSendMs });
    } catch {
      return false; // no answer in time: the sample is dropped
    }
    const clientRecvMs = Date.now();
    if (!answer || answer.ok === false || !Number.isFinite(answer.server_ms)) return false;
    if (!this.clock.addSample({ clientSendMs, serverMs: answer.server_ms, clientRecvMs })) return false;
    this.onEstimate({ offsetMs: this.clock.offsetMs, rttMs: this.clock.rttMs });
    return true;
  }

  /** Call on every (re)connect: a fresh burst, then the slow cadence. */
  start() {
    this.stop();
    const generation = ++this.generation;
    this.clock.reset();
    (async () => {
      for (let i = 0; i < TIME_SYNC_BURST_SAMPLES && generation === this.generation; i += 1) {
        await this.sampleOnce();
        await sleep(TIME_SYNC_BURST_GAP_MS);
      }
    })();
    this.timer = setInterval(() => this.sampleOnce(), TIME_SYNC_INTERVAL_MS);
  }

  stop() {
    this.generation += 1;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  get estimate() {
    return this.clock.hasEstimate ? { offsetMs: this.clock.offsetMs, rttMs: this.clock.rttMs } : null;
  }
}
