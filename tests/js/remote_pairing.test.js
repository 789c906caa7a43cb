import assert from "node:assert/strict";
import { test } from "node:test";

import {
  countdownText,
  devicesKey,
  FALLBACK_LOOPBACK_WARNING,
  pairedAgoText,
  pairedRemote,
  pairingFromAnswer,
  svgDataUrl,
} from "../../extension/src/lib/remote_pairing.js";

const T0 = 1_700_000_000_000;

function answer(fields = {}) {
  return {
    ok: true, pairing_id: 41, pair_url: "http://192.168.1.20:5077/mobile-remote#pair=abc", qr_svg: "<svg/>",
    expires_ms: T0 + 300_000, ttl_ms: 300_000, room_code: "ab12cd", loopback_warning: null, ...fields,
  };
}

test("the pairing answer becomes the dialog's model; the server's loopback warning is kept", () => {
  assert.deepEqual(pairingFromAnswer(answer()), {
    id: 41, roomCode: "ab12cd", pairUrl: "http://192.168.1.20:5077/mobile-remote#pair=abc", qrSvg: "<svg/>", expiresMs: T0 + 300_000, warning: null,
  });
  const local = pairingFromAnswer(answer({ pair_url: "http://127.0.0.1:5077/mobile-remote#pair=x", loopback_warning: "A phone cannot reach …" }));
  assert.equal(local.warning, "A phone cannot reach …");
  assert.equal(pairingFromAnswer({ ok: false, error: "forbidden" }), null);
  assert.equal(pairingFromAnswer(answer({ pairing_id: "41" })), null);
});

test("an older server without loopback_warning: the loopback address itself is warned about", () => {
  const old = answer({ pair_url: "http://localhost:5077/mobile-remote#pair=x" });
  delete old.loopback_warning;
  assert.equal(pairingFromAnswer(old).warning, FALLBACK_LOOPBACK_WARNING);
  const lan = answer();
  delete lan.loopback_warning;
  assert.equal(pairingFromAnswer(lan).warning, null);
});

test("the QR code is an image source, its markup escaped", () => {
  const url = svgDataUrl('<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0"/></svg>');
  assert.ok(url.startsWith("data:image/svg+xml;charset=utf-8,%3Csvg"));
  assert.equal(url.includes("<"), false);
});

test("the countdown runs on the server clock and ends empty", () => {
  assert.equal(countdownText(T0 + 300_000, T0), "5:00");
  assert.equal(countdownText(T0 + 300_000, T0 + 1), "5:00", "rounded up: never shows 0:00 while valid");
  assert.equal(countdownText(T0 + 300_000, T0 + 241_500), "0:59");
  assert.equal(countdownText(T0 + 300_000, T0 + 300_000), "");
  assert.equal(countdownText(T0, T0 + 9_000), "");
});

test("a used code is found among the paired remotes; paired times read as 'ago'", () => {
  const remotes = [{ id: 40, label: "Phone" }, { id: 41, label: "Android phone" }];
  assert.equal(pairedRemote(41, remotes).label, "Android phone");
  assert.equal(pairedRemote(42, remotes), null);
  assert.equal(pairedRemote(41, undefined), null);
  assert.equal(pairedAgoText(T0, T0 + 3_000), "just now");
  assert.equal(pairedAgoText(T0, T0 + 20_000), "20 s ago", "the same words as the dashboard");
  assert.equal(pairedAgoText(T0, T0 + 5 * 60_000), "5 min ago");
  assert.equal(pairedAgoText(T0, T0 + 3 * 3_600_000), "3 h ago");
  assert.equal(pairedAgoText(T0, T0 + 50 * 3_600_000), "2 d ago");
  assert.equal(pairedAgoText(null, T0), "");
});

test("a member's devices as a key, to notice a remote connecting or dropping", () => {
  const members = [{ user_id: 1, devices: ["remote", "extension"] }, { user_id: 2, devices: ["extension"] }];
  assert.equal(devicesKey(members, 1), "extension,remote");
  assert.equal(devicesKey(members, 2), "extension");
  assert.equal(devicesKey(members, 3), "");
});
