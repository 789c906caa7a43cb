import assert from "node:assert/strict";
import { test } from "node:test";

import { EchoGuard } from "../../extension/src/lib/echo_guard.js";
import { SyncEngine } from "../../extension/src/lib/sync_engine.js";

test("a pause the engine caused is not sent back; a later pause by the user is", () => {
  const echoes = new EchoGuard();
  echoes.expect("pause", null, 2_000);
  assert.equal(echoes.isEcho({ kind: "pause", atMs: 1_100 }), true);
  assert.equal(echoes.isEcho({ kind: "pause", atMs: 1_200 }), false, "used up once");
});

test("an expectation expires: the same event after its window is the user's", () => {
  const echoes = new EchoGuard();
  echoes.expect("play", null, 2_000);
  assert.equal(echoes.isEcho({ kind: "play", atMs: 2_001 }), false);
});

test("a seek is ours only near the engine's target; a user's seek elsewhere goes through", () => {
  const echoes = new EchoGuard();
  echoes.expect("seek", 60_000, 5_000);
  assert.equal(echoes.isEcho({ kind: "seek", value: 120_000, atMs: 1_000 }), false);
  assert.equal(echoes.isEcho({ kind: "seek", value: 60_120, atMs: 1_000 }), true);
});

test("a rate nudge echoes; the user's choice of 1.5x right after does not", () => {
  const echoes = new EchoGuard();
  echoes.expect("rate", 0.95, 5_000);
  assert.equal(echoes.isEcho({ kind: "rate", value: 1.5, atMs: 100 }), false);
  assert.equal(echoes.isEcho({ kind: "rate", value: 0.95, atMs: 100 }), true);
});

test("the engine registers the echoes of its own decision", () => {
  const engine = new SyncEngine();
  const video = { currentTimeMs: 0, paused: true, playbackRate: 1, seeking: false };
  engine.expectEchoesOf({ action: "play", seekToMs: 10_000, rate: 1 }, video, 0);
  assert.equal(engine.isEcho({ kind: "seek", value: 10_050, atMs: 100 }), true);
  assert.equal(engine.isEcho({ kind: "play", atMs: 120 }), true);
  assert.equal(engine.isEcho({ kind: "rate", value: 1, atMs: 120 }), false, "rate did not change");
  engine.expectEchoesOf({ action: "rate", rate: 1.05 }, video, 0);
  assert.equal(engine.isEcho({ kind: "rate", value: 1.05, atMs: 200 }), true);
});

test("an unknown echo kind is a programming error", () => {
  assert.throws(() => new EchoGuard().expect("volume", 1, 10));
});
