import assert from "node:assert/strict";
import { test } from "node:test";

import { adSignals, isAdActive, isShown } from "../../extension/src/lib/ad_rules.js";

const plain = { playerClasses: ["html5-video-player", "playing-mode"], overlay: [], badge: [], skip: [], module: [] };
const shown = { width: 640, height: 360, display: "block", visibility: "visible", opacity: 1, inPlayer: true };
// The ways YouTube leaves ad markup in its player without showing it.
const HIDDEN = {
  "display: none (itself or an ancestor)": { ...shown, display: "none" },
  "zero-size box": { ...shown, width: 0, height: 0 },
  "zero width": { ...shown, width: 0 },
  "visibility: hidden": { ...shown, visibility: "hidden" },
  "visibility: collapse": { ...shown, visibility: "collapse" },
  "opacity 0 (itself or an ancestor)": { ...shown, opacity: 0 },
  "outside the player's box": { ...shown, inPlayer: false },
};

test("a normal video is not an ad", () => {
  assert.equal(isAdActive(plain), false);
  assert.equal(isAdActive(null), false);
  assert.deepEqual(adSignals(plain), []);
});

test("#movie_player.ad-showing or .ad-interrupting means an ad plays (primary: no box needed)", () => {
  assert.equal(isAdActive({ ...plain, playerClasses: [...plain.playerClasses, "ad-showing"] }), true);
  assert.equal(isAdActive({ ...plain, playerClasses: ["ad-interrupting"] }), true);
  assert.deepEqual(adSignals({ ...plain, playerClasses: ["ad-showing", "ad-interrupting"] }), [
    "ad-showing",
    "ad-interrupting",
  ]);
});

test("isShown: rendered, visible and inside the player, nothing else", () => {
  assert.equal(isShown(shown), true);
  assert.equal(isShown({ ...shown, opacity: 0.5 }), true);
  assert.equal(isShown(null), false);
  for (const [why, box] of Object.entries(HIDDEN)) assert.equal(isShown(box), false, why);
});

// Table: each secondary signal, visible or hidden in each way YouTube hides it.
const SECONDARY = [
  { kind: "overlay", signal: "ad-overlay" },
  { kind: "badge", signal: "ad-badge" },
  { kind: "skip", signal: "skip-button" },
];
for (const { kind, signal } of SECONDARY) {
  test(`${kind}: counts while visible`, () => {
    const snapshot = { ...plain, [kind]: [shown] };
    assert.equal(isAdActive(snapshot), true);
    assert.ok(adSignals(snapshot).includes(signal));
  });
  for (const [why, box] of Object.entries(HIDDEN)) {
    test(`${kind}: a hidden leftover (${why}) is not an ad`, () => {
      assert.equal(isAdActive({ ...plain, [kind]: [box] }), false);
    });
  }
  test(`${kind}: one visible among hidden leftovers counts`, () => {
    assert.equal(isAdActive({ ...plain, [kind]: [HIDDEN["zero-size box"], shown] }), true);
  });
}

test("all leftovers hidden at once (YouTube between ads) is no ad", () => {
  const box = HIDDEN["display: none (itself or an ancestor)"];
  const snapshot = { ...plain, overlay: [box], badge: [box], skip: [box], module: [{ ...shown, children: 0 }] };
  assert.equal(isAdActive(snapshot), false);
});

test("the ad module (banners live there too) counts only with a visible badge or skip button", () => {
  const filled = { ...shown, children: 2 };
  assert.equal(isAdActive({ ...plain, module: [filled] }), false, "a banner over the video");
  assert.equal(isAdActive({ ...plain, module: [{ ...shown, children: 0 }] }), false);
  const withBadge = { ...plain, module: [filled], badge: [shown] };
  assert.deepEqual(adSignals(withBadge), ["ad-badge", "ad-module"]);
  assert.equal(isAdActive({ ...plain, module: [filled], badge: [HIDDEN["visibility: hidden"]] }), false);
  assert.equal(isAdActive({ ...plain, module: [{ ...filled, display: "none" }], skip: [HIDDEN["opacity 0 (itself or an ancestor)"]] }), false);
});
