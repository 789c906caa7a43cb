// Seek fights with other extensions. Pure (no DOM, no timers).
//
// SponsorBlock (and extensions like it) moves the <video> past a segment by setting
// currentTime. The sync engine sees a large drift and seeks back to the room clock; the other
// extension sees the segment again and skips again: a fight the viewer watches as a flicker.
// This module tells the sync loop when to stop: a forward seek neither the user nor the engine
// made, that comes back to the same target after SEEK_FIGHT_MAX_REVERTS reverts, marks the viewer
// "skipping locally" over [room position, target). The engine then leaves the video alone until
// the room clock passes the target (the viewer rejoins there), or the room's clock itself
// changes (a pause, a seek, another entry: the room's command wins). A skip to the end of a
// segment the room itself skips (skip_segments: Playback.segments) is left alone at once: the
// room's own skip follows within moments.

import {
  SEEK_FIGHT_MAX_REVERTS,
  SEEK_FIGHT_MIN_JUMP_MS,
  SEEK_FIGHT_SAME_TARGET_MS,
  SEEK_FIGHT_WINDOW_MS,
  SKIP_LOCAL_MAX_MS,
} from "../constants.js";

/** What defines the room clock's course: a change of any of these is a new course. */
export function clockKey(playback) {
  if (!playback) return "";
  const { entry_id: entry, state, position_ms: position, anchor_ms: anchor, rate } = playback;
  return `${entry}|${state}|${position}|${anchor}|${rate || 1}`;
}

export class SeekFights {
  constructor() {
    this.streak = null; // {toMs, clock, seen, lastAtMs}: foreign seeks to one target
    this.local = null; // {fromMs, toMs, clock}: the range this viewer skips on its own
  }

  /**
   * A seek neither the user nor the engine made landed at `toMs` while the room clock stood
   * at `roomMs`. Returns true when it is left alone (the viewer now skips locally), false when
   * the engine should revert it as usual.
   * @param {{toMs: number, roomMs: number, clock: string, nowMs: number,
   *          roomSkips?: Array<{start_ms: number, end_ms: number}>}} seek
   */
  foreignSeek({ toMs, roomMs, clock, nowMs, roomSkips = [] }) {
    const jump = toMs - roomMs;
    if (this.local?.clock === clock) return true; // already left alone until the room passes the range
    this.local = null;
    if (jump < SEEK_FIGHT_MIN_JUMP_MS || jump > SKIP_LOCAL_MAX_MS) {
      this.streak = null;
      return false;
    }
    const roomSkipsToo = roomSkips.some((segment) => roomMs >= segment.start_ms - SEEK_FIGHT_SAME_TARGET_MS
      && roomMs < segment.end_ms && Math.abs(toMs - segment.end_ms) <= SEEK_FIGHT_SAME_TARGET_MS);
    if (roomSkipsToo) {
      this.local = { fromMs: roomMs, toMs, clock };
      this.streak = null;
      return true;
    }
    const streak = this.streak;
    const same =
      streak !== null &&
      streak.clock === clock &&
      Math.abs(streak.toMs - toMs) <= SEEK_FIGHT_SAME_TARGET_MS &&
      nowMs - streak.lastAtMs <= SEEK_FIGHT_WINDOW_MS;
    this.streak = same
      ? { ...streak, seen: streak.seen + 1, lastAtMs: nowMs }
      : { toMs, clock, seen: 1, lastAtMs: nowMs };
    // seen n times = reverted n - 1 times so far
    if (this.streak.seen - 1 < SEEK_FIGHT_MAX_REVERTS) return false;
    this.local = { fromMs: roomMs, toMs: Math.max(toMs, this.streak.toMs), clock };
    this.streak = null;
    return true;
  }

  /**
   * Whether the engine leaves the video alone at this moment. The local skip ends (for good)
   * once the room reaches its end, or when the room's clock takes another course.
   * @param {{roomMs: number, clock: string}} now
   */
  skipping({ roomMs, clock }) {
    const local = this.local;
    if (!local) return false;
    if (local.clock !== clock || roomMs >= local.toMs) {
      this.local = null;
      return false;
    }
    return true;
  }

  /** The skipped range while skipping locally, else null. */
  range() {
    return this.local ? { fromMs: this.local.fromMs, toMs: this.local.toMs } : null;
  }

  /** The user acted, a new video or a fresh snapshot: any fight or local skip is over. */
  reset() {
    this.streak = null;
    this.local = null;
  }
}
