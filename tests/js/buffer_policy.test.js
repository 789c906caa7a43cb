import assert from "node:assert/strict";
import { test } from "node:test";

import { BUFFER_HOLD_AFTER_MS, DRIFT_SEEK_MS } from "../../extension/src/constants.js";
import { BufferPolicy, lagging } from "../../extension/src/lib/buffer_policy.js";
import { expectedPositionMs } from "../../clients/core/room_position.js";

const T0 = 1_700_000_000_000;
const ME = 7;
const room = (_policy, fields = {}) => ({
  state: "playing", entry_id: 1, position_ms: 10_000, anchor_ms: T0, rate: 1, ...fields,
});
const playingFine = { currentTimeMs: 10_000, readyState: 4 };
const starving = { currentTimeMs: 10_000, readyState: 2 };

function run(policy, steps, fields = {}) {
  // steps: [[afterMs, video, buffering]] → the reports sent along the way
  const buffer = new BufferPolicy();
  const reports = [];
  let last;
  for (const [at, video, buffering = false] of steps) {
    last = buffer.observe({ policy, playback: room(policy, fields), video, buffering, selfId: ME, serverNowMs: T0 + at, nowMs: at });
    if (last.report !== null) reports.push([at, last.report]);
  }
  return { reports, last, buffer };
}

const stall = (from, to, step = 250) => {
  const steps = [];
  for (let at = from; at <= to; at += step) steps.push([at, starving]);
  return steps;
};

const table = [
  // [what, policy, steps, reports]
  ["wait: a short stall (< 1.5 s) is never reported", "wait", [...stall(0, 1_250), [1_500, playingFine]], []],
  ["wait: a stall of 1.5 s is reported once, and its end once", "wait",
    [...stall(0, 3_000), [3_250, playingFine], [3_500, playingFine]], [[BUFFER_HOLD_AFTER_MS, true], [3_250, false]]],
  ["wait: a `waiting` event counts as a stall even with data", "wait",
    [[0, playingFine, true], [1_000, playingFine, true], [1_600, playingFine, true], [1_700, playingFine, false]],
    [[1_600, true], [1_700, false]]],
  ["catch_up: stalls are never reported (the engine catches up)", "catch_up", [...stall(0, 5_000), [5_250, playingFine]], []],
  ["ignore: stalls are never reported", "ignore", [...stall(0, 5_000), [5_250, playingFine]], []],
];

for (const [what, policy, steps, reports] of table) {
  test(`buffer policy: ${what}`, () => assert.deepEqual(run(policy, steps).reports, reports));
}

test("wait: no stall is counted while the room waits for its anchor, is paused, or an ad plays here", () => {
  for (const fields of [{ anchor_ms: T0 + 60_000 }, { state: "paused" }, { state: "starting" }]) {
    assert.deepEqual(run("wait", stall(0, 3_000), fields).reports, [], JSON.stringify(fields));
  }
  const ad = stall(0, 3_000).map(([at, video]) => [at, { ...video, adActive: true }]);
  assert.deepEqual(run("wait", ad).reports, []);
});

test("wait: while the room holds for this player's stall, the stall goes on until it can play", () => {
  const held = { state: "midroll", hold: "buffer", waiting_for: [ME] };
  const buffer = new BufferPolicy();
  const see = (at, video, fields = {}) => buffer.observe({
    policy: "wait", playback: room("wait", fields), video, buffering: false, selfId: ME, serverNowMs: T0 + at, nowMs: at,
  }).report;
  assert.equal(see(0, starving), null);
  assert.equal(see(1_600, starving), true);
  assert.equal(see(2_000, starving, held), null, "held for me and still starving: no change");
  assert.equal(see(4_000, playingFine, held), false, "can play: the hold is released");
});

test("wait: a standing report is withdrawn when the room stops needing this player (paused)", () => {
  const buffer = new BufferPolicy();
  buffer.observe({ policy: "wait", playback: room("wait"), video: starving, buffering: false, selfId: ME, serverNowMs: T0, nowMs: 0 });
  assert.equal(buffer.observe({ policy: "wait", playback: room("wait"), video: starving, buffering: false, selfId: ME, serverNowMs: T0 + 1_600, nowMs: 1_600 }).report, true);
  assert.equal(buffer.observe({ policy: "wait", playback: room("wait", { state: "paused" }), video: starving, buffering: false, selfId: ME, serverNowMs: T0 + 1_700, nowMs: 1_700 }).report, false);
});

test("ignore: after a stall the player follows the room shifted by the lag the stall cost it", () => {
  const buffer = new BufferPolicy();
  const at = (ms, video) => buffer.observe({ policy: "ignore", playback: room("ignore"), video, buffering: false, selfId: ME, serverNowMs: T0 + ms, nowMs: ms });
  at(0, starving);
  at(2_000, starving);
  const after = at(3_000, { currentTimeMs: 10_400, readyState: 4 }); // the room is at 13 000
  assert.equal(buffer.lagMs(), 2_600);
  assert.equal(after.playback.position_ms, 10_000 - 2_600);
  // Any change of the room's clock course (a seek, a pause, a new entry) ends the lag.
  const seeked = buffer.observe({ policy: "ignore", playback: room("ignore", { position_ms: 50_000, anchor_ms: T0 + 4_000 }), video: playingFine, buffering: false, selfId: ME, serverNowMs: T0 + 5_000, nowMs: 5_000 });
  assert.equal(seeked.playback.position_ms, 50_000);
  assert.equal(buffer.lagMs(), 0);
});

test("ignore: a lag the engine would nudge away anyway (≤ DRIFT_SEEK_MS) is not kept", () => {
  const buffer = new BufferPolicy();
  const at = (ms, video) => buffer.observe({ policy: "ignore", playback: room("ignore"), video, buffering: false, selfId: ME, serverNowMs: T0 + ms, nowMs: ms });
  at(0, starving);
  at(1_000, { currentTimeMs: 11_000 - DRIFT_SEEK_MS, readyState: 4 });
  assert.equal(buffer.lagMs(), 0);
});

test("catch_up and wait never shift the room's clock", () => {
  for (const policy of ["catch_up", "wait"]) {
    const { last } = run(policy, [...stall(0, 3_000), [3_250, { currentTimeMs: 10_000, readyState: 4 }]]);
    assert.equal(last.playback.position_ms, 10_000, policy);
  }
});

test("lagging() shifts the room's clock back by the lag, moving the anchor where position_ms would go below 0", () => {
  assert.equal(lagging(room("ignore"), 0).position_ms, 10_000);
  assert.equal(lagging(room("ignore"), 4_000).position_ms, 6_000);
  const early = lagging(room("ignore"), 12_000);
  assert.deepEqual([early.position_ms, early.anchor_ms], [0, T0 + 2_000]);
  for (const lag of [4_000, 12_000]) {
    const at = T0 + 20_000;
    assert.equal(expectedPositionMs(lagging(room("ignore"), lag), at), expectedPositionMs(room("ignore"), at) - lag, `lag ${lag}`);
  }
  const fast = lagging(room("ignore", { rate: 2 }), 12_000);
  assert.equal(expectedPositionMs(fast, T0 + 20_000), expectedPositionMs(room("ignore", { rate: 2 }), T0 + 20_000) - 12_000);
});

test("ignore: during a stall the engine is not sent after the live position", () => {
  const buffer = new BufferPolicy();
  const at = (ms, video) => buffer.observe({ policy: "ignore", playback: room("ignore"), video, buffering: false, selfId: ME, serverNowMs: T0 + ms, nowMs: ms });
  at(0, starving);
  const during = at(2_000, starving); // the room is at 12 000, the player stuck at 10 000
  assert.equal(during.playback.position_ms, 10_000 - 2_000, "the engine sees no drift to seek away");
  const catchUp = new BufferPolicy().observe({ policy: "catch_up", playback: room("catch_up"), video: starving, buffering: false, selfId: ME, serverNowMs: T0 + 2_000, nowMs: 2_000 });
  assert.equal(catchUp.playback.position_ms, 10_000, "catch_up chases the live position");
});

test("wait: a reported stall ends only when the player can play through (readyState 4), not on a trickle", () => {
  const buffer = new BufferPolicy();
  const see = (at, readyState) => buffer.observe({
    policy: "wait", playback: room("wait"), video: { currentTimeMs: 10_000, readyState }, buffering: false,
    selfId: ME, serverNowMs: T0 + at, nowMs: at,
  }).report;
  assert.equal(see(0, 2), null);
  assert.equal(see(1_600, 2), true);
  assert.equal(see(2_000, 3), null, "HAVE_FUTURE_DATA after a trickle: still loading");
  assert.equal(see(2_500, 4), false);
});
