// A wrong "ad" heals by itself. The page may claim an ad (lib/ad_rules.js) while the player in
// fact plays the room's video at the room's position (a leftover YouTube forgot to hide, a
// class it forgot to remove): after AD_HEAL_AFTER_MS of such evidence the claim is withdrawn,
// so the room is not held for an ad nobody sees. Pure.
//
// The evidence, all of it needed: the video plays (not paused); it plays the room's content
// (its duration is the entry's, within AD_HEAL_DURATION_TOLERANCE_MS: an ad is another clip);
// when the claim began it stood at the room's position; and it has moved on continuously from
// there at the room's rate since (an ad played in the same <video> restarts at 0).

import {
  AD_HEAL_AFTER_MS,
  AD_HEAL_DURATION_TOLERANCE_MS,
  AD_HEAL_POSITION_TOLERANCE_MS,
} from "../constants.js";

const near = (a, b, tolerance) => Number.isFinite(a) && Number.isFinite(b) && Math.abs(a - b) <= tolerance;

export class AdVerdict {
  constructor() {
    this.claim = null; // {sinceMs, videoMs, roomMs, healed}
    this.entryKey = null;
    this.contentDurationMs = null; // the entry's duration as this player saw it without an ad
  }

  /**
   * @param {{claimed: boolean, nowMs: number, entryKey: string|number|null,
   *          video: {currentTimeMs: number, paused: boolean, durationMs: number|null},
   *          roomPositionMs: number|null, roomRate: number, roomDurationMs?: number|null}} input
   * @returns {{active: boolean, healed: boolean}}
   */
  judge({ claimed, nowMs, entryKey, video, roomPositionMs, roomRate = 1, roomDurationMs = null }) {
    if (entryKey !== this.entryKey) {
      this.entryKey = entryKey;
      this.contentDurationMs = null;
      this.claim = null;
    }
    if (!claimed) {
      this.claim = null;
      if (Number.isFinite(video.durationMs) && video.durationMs > 0) this.contentDurationMs = video.durationMs;
      return { active: false, healed: false };
    }
    if (!this.claim) {
      this.claim = { sinceMs: nowMs, videoMs: video.currentTimeMs, roomMs: roomPositionMs, healed: false };
    }
    const claim = this.claim;
    if (!claim.healed && this.playsTheRoom(claim, { nowMs, video, roomRate, roomDurationMs })) {
      claim.healed = true;
    }
    return { active: !claim.healed, healed: claim.healed };
  }

  playsTheRoom(claim, { nowMs, video, roomRate, roomDurationMs }) {
    const elapsed = nowMs - claim.sinceMs;
    if (elapsed < AD_HEAL_AFTER_MS || video.paused) return false;
    const contentMs = roomDurationMs > 0 ? roomDurationMs : this.contentDurationMs;
    if (!near(video.durationMs, contentMs, AD_HEAL_DURATION_TOLERANCE_MS)) return false;
    if (!near(claim.videoMs, claim.roomMs, AD_HEAL_POSITION_TOLERANCE_MS)) return false;
    const expected = claim.videoMs + elapsed * roomRate;
    return near(video.currentTimeMs, expected, AD_HEAL_POSITION_TOLERANCE_MS);
  }
}
