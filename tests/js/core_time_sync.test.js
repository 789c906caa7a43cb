import assert from "node:assert/strict";
import { test } from "node:test";

import { TIME_SYNC_BURST_SAMPLES, TIME_SYNC_INTERVAL_MS, TIME_SYNC_TIMEOUT_MS } from "../../clients/core/constants.js";
import { TimeSyncRunner } from "../../clients/core/time_sync.js";

/** A fake server 2 s ahead of this client, a network whose trips take `trips[i]` ms each way, and manual timers. */
function rig({ trips = [], skewMs = 2_000, fail = () => false } = {}) {
  let now = 1_000_000;
  let periodic = null;
  const asked = [];
  const request = async (event, data, timeoutMs) => {
    asked.push({ event, data, timeoutMs });
    const i = asked.length - 1;
    if (fail(i)) return { ok: false, error: "unavailable", message: "no answer" };
    const oneWay = trips[i] ?? 20;
    now += oneWay;
    const serverMs = now + skewMs;
    now += oneWay;
    return { ok: true, server_ms: serverMs };
  };
  const timers = {
    sleep: async (ms) => {
      now += ms;
    },
    every: (ms, fn) => {
      periodic = { ms, fn };
      return () => {
        periodic = null;
      };
    },
  };
  return { request, timers, now: () => now, asked, tickPeriodic: () => periodic?.fn(), periodic: () => periodic };
}

test("a burst of samples at connect; the fastest round trip gives the offset", async () => {
  const r = rig({ trips: [200, 5, 90, 40, 40, 40, 40, 40] });
  const estimates = [];
  const rounds = [];
  const runner = new TimeSyncRunner({ request: r.request, timers: r.timers, now: r.now, onEstimate: (e) => estimates.push(e), onRound: (e) => rounds.push(e) });
  await runner.start();
  assert.equal(r.asked.length, TIME_SYNC_BURST_SAMPLES);
  assert.ok(r.asked.every((a) => a.event === "time.sync" && a.timeoutMs === TIME_SYNC_TIMEOUT_MS && Number.isFinite(a.data.client_ms)));
  assert.equal(estimates.length, TIME_SYNC_BURST_SAMPLES, "an estimate after every answer");
  assert.deepEqual(estimates[0], { offsetMs: 2_000, rttMs: 400 });
  assert.deepEqual(runner.estimate, { offsetMs: 2_000, rttMs: 10 });
  assert.deepEqual(rounds, [{ offsetMs: 2_000, rttMs: 10 }], "one round reported for the burst");
  assert.equal(r.periodic().ms, TIME_SYNC_INTERVAL_MS);
});

test("unanswered samples are dropped; the periodic sample waits while the page is hidden", async () => {
  let visible = true;
  const r = rig({ fail: (i) => i % 2 === 0 });
  const rounds = [];
  const runner = new TimeSyncRunner({ request: r.request, timers: r.timers, now: r.now, burstSamples: 4,
    isActive: () => visible, onRound: (e) => rounds.push(e) });
  await runner.start();
  assert.equal(runner.clock.samples.length, 2, "two of four answered");
  visible = false;
  await r.tickPeriodic();
  assert.equal(r.asked.length, 4, "hidden: no sample");
  visible = true;
  await r.tickPeriodic();
  assert.equal(r.asked.length, 5);
  await r.tickPeriodic();
  assert.equal(rounds.length, 2, "the burst, then the one answered periodic sample");
});

test("stop ends the cadence; a restart forgets the old route's samples", async () => {
  const r = rig();
  const runner = new TimeSyncRunner({ request: r.request, timers: r.timers, now: r.now, burstSamples: 2 });
  await runner.start();
  assert.equal(runner.clock.samples.length, 2);
  runner.stop();
  assert.equal(r.periodic(), null);
  const restarted = runner.start();
  assert.equal(runner.clock.samples.length, 0, "fresh samples on every (re)connect");
  await restarted;
  assert.equal(runner.clock.samples.length, 2);
});
