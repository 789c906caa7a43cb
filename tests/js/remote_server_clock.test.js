import assert from "node:assert/strict";
import { test } from "node:test";

import {
  formatTime, positionAt, positionFromPointer, seekTarget, ServerClock,
} from "../../mobile_remote/src/lib/server_clock.js";

test("the phone learns the server clock from the fastest of its last 8 round trips", () => {
  const clock = new ServerClock();
  // server runs 2 s ahead; a congested trip (300 ms up, 10 ms down) would mislead by 145 ms
  clock.addSample(1000, 1000 + 300 + 2000, 1310);
  clock.addSample(5000, 5000 + 20 + 2000, 5040);
  assert.equal(clock.offsetMs, 2000);
  assert.equal(clock.rttMs, 40);
  assert.equal(clock.serverNow(10_000), 12_000);
  assert.equal(clock.addSample(10, 20, 5), false, "a negative round trip is impossible");
  for (let i = 0; i < 8; i += 1) clock.addSample(i * 100, i * 100 + 2100, i * 100 + 200);
  assert.equal(clock.samples.length, 8);
  assert.equal(clock.offsetMs, 2000, "old samples are dropped; the best kept one wins");
});

test("before any round trip the seed from hello/join gives a first guess", () => {
  const clock = new ServerClock();
  clock.seed(50_000, 40_000);
  assert.equal(clock.serverNowOrSeed(41_000), 51_000);
  clock.addSample(0, 30, 20);
  assert.equal(clock.serverNowOrSeed(100), 120);
});

test("the progress follows the room clock while playing, and holds otherwise", () => {
  const playing = { state: "playing", position_ms: 10_000, anchor_ms: 1_000_000, rate: 1, duration_ms: 60_000 };
  assert.equal(positionAt(playing, 1_005_000), 15_000);
  assert.equal(positionAt({ ...playing, rate: 2 }, 1_005_000), 20_000);
  assert.equal(positionAt(playing, 999_000), 10_000, "a scheduled start holds at position_ms");
  assert.equal(positionAt(playing, 2_000_000), 60_000, "never past the duration");
  assert.equal(positionAt({ ...playing, state: "paused" }, 1_005_000), 10_000);
  assert.equal(positionAt(null, 5), 0);
});

test("seek buttons and dragging produce positions inside the video", () => {
  assert.equal(seekTarget(5_000, -10_000, 60_000), 0);
  assert.equal(seekTarget(55_000, 10_000, 60_000), 59_000);
  assert.equal(seekTarget(5_000, 10_000, 0), 15_000, "unknown duration: no upper clamp");
  assert.equal(positionFromPointer(180, 20, 320, 100_000), 50_000);
  assert.equal(positionFromPointer(-50, 20, 320, 100_000), 0);
  assert.equal(positionFromPointer(999, 20, 320, 100_000), 100_000);
});

test("times read like a player's", () => {
  assert.equal(formatTime(0), "0:00");
  assert.equal(formatTime(65_400), "1:05");
  assert.equal(formatTime(3_723_000), "1:02:03");
});
