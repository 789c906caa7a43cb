import assert from "node:assert/strict";
import { test } from "node:test";

import { adSignals, isAdActive } from "../../extension/src/lib/ad_rules.js";

const plain = { playerClasses: ["html5-video-player", "playing-mode"], hasAdOverlay: false, adModuleChildren: 0 };

test("a normal video is not an ad", () => {
  assert.equal(isAdActive(plain), false);
  assert.equal(isAdActive(null), false);
});

test("#movie_player.ad-showing or .ad-interrupting means an ad plays", () => {
  assert.equal(isAdActive({ ...plain, playerClasses: [...plain.playerClasses, "ad-showing"] }), true);
  assert.equal(isAdActive({ ...plain, playerClasses: ["ad-interrupting"] }), true);
  assert.deepEqual(adSignals({ ...plain, playerClasses: ["ad-showing", "ad-interrupting"] }), [
    "ad-showing",
    "ad-interrupting",
  ]);
});

test("the ad player overlay alone means an ad plays", () => {
  assert.equal(isAdActive({ ...plain, hasAdOverlay: true }), true);
});

test("a filled ad module counts only with ad text (YouTube keeps an empty module around)", () => {
  assert.equal(isAdActive({ ...plain, adModuleChildren: 2 }), false);
  assert.equal(isAdActive({ ...plain, adModuleChildren: 2, adTextPresent: true }), true);
});

test("a changed video source is an ad only when ad text shows too", () => {
  assert.equal(isAdActive({ ...plain, videoSrcChanged: true }), false);
  assert.equal(isAdActive({ ...plain, videoSrcChanged: true, adTextPresent: true }), true);
});
