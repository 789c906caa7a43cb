import assert from "node:assert/strict";
import { test } from "node:test";

import {
  canControl,
  canEditQueue,
  currentEntry,
  markSynced,
  reduceRoom,
  typingNames,
  upcomingEntries,
  waitingNames,
} from "../../extension/src/lib/room_view.js";

function snapshot(fields = {}) {
  return {
    code: "ab12cd",
    owner_id: 1,
    settings: { control_mode: "operators", queue_locked: false },
    playback: { state: "paused", entry_id: 11, position_ms: 5_000, anchor_ms: 0, rate: 1, version: 7 },
    queue: [
      { id: 11, video_id: "aaaaaaaaaaa", status: "playing", position: 0 },
      { id: 13, video_id: "ccccccccccc", status: "queued", position: 2 },
      { id: 12, video_id: "bbbbbbbbbbb", status: "queued", position: 1 },
    ],
    members: [
      { user_id: 1, name: "Ann", role: "owner" },
      { user_id: 2, name: "Bob", role: "participant" },
      { user_id: 3, name: "Cy", role: "operator" },
    ],
    chat: [{ id: 1, user_id: 1, name: "Ann", text: "hi", kind: "text" }],
    version: 30,
    queue_version: 12,
    ...fields,
  };
}

const join = () => reduceRoom(null, { type: "room", payload: snapshot() });

test("joining gives the room as the server sent it", () => {
  const view = join();
  assert.equal(view.code, "ab12cd");
  assert.equal(view.playback.version, 7);
  assert.equal(currentEntry(view).video_id, "aaaaaaaaaaa");
  assert.deepEqual(upcomingEntries(view).map((entry) => entry.id), [12, 13]);
});

test("a playback older than the one held is dropped: a late 'paused' cannot undo 'playing'", () => {
  let view = join();
  view = reduceRoom(view, { type: "room.playback", payload: { state: "playing", version: 8 } });
  const late = reduceRoom(view, { type: "room.playback", payload: { state: "paused", version: 7 } });
  assert.equal(late, view, "unchanged object");
  assert.equal(late.playback.state, "playing");
  const duplicate = reduceRoom(view, { type: "room.playback", payload: { state: "paused", version: 8 } });
  assert.equal(duplicate.playback.state, "playing");
});

test("a version gap is applied and flags that the client must ask room.sync", () => {
  let view = join();
  view = reduceRoom(view, { type: "room.playback", payload: { state: "playing", version: 8 } });
  assert.equal(view.needsSync, false);
  view = reduceRoom(view, { type: "room.playback", payload: { state: "paused", version: 11 } });
  assert.equal(view.playback.version, 11);
  assert.equal(view.needsSync, true);
  assert.equal(markSynced(view).needsSync, false);
});

test("queue and presence updates replace their lists, older versions are ignored", () => {
  let view = join();
  // The queue has its own counter (queue_version 12), lower than the room's version (30).
  view = reduceRoom(view, { type: "queue.update", payload: { queue: [], version: 13 } });
  assert.deepEqual(view.queue, []);
  const stale = reduceRoom(view, { type: "queue.update", payload: { queue: snapshot().queue, version: 11 } });
  assert.deepEqual(stale.queue, []);
  view = reduceRoom(view, { type: "presence.update", payload: { members: [{ user_id: 1, name: "Ann" }] } });
  assert.equal(view.members.length, 1);
});

test("chat lines are appended once; a message ends its author's typing", () => {
  let view = join();
  view = reduceRoom(view, { type: "chat.typing", payload: { user_id: 2 }, nowMs: 1_000 });
  assert.deepEqual(typingNames(view, 2_000, 1), ["Bob"]);
  assert.deepEqual(typingNames(view, 2_000, 2), [], "not shown to the typist");
  assert.deepEqual(typingNames(view, 60_000, 1), [], "expires");
  const line = { id: 2, user_id: 2, name: "Bob", text: "yo", kind: "text" };
  view = reduceRoom(view, { type: "chat.message", payload: line });
  view = reduceRoom(view, { type: "chat.message", payload: line });
  assert.equal(view.chat.length, 2);
  assert.deepEqual(typingNames(view, 2_000, 1), []);
});

test("a playback's notes show as chat lines, once, even when the playback itself is stale", () => {
  let view = join();
  const chatBefore = view.chat.length;
  const note = { id: 40, user_id: null, name: "ShareTube", text: "Bob paused at 0:05", kind: "system" };
  view = reduceRoom(view, { type: "room.playback", payload: { state: "paused", version: 8, notes: [note] } });
  assert.equal(view.playback.version, 8);
  assert.deepEqual(view.chat.slice(chatBefore).map((m) => m.text), ["Bob paused at 0:05"]);
  const again = reduceRoom(view, { type: "room.playback", payload: { state: "paused", version: 8, notes: [note] } });
  assert.equal(again, view, "a duplicate adds nothing");
  const older = { id: 39, user_id: null, name: "ShareTube", text: "Bob jumped to 0:05", kind: "system" };
  view = reduceRoom(view, { type: "room.playback", payload: { state: "playing", version: 7, notes: [older] } });
  assert.equal(view.playback.version, 8, "the stale playback is dropped");
  assert.deepEqual(view.chat.slice(chatBefore).map((m) => m.text), ["Bob paused at 0:05", "Bob jumped to 0:05"]);
});

test("settings merge; kicked and closed end the room with the reason", () => {
  let view = join();
  view = reduceRoom(view, { type: "room.settings", payload: { settings: { control_mode: "any" } } });
  assert.equal(view.settings.control_mode, "any");
  assert.equal(view.settings.queue_locked, false);
  const kicked = reduceRoom(view, { type: "room.kicked", payload: { reason: "bye" } });
  assert.deepEqual(kicked.ended, { kind: "room.kicked", reason: "bye" });
});

test("control modes decide who may steer playback and the queue", () => {
  const view = join();
  assert.equal(canControl(view, 1), true, "owner");
  assert.equal(canControl(view, 3), true, "operator");
  assert.equal(canControl(view, 2), false, "participant under 'operators'");
  const ownerOnly = reduceRoom(view, { type: "room.settings", payload: { settings: { control_mode: "owner_only" } } });
  assert.equal(canControl(ownerOnly, 3), false);
  const any = reduceRoom(view, { type: "room.settings", payload: { settings: { control_mode: "any" } } });
  assert.equal(canControl(any, 2), true);
  const locked = reduceRoom(view, { type: "room.settings", payload: { settings: { queue_locked: true } } });
  assert.equal(canEditQueue(view, 2), true);
  assert.equal(canEditQueue(locked, 2), false);
  assert.equal(canEditQueue(locked, 3), true);
});

test("the waiting banner names whom the room waits for", () => {
  const view = reduceRoom(join(), {
    type: "room.playback",
    payload: { state: "starting", version: 8, waiting_for: [2, 3, 9] },
  });
  assert.deepEqual(waitingNames(view), ["Bob", "Cy", "user 9"]);
});

test("events before joining change nothing", () => {
  assert.equal(reduceRoom(null, { type: "room.playback", payload: { version: 3 } }), null);
});

test("knocks: the snapshot's list, a new knock once, the server's list, and an answered one goes", () => {
  const knock = { id: 7, user_id: 9, name: "Eve", created_ms: 1 };
  let view = reduceRoom(null, { type: "room", payload: { code: "ab12cd", knocks: [knock] } });
  assert.deepEqual(view.knocks, [knock]);
  assert.equal(reduceRoom(view, { type: "room.knock", payload: { knock } }), view); // already listed
  const second = { id: 8, user_id: 10, name: "Mal", created_ms: 2 };
  view = reduceRoom(view, { type: "room.knock", payload: { knock: second } });
  assert.deepEqual(view.knocks.map((k) => k.id), [7, 8]);
  view = reduceRoom(view, { type: "knock.answered", payload: { id: 7 } });
  assert.deepEqual(view.knocks.map((k) => k.id), [8]);
  view = reduceRoom(view, { type: "room.knocks", payload: { knocks: [] } });
  assert.deepEqual(view.knocks, []);
  assert.deepEqual(reduceRoom(null, { type: "room", payload: { code: "x" } }).knocks, []);
});
