// Start on the anchor (issue 13, item 7): the engine learns how late this player really starts
// after play() and asks for play() that much before the anchor.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  START_LATENCY_INITIAL_MS,
  START_LATENCY_MAX_MS,
  START_LATENCY_STILL_INITIAL_MS,
  START_PROBE_AFTER_MS,
} from "../../extension/src/constants.js";
import { StartLatency } from "../../extension/src/lib/start_latency.js";
import { SyncEngine } from "../../extension/src/lib/sync_engine.js";

const ANCHOR = 1_700_000_000_000;
const playback = { state: "playing", entry_id: 1, video_id: "dQw4w9WgXcQ", position_ms: 10_000, anchor_ms: ANCHOR, rate: 1 };
const held = (fields = {}) => ({ currentTimeMs: 10_000, paused: true, playbackRate: 1, seeking: false, adActive: false, ...fields });

/**
 * One scheduled start on a simulated player whose play() takes `latencyMs` to advance: the
 * engine holds, the loop plays at startInMs - earlyMs, and the engine looks 200 ms after the
 * anchor. Returns the lag behind the room it saw (ms) and the hold decision.
 */
function oneStart(engine, latencyMs) {
  const hold = engine.decide({ playback, serverNowMs: ANCHOR - 300, localNowMs: 0, video: held() });
  assert.equal(hold.action, "hold");
  const playAt = ANCHOR - hold.earlyMs; // the loop's timer
  const advancingFrom = playAt + latencyMs;
  const look = ANCHOR + 200;
  const position = 10_000 + Math.max(0, look - advancingFrom);
  const decision = engine.decide({ playback, serverNowMs: look, localNowMs: 500, video: held({ paused: false, currentTimeMs: position }) });
  return { lag: 10_200 - position, hold, decision };
}

test("the first hold asks for play() the initial estimate early", () => {
  const { hold } = oneStart(new SyncEngine(), 75);
  assert.equal(hold.earlyMs, START_LATENCY_INITIAL_MS);
});

test("after a few starts a slow (130 ms) player starts within 10 ms of the anchor", () => {
  const engine = new SyncEngine();
  const lags = [];
  for (let i = 0; i < 8; i += 1) lags.push(oneStart(engine, 130).lag);
  assert.ok(lags[0] > 50, `the first start was late: ${lags}`);
  assert.ok(Math.abs(lags.at(-1)) <= 10, `lags ${lags.map((x) => x.toFixed(1))}`);
  assert.ok(Math.abs(engine.startLatency.estimateMs - 130) < 10, `estimate ${engine.startLatency.estimateMs}`);
});

test("a fast player (10 ms) is not started too early", () => {
  const engine = new SyncEngine();
  for (let i = 0; i < 9; i += 1) oneStart(engine, 10);
  assert.ok(Math.abs(oneStart(engine, 10).lag) <= 5);
});

test("one slowed or stalled start (load, buffering) does not teach a huge lead", () => {
  const engine = new SyncEngine();
  for (let i = 0; i < 5; i += 1) oneStart(engine, 70);
  oneStart(engine, 900); // a stall: 900 ms before it advanced (not learnt at all)
  oneStart(engine, 230); // a start slowed by a busy machine (learnt, but outvoted)
  assert.ok(Math.abs(engine.startLatency.estimateMs - 70) < 5, `estimate ${engine.startLatency.estimateMs}`);
  assert.ok(Math.abs(oneStart(engine, 70).lag) <= 5, "the next normal start is on the anchor");
});

test("a player started early and already running near the anchor is left alone (not paused again)", () => {
  const engine = new SyncEngine();
  const hold = engine.decide({ playback, serverNowMs: ANCHOR - 300, localNowMs: 0, video: held() });
  const decision = engine.decide({
    playback, serverNowMs: ANCHOR - hold.earlyMs + 5, localNowMs: 300, video: held({ paused: false, currentTimeMs: 10_000 }),
  });
  assert.equal(decision.action, "none", decision.reason);
  // ... but a video playing long before its anchor is still held.
  const early = engine.decide({ playback, serverNowMs: ANCHOR - 250, localNowMs: 350, video: held({ paused: false }) });
  assert.equal(early.action, "pause");
});

test("the start is measured once, after START_PROBE_AFTER_MS, and stalls are not learnt", () => {
  const latency = new StartLatency();
  assert.equal(latency.observe(START_LATENCY_MAX_MS + 100, 0), false, "a stall is not latency");
  assert.equal(latency.estimateMs, START_LATENCY_INITIAL_MS);
  const engine = new SyncEngine();
  engine.decide({ playback, serverNowMs: ANCHOR - 300, localNowMs: 0, video: held() });
  engine.decide({ playback, serverNowMs: ANCHOR + START_PROBE_AFTER_MS - 50, localNowMs: 400,
    video: held({ paused: false, currentTimeMs: 10_000 }) });
  assert.equal(engine.startLatency.samples, 0, "too soon after the anchor");
  engine.decide({ playback, serverNowMs: ANCHOR + 200, localNowMs: 500, video: held({ paused: false, currentTimeMs: 10_150 }) });
  engine.decide({ playback, serverNowMs: ANCHOR + 400, localNowMs: 700, video: held({ paused: false, currentTimeMs: 10_300 }) });
  assert.equal(engine.startLatency.samples, 1);
});

test("a video only paused since it played starts at once; one that seeked starts late: learnt apart", () => {
  const engine = new SyncEngine();
  const still = engine.decide({ playback, serverNowMs: ANCHOR - 300, localNowMs: 0, video: held({ seekedSincePlay: false }) });
  assert.equal(still.earlyMs, START_LATENCY_STILL_INITIAL_MS);
  const seeked = engine.decide({ playback, serverNowMs: ANCHOR - 290, localNowMs: 10, video: held({ seekedSincePlay: true }) });
  assert.equal(seeked.earlyMs, START_LATENCY_INITIAL_MS);
  // A still start measured 15 ms late teaches the still latency only.
  engine.decide({ playback, serverNowMs: ANCHOR - 280, localNowMs: 20, video: held({ seekedSincePlay: false }) });
  engine.decide({ playback, serverNowMs: ANCHOR + 200, localNowMs: 500, video: held({ paused: false, currentTimeMs: 10_185 }) });
  assert.equal(engine.stillStartLatency.estimateMs, 15);
  assert.equal(engine.startLatency.estimateMs, START_LATENCY_INITIAL_MS);
  assert.equal(engine.startLatency.samples, 0);
});
