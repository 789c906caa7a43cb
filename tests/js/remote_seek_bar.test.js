import assert from "node:assert/strict";
import { test } from "node:test";

import { positionFromPointer, seekTarget } from "../../mobile_remote/src/lib/seek_bar.js";

test("seek buttons and dragging produce positions inside the video", () => {
  assert.equal(seekTarget(5_000, -10_000, 60_000), 0);
  assert.equal(seekTarget(55_000, 10_000, 60_000), 59_000);
  assert.equal(seekTarget(5_000, 10_000, 0), 15_000, "unknown duration: no upper clamp");
  assert.equal(positionFromPointer(180, 20, 320, 100_000), 50_000);
  assert.equal(positionFromPointer(-50, 20, 320, 100_000), 0);
  assert.equal(positionFromPointer(999, 20, 320, 100_000), 100_000);
  assert.equal(positionFromPointer(50, 20, 0, 100_000), 0, "a bar with no width points nowhere");
});
