import assert from "node:assert/strict";
import { test } from "node:test";

import { ClockSync, measureSample } from "../../clients/core/clock_sync.js";
import { TIME_SYNC_KEEP_SAMPLES } from "../../clients/core/constants.js";

// A fake network: the server's clock runs `skewMs` ahead of ours; a request takes `upMs`
// to arrive and the answer `downMs` to come back.
function roundTrip(localSendMs, { skewMs, upMs, downMs }) {
  const serverMs = localSendMs + upMs + skewMs;
  return { clientSendMs: localSendMs, serverMs, clientRecvMs: localSendMs + upMs + downMs };
}

test("a client whose clock is 3 s behind learns the 3 s offset from a symmetric trip", () => {
  const clock = new ClockSync();
  clock.addSample(roundTrip(1_000_000, { skewMs: 3_000, upMs: 20, downMs: 20 }));
  assert.equal(clock.offsetMs, 3_000);
  assert.equal(clock.rttMs, 40);
  assert.equal(clock.serverNow(1_000_500), 1_003_500);
});

test("a client whose clock is 3 s ahead gets a negative offset", () => {
  const clock = new ClockSync();
  clock.addSample(roundTrip(5_000, { skewMs: -3_000, upMs: 5, downMs: 5 }));
  assert.equal(clock.offsetMs, -3_000);
});

test("the smallest round trip of the last 8 wins, so a slow asymmetric sample cannot skew it", () => {
  const clock = new ClockSync();
  // A congested sample: 400 ms up, 10 ms down → naive offset error of 195 ms.
  clock.addSample(roundTrip(0, { skewMs: 3_000, upMs: 400, downMs: 10 }));
  assert.equal(clock.offsetMs, 3_195);
  clock.addSample(roundTrip(1_000, { skewMs: 3_000, upMs: 12, downMs: 10 }));
  clock.addSample(roundTrip(2_000, { skewMs: 3_000, upMs: 150, downMs: 90 }));
  assert.equal(clock.offsetMs, 3_001); // error bounded by rtt/2 = 11 ms
  assert.equal(clock.rttMs, 22);
});

test("samples older than the last 8 are forgotten, even the best one", () => {
  assert.equal(TIME_SYNC_KEEP_SAMPLES, 8, "one window for every client (DESIGN.md: the last 8)");
  const clock = new ClockSync();
  clock.addSample(roundTrip(0, { skewMs: 0, upMs: 1, downMs: 1 }));
  for (let i = 1; i <= 8; i += 1) {
    clock.addSample(roundTrip(i * 1_000, { skewMs: 500, upMs: 30, downMs: 30 }));
  }
  assert.equal(clock.samples.length, 8);
  assert.equal(clock.offsetMs, 500);
});

test("impossible samples (negative round trip, missing numbers) are rejected", () => {
  const clock = new ClockSync();
  assert.equal(clock.addSample({ clientSendMs: 10, serverMs: 5, clientRecvMs: 9 }), false);
  assert.equal(clock.addSample({ clientSendMs: 10, serverMs: null, clientRecvMs: 19 }), false);
  assert.equal(clock.hasEstimate, false);
  assert.equal(clock.offsetMs, 0);
  assert.equal(measureSample({ clientSendMs: 0, serverMs: 100, clientRecvMs: 50 }).offsetMs, 75);
});

test("before any round trip a server stamp (hello, join) seeds a first guess; a sample replaces it", () => {
  const clock = new ClockSync();
  clock.seed(50_000, 40_000);
  assert.equal(clock.hasEstimate, false, "a seed is not a measurement");
  assert.equal(clock.estimate, null);
  assert.equal(clock.serverNow(41_000), 51_000);
  clock.addSample({ clientSendMs: 0, serverMs: 30, clientRecvMs: 20 });
  assert.equal(clock.serverNow(100), 120);
  assert.deepEqual(clock.estimate, { offsetMs: 20, rttMs: 20 });
  clock.reset();
  assert.equal(clock.serverNow(41_000), 51_000, "after a reset the seed is the fallback again");
  clock.seed(Number.NaN, 5);
  assert.equal(clock.serverNow(41_000), 51_000, "a broken stamp is ignored");
});
