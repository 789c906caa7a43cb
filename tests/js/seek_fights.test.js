import assert from "node:assert/strict";
import { test } from "node:test";

import {
  SEEK_FIGHT_MAX_REVERTS,
  SEEK_FIGHT_MIN_JUMP_MS,
  SEEK_FIGHT_WINDOW_MS,
} from "../../extension/src/constants.js";
import { SeekFights, clockKey } from "../../extension/src/lib/seek_fights.js";

const playing = { entry_id: 3, state: "playing", position_ms: 0, anchor_ms: 1_000, rate: 1 };
const CLOCK = clockKey(playing);

/** A SponsorBlock-like skip of [30 s, 42 s): every return comes back to 42 s. */
function skipOver(fights, { roomMs = 30_000, toMs = 42_000, nowMs = 0, clock = CLOCK } = {}) {
  return fights.foreignSeek({ toMs, roomMs, clock, nowMs });
}

test("the max-reverts ceiling is at most 2 (issue 13: after at most 2 reverts)", () => {
  assert.ok(SEEK_FIGHT_MAX_REVERTS >= 1 && SEEK_FIGHT_MAX_REVERTS <= 2);
});

test("a skip that comes back to the same target is reverted SEEK_FIGHT_MAX_REVERTS times, then left alone", () => {
  const fights = new SeekFights();
  const answers = [];
  for (let i = 0; i <= SEEK_FIGHT_MAX_REVERTS; i += 1) answers.push(skipOver(fights, { nowMs: i * 300, roomMs: 30_000 + i * 300 }));
  assert.deepEqual(answers, [...Array(SEEK_FIGHT_MAX_REVERTS).fill(false), true]);
  assert.deepEqual(fights.range(), { fromMs: 30_000 + SEEK_FIGHT_MAX_REVERTS * 300, toMs: 42_000 });
  assert.equal(fights.skipping({ roomMs: 35_000, clock: CLOCK }), true);
});

const table = [
  // [what, seeks (each {roomMs, toMs, nowMs, clock?}), left alone at the end?]
  ["one foreign skip is simply reverted", [{ roomMs: 30_000, toMs: 42_000, nowMs: 0 }], false],
  ["returns within the target tolerance count as the same target",
    [{ roomMs: 30_000, toMs: 42_000, nowMs: 0 }, { roomMs: 30_100, toMs: 42_300, nowMs: 200 }], SEEK_FIGHT_MAX_REVERTS === 1],
  ["a different target starts a new count",
    [{ roomMs: 30_000, toMs: 42_000, nowMs: 0 }, { roomMs: 30_100, toMs: 60_000, nowMs: 200 }], false],
  ["a return after the window starts a new count",
    [{ roomMs: 30_000, toMs: 42_000, nowMs: 0 }, { roomMs: 30_000, toMs: 42_000, nowMs: SEEK_FIGHT_WINDOW_MS + 1 }], false],
  ["backward foreign seeks are never left alone",
    [{ roomMs: 30_000, toMs: 10_000, nowMs: 0 }, { roomMs: 30_000, toMs: 10_000, nowMs: 100 }, { roomMs: 30_000, toMs: 10_000, nowMs: 200 }], false],
  ["small forward jumps are drift, not a skip",
    [{ roomMs: 30_000, toMs: 30_000 + SEEK_FIGHT_MIN_JUMP_MS - 1, nowMs: 0 }, { roomMs: 30_000, toMs: 30_000 + SEEK_FIGHT_MIN_JUMP_MS - 1, nowMs: 100 }, { roomMs: 30_000, toMs: 30_000 + SEEK_FIGHT_MIN_JUMP_MS - 1, nowMs: 200 }], false],
  ["a jump of half an hour is never left alone",
    [{ roomMs: 0, toMs: 1_800_000, nowMs: 0 }, { roomMs: 0, toMs: 1_800_000, nowMs: 100 }, { roomMs: 0, toMs: 1_800_000, nowMs: 200 }], false],
  ["a return after the room changed course starts a new count",
    [{ roomMs: 30_000, toMs: 42_000, nowMs: 0 }, { roomMs: 30_000, toMs: 42_000, nowMs: 100, clock: "other" }], false],
  ["three returns within the window are always left alone",
    [{ roomMs: 30_000, toMs: 42_000, nowMs: 0 }, { roomMs: 30_000, toMs: 42_000, nowMs: 100 }, { roomMs: 30_000, toMs: 42_000, nowMs: 200 }], true],
];

for (const [what, seeks, leftAlone] of table) {
  test(`seek fights: ${what}`, () => {
    const fights = new SeekFights();
    let last;
    for (const seek of seeks) last = fights.foreignSeek({ clock: CLOCK, ...seek });
    assert.equal(last, leftAlone);
    assert.equal(fights.range() !== null, leftAlone);
  });
}

function skippingLocally() {
  const fights = new SeekFights();
  for (let i = 0; i <= SEEK_FIGHT_MAX_REVERTS; i += 1) skipOver(fights, { nowMs: i * 100 });
  assert.ok(fights.range());
  return fights;
}

test("skipping locally ends when the room clock passes the skipped range, and stays ended", () => {
  const fights = skippingLocally();
  assert.equal(fights.skipping({ roomMs: 41_999, clock: CLOCK }), true);
  assert.equal(fights.skipping({ roomMs: 42_000, clock: CLOCK }), false);
  assert.equal(fights.range(), null);
  assert.equal(fights.skipping({ roomMs: 41_000, clock: CLOCK }), false, "not resumed by a later earlier reading");
});

test("skipping locally ends when the room's clock changes course (a pause, a seek, another entry)", () => {
  for (const change of [{ state: "paused" }, { position_ms: 5_000 }, { entry_id: 4 }, { anchor_ms: 9_000 }, { rate: 1.5 }]) {
    const fights = skippingLocally();
    assert.equal(fights.skipping({ roomMs: 35_000, clock: clockKey({ ...playing, ...change }) }), false, JSON.stringify(change));
  }
});

test("while skipping locally, further foreign seeks on the same course are left alone too", () => {
  const fights = skippingLocally();
  assert.equal(skipOver(fights, { roomMs: 33_000, toMs: 80_000, nowMs: 5_000 }), true);
  assert.deepEqual(fights.range().toMs, 42_000, "the viewer still rejoins where the first skip ended");
});

test("reset (the user acted, a new video) forgets both a fight and a local skip", () => {
  const fights = skippingLocally();
  fights.reset();
  assert.equal(fights.skipping({ roomMs: 35_000, clock: CLOCK }), false);
  assert.equal(skipOver(fights, { nowMs: 1 }), false, "counting starts over");
});

test("clockKey changes with every field of the room clock's course, not with others", () => {
  assert.equal(clockKey({ ...playing, version: 9, waiting_for: [1] }), CLOCK);
  assert.notEqual(clockKey({ ...playing, position_ms: 1 }), CLOCK);
  assert.equal(clockKey(null), "");
});

test("a skip to the end of a segment the room skips too is left alone at once (no revert)", () => {
  const roomSkips = [{ start_ms: 30_000, end_ms: 42_000, category: "sponsor" }];
  const fights = new SeekFights();
  assert.equal(fights.foreignSeek({ toMs: 42_000, roomMs: 30_050, clock: CLOCK, nowMs: 0, roomSkips }), true);
  assert.deepEqual(fights.range(), { fromMs: 30_050, toMs: 42_000 });
  const elsewhere = new SeekFights();
  assert.equal(elsewhere.foreignSeek({ toMs: 50_000, roomMs: 30_050, clock: CLOCK, nowMs: 0, roomSkips }), false,
    "another target is an ordinary foreign seek");
  const before = new SeekFights();
  assert.equal(before.foreignSeek({ toMs: 42_000, roomMs: 20_000, clock: CLOCK, nowMs: 0, roomSkips }), false,
    "the room is nowhere near that segment");
});
