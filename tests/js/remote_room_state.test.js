import assert from "node:assert/strict";
import { test } from "node:test";

import { dropIndex, moved } from "../../mobile_remote/src/lib/queue_drag.js";
import { RoomState } from "../../mobile_remote/src/lib/room_state.js";

const ROOM = {
  code: "ab12", settings: { name: "Movie night", control_mode: "operators" }, owner_id: 1, version: 4,
  playback: { state: "starting", entry_id: 7, version: 4, waiting_for: [2] },
  queue: [{ id: 7, status: "playing", video_id: "aaaaaaaaaaa" }, { id: 8, status: "queued" }, { id: 9, status: "queued" }],
  queue_version: 3,
  members: [{ user_id: 1, name: "Alice", role: "owner" }, { user_id: 2, name: "Bob", role: "participant" }],
  chat: [{ id: 1, text: "hi" }],
};

test("older playback is dropped, a gap asks for room.sync", () => {
  const s = new RoomState();
  s.setRoom(ROOM, { userId: 1 });
  assert.equal(s.applyPlayback({ version: 3, state: "paused" }), "stale");
  assert.equal(s.playback.state, "starting");
  assert.equal(s.applyPlayback({ version: 5, state: "playing" }), "applied");
  assert.equal(s.applyPlayback({ version: 8, state: "paused" }), "gap");
  assert.equal(s.playback.state, "paused");
});

test("the waiting banner names who the room waits for; the current entry is found", () => {
  const s = new RoomState();
  s.setRoom(ROOM, { userId: 1 });
  assert.deepEqual(s.waitingNames(), ["Bob"]);
  assert.equal(s.currentEntry().id, 7);
  assert.deepEqual(s.upcoming().map((e) => e.id), [8, 9]);
  assert.equal(s.role, "owner");
  assert.equal(s.mayControl(), true);
});

test("a participant's remote knows it cannot control an operators-only room", () => {
  const s = new RoomState();
  s.setRoom(ROOM, { userId: 2 });
  assert.equal(s.mayControl(), false);
  assert.equal(s.mayStartNow(), false);
  assert.equal(s.controlVerdict().reason, "Only the owner and operators control playback in this room");
  s.applySettings({ settings: { control_mode: "any" } });
  assert.equal(s.mayControl(), true);
});

test("queue updates never go backwards; chat messages are not doubled", () => {
  const s = new RoomState();
  s.setRoom(ROOM, { userId: 1 });
  assert.equal(s.applyQueue({ queue: [], version: 2 }), false);
  assert.equal(s.applyQueue({ queue: [], version: 4 }), true);
  assert.equal(s.addMessage({ id: 1, text: "hi" }), false);
  assert.equal(s.addMessage({ id: 2, text: "yo" }), true);
  assert.equal(s.chat.length, 2);
});

test("a playback's notes become chat lines, not doubled", () => {
  const s = new RoomState();
  s.setRoom(ROOM, { userId: 1 });
  const pb = { state: "paused", version: 5, notes: [{ id: 3, text: "Alice paused at 0:10", kind: "system" }] };
  assert.equal(s.applyPlayback(pb), "applied");
  assert.equal(s.addNotes(pb), true);
  assert.equal(s.addNotes(pb), false);
  assert.equal(s.addNotes({ state: "paused", version: 6 }), false);
  assert.deepEqual(s.chat.map((m) => m.text), ["hi", "Alice paused at 0:10"]);
});

test("a dragged row lands where the finger is", () => {
  const middles = [20, 80, 140, 200];
  assert.equal(dropIndex(150, middles, 0), 2);
  assert.equal(dropIndex(0, middles, 3), 0);
  assert.equal(dropIndex(999, middles, 1), 3);
  assert.equal(dropIndex(85, middles, 1), 1, "barely moved: stays");
  assert.deepEqual(moved(["a", "b", "c", "d"], 0, 2), ["b", "c", "a", "d"]);
});

test("the remote keeps the private room's knocks: from the join, one more, the whole list, answered", () => {
  const s = new RoomState();
  s.setRoom({ code: "ab12cd", members: [] }, { userId: 1, role: "owner", knocks: [{ id: 3, name: "Eve" }] });
  assert.deepEqual(s.knocks.map((k) => k.id), [3]);
  assert.equal(s.applyKnock({ knock: { id: 3, name: "Eve" } }), false);
  assert.equal(s.applyKnock({ knock: { id: 4, name: "Mal" } }), true);
  s.dropKnock(3);
  assert.deepEqual(s.knocks.map((k) => k.id), [4]);
  assert.equal(s.applyKnocks({ knocks: [] }), true);
  assert.deepEqual(s.knocks, []);
  assert.equal(s.applyKnocks({}), false);
});
