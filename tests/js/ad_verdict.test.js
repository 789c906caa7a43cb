import assert from "node:assert/strict";
import { test } from "node:test";

import {
  AD_HEAL_AFTER_MS,
  AD_HEAL_DURATION_TOLERANCE_MS,
  AD_HEAL_POSITION_TOLERANCE_MS,
} from "../../extension/src/constants.js";
import { AdVerdict } from "../../extension/src/lib/ad_verdict.js";

const DURATION = 30_000;

/** Plays 1 s of the room's video (no claim), then a claim starts at t=0 with `start`. */
function claimed({ video = {}, roomPositionMs = 10_000, roomDurationMs = null, before = true } = {}) {
  const verdict = new AdVerdict();
  if (before) {
    verdict.judge({ claimed: false, nowMs: -1_000, entryKey: 1, roomPositionMs: 9_000,
      video: { currentTimeMs: 9_000, paused: false, durationMs: DURATION } });
  }
  const first = verdict.judge({ claimed: true, nowMs: 0, entryKey: 1, roomPositionMs, roomDurationMs,
    video: { currentTimeMs: 10_000, paused: false, durationMs: DURATION, ...video } });
  return { verdict, first };
}

const later = (verdict, atMs, video, extra = {}) =>
  verdict.judge({ claimed: true, nowMs: atMs, entryKey: 1, roomPositionMs: 10_000, ...extra,
    video: { paused: false, durationMs: DURATION, ...video } });

test("a claim counts as an ad at first", () => {
  const { first } = claimed();
  assert.deepEqual(first, { active: true, healed: false });
});

test("a wrong ad heals: the room's video plays on from the room's position", () => {
  const { verdict } = claimed();
  const early = later(verdict, AD_HEAL_AFTER_MS - 100, { currentTimeMs: 10_000 + AD_HEAL_AFTER_MS - 100 });
  assert.equal(early.active, true, `not before ${AD_HEAL_AFTER_MS} ms`);
  const healed = later(verdict, AD_HEAL_AFTER_MS + 100, { currentTimeMs: 10_000 + AD_HEAL_AFTER_MS + 100 });
  assert.deepEqual(healed, { active: false, healed: true });
  // It stays healed while the (wrong) claim lasts, and a new claim starts afresh.
  assert.equal(later(verdict, 5_000, { currentTimeMs: 2_000, paused: true }).active, false);
  verdict.judge({ claimed: false, nowMs: 6_000, entryKey: 1, roomPositionMs: 16_000,
    video: { currentTimeMs: 16_000, paused: false, durationMs: DURATION } });
  assert.equal(later(verdict, 6_100, { currentTimeMs: 16_100 }).active, true);
});

test("a known entry duration is used without having seen the video before", () => {
  const { verdict } = claimed({ before: false, roomDurationMs: DURATION });
  assert.equal(later(verdict, 2_000, { currentTimeMs: 12_000 }, { roomDurationMs: DURATION }).active, false);
  const { verdict: unknown } = claimed({ before: false });
  assert.equal(later(unknown, 2_000, { currentTimeMs: 12_000 }).active, true, "no duration known: no proof");
});

// Table: real ads never heal.
const REAL_ADS = {
  "an ad clip in the same <video> (another duration, restarts at 0)": { currentTimeMs: 2_000, durationMs: 15_000 },
  "another clip of a similar length": { currentTimeMs: 12_000, durationMs: DURATION + AD_HEAL_DURATION_TOLERANCE_MS + 500 },
  "the main video paused under an ad in a second <video>": { currentTimeMs: 10_000, paused: true },
  "the video restarted at 0 (a preroll with the same duration)": { currentTimeMs: 2_000 },
  "the video jumped (not continuous)": { currentTimeMs: 10_000 + 2_000 + AD_HEAL_POSITION_TOLERANCE_MS + 500 },
};
for (const [why, video] of Object.entries(REAL_ADS)) {
  test(`a real ad does not heal: ${why}`, () => {
    const { verdict } = claimed();
    for (const at of [1_000, 2_000, 4_000]) {
      const shift = at - 2_000;
      const v = { ...video, currentTimeMs: video.currentTimeMs + (video.paused ? 0 : shift) };
      assert.equal(later(verdict, at, v).active, true, `${why} at ${at} ms`);
    }
  });
}

test("a claim that began away from the room's position does not heal", () => {
  const { verdict } = claimed({ roomPositionMs: 10_000 + AD_HEAL_POSITION_TOLERANCE_MS + 500 });
  assert.equal(later(verdict, 3_000, { currentTimeMs: 13_000 }).active, true);
});

test("a new entry forgets the old one's duration and claim", () => {
  const { verdict } = claimed();
  const next = verdict.judge({ claimed: true, nowMs: 2_000, entryKey: 2, roomPositionMs: 0,
    video: { currentTimeMs: 0, paused: false, durationMs: DURATION } });
  assert.equal(next.active, true);
  assert.equal(verdict.judge({ claimed: true, nowMs: 4_000, entryKey: 2, roomPositionMs: 0,
    video: { currentTimeMs: 2_000, paused: false, durationMs: DURATION } }).active, true, "no duration of entry 2 seen");
});
