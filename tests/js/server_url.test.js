import assert from "node:assert/strict";
import { test } from "node:test";

import { refusalMessage } from "../../extension/src/lib/ack_messages.js";
import { isDefaultOrigin, normalizeServerUrl, originPattern } from "../../extension/src/lib/server_url.js";
import { syncHealth } from "../../extension/src/lib/sync_health.js";

test("a typed server address becomes an origin; paths, credentials and other schemes are refused", () => {
  assert.deepEqual(normalizeServerUrl("127.0.0.1:5077"), { ok: true, url: "http://127.0.0.1:5077" });
  assert.deepEqual(normalizeServerUrl(" https://watch.example.org/ "), { ok: true, url: "https://watch.example.org" });
  for (const bad of ["", "ftp://x.org", "https://u:p@x.org", "https://x.org/app", "http://", "http://x.org/?a=1"]) {
    assert.equal(normalizeServerUrl(bad).ok, false, bad);
    assert.ok(normalizeServerUrl(bad).message);
  }
});

test("the default servers need no run-time permission; others ask for their origin", () => {
  assert.equal(isDefaultOrigin("http://127.0.0.1:5077"), true);
  assert.equal(isDefaultOrigin("http://localhost:5077"), true);
  assert.equal(isDefaultOrigin("https://watch.example.org"), false);
  assert.equal(originPattern("https://watch.example.org"), "https://watch.example.org/*");
});

test("a refused command tells the user why", () => {
  assert.equal(refusalMessage({ ok: true }), "");
  assert.equal(refusalMessage({ ok: false, error: "forbidden", message: "Only operators may seek" }), "Only operators may seek");
  assert.match(refusalMessage({ ok: false, error: "forbidden" }, { controlMode: "owner_only" }), /owner/);
  assert.match(refusalMessage({ ok: false, error: "weird" }), /problem/);
});

test("sync health: green in sync, yellow a little off or slow, red far off or offline", () => {
  assert.equal(syncHealth({ connected: true, drift_ms: 20, rtt_ms: 30 }).level, "green");
  assert.equal(syncHealth({ connected: true, drift_ms: -150, rtt_ms: 30 }).level, "yellow");
  assert.equal(syncHealth({ connected: true, drift_ms: 10, rtt_ms: 600 }).level, "yellow");
  assert.equal(syncHealth({ connected: true, drift_ms: 900 }).level, "red");
  assert.equal(syncHealth({ connected: false }).level, "red");
  assert.equal(syncHealth({ connected: true, in_ad: true }).level, "yellow");
});
