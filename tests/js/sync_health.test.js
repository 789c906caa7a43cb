import assert from "node:assert/strict";
import { test } from "node:test";

import { HEALTH_GREEN_MAX_MS, HEALTH_RTT_YELLOW_MS, HEALTH_YELLOW_MAX_MS } from "../../extension/src/constants.js";
import { playsVideo, roomClockRuns, syncHealth } from "../../extension/src/lib/sync_health.js";

const T0 = 1_700_000_000_000;

function member(fields = {}) {
  return { user_id: 1, connected: true, in_ad: false, devices: ["extension"], offset_ms: 3, rtt_ms: 20, ...fields };
}

test("a measured drift colours the dot: green, yellow, red", () => {
  const playing = { roomPlaying: true };
  assert.equal(syncHealth(member({ drift_ms: 12 }), playing).level, "green");
  assert.equal(syncHealth(member({ drift_ms: -(HEALTH_GREEN_MAX_MS + 1) }), playing).level, "yellow");
  assert.equal(syncHealth(member({ drift_ms: HEALTH_YELLOW_MAX_MS + 1 }), playing).level, "red");
  assert.match(syncHealth(member({ drift_ms: -250 }), playing).label, /^250 ms from the room/);
});

test("an unknown drift while the room plays is 'settling' (grey), never red or yellow", () => {
  for (const drift of [null, undefined]) {
    const health = syncHealth(member({ drift_ms: drift, rtt_ms: 900 }), { roomPlaying: true });
    assert.equal(health.level, "settling");
    assert.match(health.label, /settling/);
  }
});

test("while the room is not playing an unknown drift falls back to the round trip", () => {
  assert.equal(syncHealth(member({ drift_ms: null }), { roomPlaying: false }).level, "green");
  assert.equal(syncHealth(member({ drift_ms: null, rtt_ms: HEALTH_RTT_YELLOW_MS + 1 })).level, "yellow");
});

test("offline is red, an ad is yellow, a phone-only member has no dot colour", () => {
  assert.equal(syncHealth(member({ connected: false })).level, "red");
  assert.equal(syncHealth(null).level, "red");
  assert.equal(syncHealth(member({ in_ad: true, drift_ms: null }), { roomPlaying: true }).level, "yellow");
  const phoneOnly = syncHealth(member({ devices: ["remote"], drift_ms: null }), { roomPlaying: true });
  assert.equal(phoneOnly.level, "none");
  assert.equal(syncHealth(member({ devices: ["extension", "remote"], drift_ms: 5 }), { roomPlaying: true }).level, "green");
});

test("who has a player; when the room's clock runs", () => {
  assert.equal(playsVideo(member({ devices: ["remote"] })), false);
  assert.equal(playsVideo(member({ devices: ["extension", "remote"] })), true);
  assert.equal(playsVideo(member({ devices: undefined })), true, "older servers send no devices");
  const playing = { state: "playing", anchor_ms: T0, position_ms: 0, rate: 1 };
  assert.equal(roomClockRuns(playing, T0 - 1), false, "a scheduled start is still ahead");
  assert.equal(roomClockRuns(playing, T0), true);
  assert.equal(roomClockRuns({ ...playing, state: "paused" }, T0 + 5), false);
  assert.equal(roomClockRuns(null, T0), false);
});
