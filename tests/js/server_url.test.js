import assert from "node:assert/strict";
import { test } from "node:test";

import { refusalMessage } from "../../extension/src/lib/ack_messages.js";
import { isDefaultOrigin, normalizeServerUrl, originPattern } from "../../extension/src/lib/server_url.js";

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
