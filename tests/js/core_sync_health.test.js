import assert from "node:assert/strict";
import { test } from "node:test";

import { SYNC_HEALTH } from "../../clients/core/constants.js";
import { describeDevices, playsVideo, syncHealth } from "../../clients/core/sync_health.js";

const T0 = 1_700_000_000_000;
const playing = { roomPlaying: true };

function member(fields = {}) {
  return { user_id: 1, connected: true, in_ad: false, devices: ["extension"], offset_ms: 3, rtt_ms: 20, status_ms: T0, ...fields };
}

test("a measured drift colours the dot by the one table: green, yellow, red", () => {
  assert.equal(syncHealth(member({ drift_ms: 12 }), playing).level, "green");
  assert.equal(syncHealth(member({ drift_ms: SYNC_HEALTH.greenMaxDriftMs }), playing).level, "green");
  assert.equal(syncHealth(member({ drift_ms: -(SYNC_HEALTH.greenMaxDriftMs + 1) }), playing).level, "yellow");
  assert.equal(syncHealth(member({ drift_ms: SYNC_HEALTH.yellowMaxDriftMs }), playing).level, "yellow");
  assert.equal(syncHealth(member({ drift_ms: SYNC_HEALTH.yellowMaxDriftMs + 1 }), playing).level, "red");
});

test("the issue's member (200 ms RTT, 60 ms drift) is in sync everywhere; a slow network is yellow", () => {
  const health = syncHealth(member({ rtt_ms: 200, drift_ms: 60 }), playing);
  assert.equal(health.level, "green");
  assert.equal(health.word, "in sync");
  assert.equal(syncHealth(member({ rtt_ms: SYNC_HEALTH.yellowRttMs + 1, drift_ms: 10 }), playing).level, "yellow");
});

test("the words go with the colour: what, how far, offset and round trip", () => {
  const health = syncHealth(member({ drift_ms: -250, offset_ms: -1234, rtt_ms: 87 }), playing);
  assert.equal(health.word, "a little off");
  assert.equal(health.label, "a little off · 250 ms from the room, clock offset -1234 ms, round trip 87 ms");
  assert.equal(syncHealth(member({ drift_ms: 900 }), playing).word, "out of sync");
});

test("an unknown drift while the room plays is 'settling' (grey), never red or yellow", () => {
  for (const drift of [null, undefined]) {
    const health = syncHealth(member({ drift_ms: drift, rtt_ms: 900 }), playing);
    assert.equal(health.level, "settling");
    assert.match(health.label, /^settling · position not measured yet/);
  }
});

test("while the room is not playing an unknown drift falls back to the round trip", () => {
  assert.equal(syncHealth(member({ drift_ms: null }), { roomPlaying: false }).level, "green");
  assert.equal(syncHealth(member({ drift_ms: null, rtt_ms: SYNC_HEALTH.yellowRttMs + 1 })).level, "yellow");
});

test("nothing measured yet is 'settling', not a green claim", () => {
  const fresh = member({ rtt_ms: 0, offset_ms: 0, status_ms: null, drift_ms: null });
  assert.deepEqual(syncHealth(fresh), { level: "settling", word: "settling", label: "settling · no sync report yet" });
});

test("offline is red, an ad or buffering is yellow, a phone-only member has no player", () => {
  assert.equal(syncHealth(member({ connected: false })).level, "red");
  assert.equal(syncHealth(null).label, "offline");
  assert.equal(syncHealth(member({ in_ad: true, drift_ms: null }), playing).level, "yellow");
  assert.equal(syncHealth(member({ in_ad: true })).word, "watching an ad");
  const buffering = syncHealth(member({ buffering: true, drift_ms: 5 }), playing);
  assert.equal(buffering.level, "yellow");
  assert.match(buffering.label, /buffering/);
  assert.equal(syncHealth(member({ buffering: true, drift_ms: 900 }), playing).level, "red", "buffering never hides red");
  const phoneOnly = syncHealth(member({ devices: ["remote"], drift_ms: null }), playing);
  assert.equal(phoneOnly.level, "none");
  assert.equal(syncHealth(member({ devices: ["extension", "remote"], drift_ms: 5 }), playing).level, "green");
});

test("who has a player; how devices read", () => {
  assert.equal(playsVideo(member({ devices: ["remote"] })), false);
  assert.equal(playsVideo(member({ devices: ["extension", "remote"] })), true);
  assert.equal(playsVideo(member({ devices: undefined })), true, "older servers send no devices");
  assert.equal(describeDevices(["extension", "remote"]), "Browser + phone");
  assert.equal(describeDevices(["remote"]), "Phone only");
  assert.equal(describeDevices(["extension"]), "Browser");
  assert.equal(describeDevices(undefined), "");
});
