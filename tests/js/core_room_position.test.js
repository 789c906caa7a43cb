import assert from "node:assert/strict";
import { test } from "node:test";

import { expectedPositionMs, isScheduledStart, roomClockRuns } from "../../clients/core/room_position.js";

const T0 = 1_700_000_000_000;
const playing = (fields = {}) => ({ state: "playing", position_ms: 10_000, anchor_ms: T0, rate: 1, ...fields });

test("while playing the room position follows the room clock, at the room's rate", () => {
  assert.equal(expectedPositionMs(playing(), T0 + 5_000), 15_000);
  assert.equal(expectedPositionMs(playing({ rate: 2 }), T0 + 5_000), 20_000);
  assert.equal(expectedPositionMs(playing({ rate: 0.5 }), T0 + 4_000), 12_000);
});

test("a scheduled start holds everyone at position_ms until the anchor", () => {
  assert.equal(isScheduledStart(playing(), T0 - 1), true);
  assert.equal(isScheduledStart(playing(), T0), false);
  assert.equal(expectedPositionMs(playing(), T0 - 3_000), 10_000, "never below position_ms");
  assert.equal(roomClockRuns(playing(), T0 - 1), false);
  assert.equal(roomClockRuns(playing(), T0), true);
});

test("paused, starting, idle and midroll hold at position_ms; never past the known duration", () => {
  for (const state of ["paused", "starting", "idle", "midroll"]) {
    assert.equal(expectedPositionMs(playing({ state }), T0 + 9_000), 10_000, state);
    assert.equal(roomClockRuns(playing({ state }), T0 + 9_000), false, state);
  }
  assert.equal(expectedPositionMs(playing({ duration_ms: 12_000 }), T0 + 9_000), 12_000);
  assert.equal(expectedPositionMs(playing({ duration_ms: 8_000 }), T0 + 9_000), 10_000, "a bad duration never moves it back");
});

test("no playback is position 0; a playing room with no anchor yet counts from now", () => {
  assert.equal(expectedPositionMs(null, T0), 0);
  assert.equal(expectedPositionMs(playing({ anchor_ms: undefined }), T0), 10_000);
  assert.equal(roomClockRuns(playing({ anchor_ms: undefined }), T0), false);
  assert.equal(roomClockRuns(null, T0), false);
});
