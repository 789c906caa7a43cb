import assert from "node:assert/strict";
import { test } from "node:test";

import { USER_INPUT_WINDOW_MS } from "../../extension/src/constants.js";
import { personCaused } from "../../extension/src/lib/input_cause.js";

test("a media event right after the person's input is theirs; long after it is not", () => {
  assert.equal(personCaused({ nowMs: 1_000, lastInputAtMs: 900, pointerDown: false }), true);
  assert.equal(personCaused({ nowMs: 900 + USER_INPUT_WINDOW_MS, lastInputAtMs: 900, pointerDown: false }), false);
  assert.equal(personCaused({ nowMs: 10_000, lastInputAtMs: 900, pointerDown: true }), true, "dragging");
});

test("the video's reload after an ad is not the person's, even within the window of a key pressed before the ad", () => {
  // Home pressed at 1000, an ad showed until 1400, the page reloads the video at 1500.
  assert.equal(personCaused({ nowMs: 1_500, lastInputAtMs: 1_000, pointerDown: false, adSeenAtMs: 1_400 }), false);
  // ... and a drag begun before the ad neither.
  assert.equal(personCaused({ nowMs: 1_500, lastInputAtMs: 1_000, pointerDown: true, adSeenAtMs: 1_400 }), false);
});

test("input after the ad counts again at once", () => {
  assert.equal(personCaused({ nowMs: 1_700, lastInputAtMs: 1_600, pointerDown: false, adSeenAtMs: 1_400 }), true);
});

test("the window's edges: its last millisecond counts; input at the very instant an ad was seen does not", () => {
  assert.equal(personCaused({ nowMs: 900 + USER_INPUT_WINDOW_MS - 1, lastInputAtMs: 900, pointerDown: false }), true);
  assert.equal(personCaused({ nowMs: 1_500, lastInputAtMs: 1_400, pointerDown: false, adSeenAtMs: 1_400 }), false);
});
