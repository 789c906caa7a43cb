import assert from "node:assert/strict";
import { test } from "node:test";

import { FULLSCREEN_CHAT_TOASTS, FULLSCREEN_TOAST_MS } from "../../extension/src/constants.js";
import { nextToasts } from "../../extension/src/lib/chat_toasts.js";

const line = (id, text = `line ${id}`) => ({ id, user_id: 1, name: "Alice", text, kind: "text" });
const start = { seenId: null, toasts: [] };

test("the history a join brings never toasts; later lines do, for FULLSCREEN_TOAST_MS", () => {
  const joined = nextToasts(start, { chat: [line(1), line(2)] }, 0);
  assert.deepEqual(joined, { seenId: 2, toasts: [] });
  const one = nextToasts(joined, { chat: [line(1), line(2), line(3, "hi")] }, 100);
  assert.deepEqual(one.toasts.map((t) => t.line.text), ["hi"]);
  assert.equal(one.toasts[0].untilMs, 100 + FULLSCREEN_TOAST_MS);
  const same = nextToasts(one, { chat: [line(1), line(2), line(3, "hi")] }, 200);
  assert.equal(same.toasts.length, 1, "a line toasts once");
  assert.deepEqual(nextToasts(same, { chat: [line(3)] }, 100 + FULLSCREEN_TOAST_MS).toasts, [], "then it goes");
});

test("an empty room's first line toasts; at most FULLSCREEN_CHAT_TOASTS show, the newest", () => {
  const empty = nextToasts(start, { chat: [] }, 0);
  assert.equal(empty.seenId, -1);
  const burst = Array.from({ length: FULLSCREEN_CHAT_TOASTS + 2 }, (_, i) => line(i + 1));
  const shown = nextToasts(empty, { chat: burst }, 10);
  assert.deepEqual(shown.toasts.map((t) => t.line.id), burst.slice(-FULLSCREEN_CHAT_TOASTS).map((l) => l.id));
});

test("leaving the room forgets everything; older history paged in never toasts", () => {
  const seen = nextToasts(start, { chat: [line(10)] }, 0);
  assert.deepEqual(nextToasts(seen, null, 5), { seenId: null, toasts: [] });
  const paged = nextToasts(seen, { chat: [line(4), line(5), line(10)] }, 5);
  assert.deepEqual(paged.toasts, []);
});
