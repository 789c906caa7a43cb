// The room clock as the phone sees it. Pure: no timers, no I/O.
//
// Offset: NTP-style, offset = server_ms - local_ms from `time.sync` round trips; of the last
// KEEP_SAMPLES samples the one with the smallest round trip wins (its error is at most rtt/2).
// Position: while `playing`, position_ms + (serverNow - anchor_ms) * rate, never below
// position_ms (an anchor in the future is a scheduled start) and never past the duration.

export const KEEP_SAMPLES = 8;

export class ServerClock {
  constructor(keep = KEEP_SAMPLES) {
    this.keep = keep;
    this.samples = [];
  }

  /** One time.sync answer; false when impossible (negative round trip, non-numbers). */
  addSample(clientSendMs, serverMs, clientRecvMs) {
    if (![clientSendMs, serverMs, clientRecvMs].every(Number.isFinite)) return false;
    const rttMs = clientRecvMs - clientSendMs;
    if (rttMs < 0) return false;
    this.samples.push({ offsetMs: serverMs - (clientSendMs + clientRecvMs) / 2, rttMs });
    if (this.samples.length > this.keep) this.samples.shift();
    return true;
  }

  best() {
    let best = null;
    for (const s of this.samples) if (!best || s.rttMs < best.rttMs) best = s;
    return best;
  }

  get offsetMs() {
    const b = this.best();
    return b ? Math.round(b.offsetMs) : 0;
  }

  get rttMs() {
    const b = this.best();
    return b ? Math.round(b.rttMs) : 0;
  }

  get hasEstimate() {
    return this.samples.length > 0;
  }

  serverNow(localNowMs) {
    return localNowMs + this.offsetMs;
  }

  /** A first guess from a single server stamp (hello / room.server_ms) before any round trip. */
  seed(serverMs, localNowMs) {
    if (!this.hasEstimate && Number.isFinite(serverMs)) this.seedOffsetMs = serverMs - localNowMs;
  }

  serverNowOrSeed(localNowMs) {
    return this.hasEstimate ? this.serverNow(localNowMs) : localNowMs + (this.seedOffsetMs ?? 0);
  }
}

/** The room position (ms) at server time `serverNowMs`. */
export function positionAt(playback, serverNowMs) {
  if (!playback) return 0;
  const base = Number(playback.position_ms) || 0;
  let position = base;
  if (playback.state === "playing") {
    const elapsed = (serverNowMs - (Number(playback.anchor_ms) || 0)) * (Number(playback.rate) || 1);
    position = base + Math.max(0, Math.round(elapsed));
  }
  const duration = Number(playback.duration_ms);
  if (Number.isFinite(duration) && duration > 0 && position > duration) position = Math.max(duration, base);
  return position;
}

/** "1:05", "12:00", "1:02:03" from milliseconds. */
export function formatTime(ms) {
  const total = Math.max(0, Math.floor((Number(ms) || 0) / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

/** A seek target `deltaMs` away from `positionMs`, clamped to [0, duration]. */
export function seekTarget(positionMs, deltaMs, durationMs) {
  let target = Math.max(0, Math.round(positionMs + deltaMs));
  if (Number.isFinite(durationMs) && durationMs > 0) target = Math.min(target, Math.max(0, durationMs - 1000));
  return target;
}

/** Where a pointer at `clientX` over a bar [left, left+width] points, in ms of `durationMs`. */
export function positionFromPointer(clientX, left, width, durationMs) {
  if (!(width > 0) || !(durationMs > 0)) return 0;
  const fraction = Math.min(1, Math.max(0, (clientX - left) / width));
  return Math.round(fraction * durationMs);
}
