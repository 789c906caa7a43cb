import assert from "node:assert/strict";
import { test } from "node:test";

import { formatAgo, formatMs, formatTime } from "../../clients/core/format.js";

test("times read like a player's, in every client", () => {
  assert.equal(formatTime(0), "0:00");
  assert.equal(formatTime(65_400), "1:05");
  assert.equal(formatTime(754_000), "12:34");
  assert.equal(formatTime(3_723_000), "1:02:03");
  assert.equal(formatTime(-5), "0:00", "a negative position shows as the start");
});

test("a missing time shows each client's placeholder, never 0:00", () => {
  assert.equal(formatTime(null), "");
  assert.equal(formatTime(undefined), "");
  assert.equal(formatTime(Number.NaN, "–"), "–");
  assert.equal(formatTime(null, "–"), "–");
});

test("millisecond figures: ms below 10 s, seconds above, signed", () => {
  assert.equal(formatMs(87), "87 ms");
  assert.equal(formatMs(-1234), "-1,234 ms");
  assert.equal(formatMs(12_500), "12.5 s");
  assert.equal(formatMs(null), "–");
  assert.equal(formatMs(undefined, ""), "");
});

test("how long ago, in the same words everywhere", () => {
  const T0 = 1_700_000_000_000;
  assert.equal(formatAgo(T0, T0 + 3_000), "just now");
  assert.equal(formatAgo(T0, T0 + 42_000), "42 s ago");
  assert.equal(formatAgo(T0, T0 + 5 * 60_000), "5 min ago");
  assert.equal(formatAgo(T0, T0 + 3 * 3_600_000), "3 h ago");
  assert.equal(formatAgo(T0, T0 + 50 * 3_600_000), "2 d ago");
  assert.equal(formatAgo(T0 + 9_000, T0), "just now", "a clock a little behind never says 'in the future'");
  assert.equal(formatAgo(null, T0), "");
  assert.equal(formatAgo(0, T0, "never"), "never");
});
