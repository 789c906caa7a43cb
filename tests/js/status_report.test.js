import assert from "node:assert/strict";
import { test } from "node:test";

import { STATUS_SETTLING_MAX_MS } from "../../extension/src/constants.js";
import { isChanging, leavesPositionOut, statusReport } from "../../extension/src/lib/status_report.js";

const T0 = 1_700_000_000_000;
const playing = { state: "playing", entry_id: 7, position_ms: 10_000, anchor_ms: T0, rate: 1 };
const clock = { offsetMs: 12, rttMs: 30 };

function report(fields = {}) {
  return statusReport({
    playback: playing, clock, serverNowMs: T0 + 2_000, buffering: false, settling: false,
    video: { currentTimeMs: 12_040.4, paused: false, readyState: 4 }, ...fields,
  });
}

test("a steady playing player reports its position and its drift from the room", () => {
  assert.deepEqual(report(), {
    entry_id: 7, offset_ms: 12, rtt_ms: 30, buffering: false, server_ms: T0 + 2_000, position_ms: 12_040, drift_ms: 40,
  });
});

test("a report taken while seeking or correcting leaves the position and drift out", () => {
  const settling = report({ settling: true });
  assert.equal("position_ms" in settling, false);
  assert.equal("drift_ms" in settling, false);
  assert.deepEqual([settling.entry_id, settling.offset_ms, settling.rtt_ms], [7, 12, 30], "the clock still goes");
});

test("paused, or before a scheduled start: the position without a drift", () => {
  const paused = report({ playback: { ...playing, state: "paused" }, video: { currentTimeMs: 10_000, paused: true, readyState: 4 } });
  assert.deepEqual([paused.position_ms, "drift_ms" in paused], [10_000, false]);
  const held = report({ serverNowMs: T0 - 300, video: { currentTimeMs: 10_000, paused: true, readyState: 4 } });
  assert.deepEqual([held.position_ms, "drift_ms" in held], [10_000, false]);
  const pausedHere = report({ video: { currentTimeMs: 11_000, paused: true, readyState: 4 } });
  assert.equal("drift_ms" in pausedHere, false, "a player the engine is about to start has no drift yet");
});

test("buffering: the loop's own flag, or a playing room whose player has too little data", () => {
  assert.equal(report({ buffering: true }).buffering, true);
  assert.equal(report({ video: { currentTimeMs: 12_000, paused: false, readyState: 2 } }).buffering, true);
});

test("changing means seeking, a correction in flight, or a user command awaiting the room", () => {
  assert.equal(isChanging({ seeking: false, correcting: false, commandPending: false }), false);
  assert.equal(isChanging({ seeking: true, correcting: false, commandPending: false }), true);
  assert.equal(isChanging({ seeking: false, correcting: true, commandPending: false }), true);
  assert.equal(isChanging({ seeking: false, correcting: false, commandPending: true }), true);
});

test("a change leaves the position out, but not a stalled one nor a player blocked by autoplay", () => {
  assert.equal(leavesPositionOut({ changing: true, changingForMs: 300, blocked: false }), true);
  assert.equal(leavesPositionOut({ changing: false, changingForMs: 0, blocked: false }), false);
  assert.equal(leavesPositionOut({ changing: true, changingForMs: STATUS_SETTLING_MAX_MS, blocked: false }), false, "stalled");
  assert.equal(leavesPositionOut({ changing: true, changingForMs: 300, blocked: true }), false, "waits for a click");
});

test("a viewer skipping locally says so and leaves its position out (it is knowingly ahead)", () => {
  const skipping = report({ skipping: true });
  assert.equal(skipping.skipping, true);
  assert.equal("position_ms" in skipping, false);
  assert.equal("drift_ms" in skipping, false);
  assert.equal("skipping" in report(), false, "not sent when not skipping");
});
