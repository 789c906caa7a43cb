import assert from "node:assert/strict";
import { test } from "node:test";

import { ClockSync, measureSample } from "../../extension/src/lib/clock_sync.js";

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
  const clock = new ClockSync({ keep: 8 });
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
