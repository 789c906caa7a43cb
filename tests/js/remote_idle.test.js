// The remote's "nothing queued" state: the reason exists exactly when Play has nothing to play.
import assert from "node:assert/strict";
import { test } from "node:test";

import { RoomState } from "../../mobile_remote/src/lib/room_state.js";
import { NOTHING_QUEUED, idleReason } from "../../mobile_remote/src/lib/idle_reason.js";

test("an empty room gives the reason; a queued or current entry takes it away", () => {
  const state = new RoomState();
  assert.equal(idleReason(state), NOTHING_QUEUED);
  state.queue = [{ id: 7, status: "queued", video_id: "aaaaaaaaaaa" }];
  assert.equal(idleReason(state), null, "something queued: Play starts it");
  state.queue = [{ id: 7, status: "played", video_id: "aaaaaaaaaaa" }];
  assert.equal(idleReason(state), NOTHING_QUEUED, "only history: nothing to play");
  state.playback = { state: "paused", entry_id: 7 };
  assert.equal(idleReason(state), null, "a current entry can be played");
});
