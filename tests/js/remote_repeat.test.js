// The phone remote's Repeat control (issue 16 item 2): the room's `repeat` setting, shown to
// those the server lets change it (owner and operators), sent as room.settings, and put back to
// the room's value when the server refuses.

import assert from "node:assert/strict";
import { test } from "node:test";

import { REPEAT_MODES } from "../../clients/core/constants.js";
import { createFakeDocument } from "./helpers/fake_dom.js";

globalThis.document = createFakeDocument();
globalThis.navigator ??= {}; // no clipboard: the Paste button hides
const { createQueueView } = await import("../../mobile_remote/src/ui/queue_view.js");
const { RoomState } = await import("../../mobile_remote/src/lib/room_state.js");

const ROOM = {
  code: "ab12", settings: { control_mode: "operators", repeat: "all" }, owner_id: 1, version: 4,
  playback: { state: "paused", version: 1 }, queue: [], chat: [],
  members: [{ user_id: 1, name: "Alice", role: "owner" }, { user_id: 2, name: "Olive", role: "operator" },
    { user_id: 3, name: "Pat", role: "participant" }],
};

function queueView(selfId, answer = { ok: true }) {
  const state = new RoomState();
  state.setRoom(ROOM, { userId: selfId });
  const calls = [];
  const actions = { command: async (event, data) => { calls.push([event, data]); return answer; }, addLink: async () => ({ ok: true }) };
  const view = createQueueView({ state, actions });
  view.render();
  const select = view.section.querySelector('[data-testid="repeat"]');
  return { state, view, calls, select, label: select.parentNode };
}

test("owner and operators see the room's repeat setting; participants do not", () => {
  for (const selfId of [1, 2]) {
    const { select, label } = queueView(selfId);
    assert.equal(label.hidden, false, `user ${selfId}`);
    assert.equal(select.value, "all");
    assert.deepEqual(select.children.map((o) => o.value ?? o.getAttribute("value")), REPEAT_MODES.map(([v]) => v));
  }
  assert.equal(queueView(3).label.hidden, true);
});

test("a choice is sent as room.settings; a refusal shows the room's setting again", async () => {
  const sent = queueView(1);
  sent.select.value = "one";
  await sent.select.dispatch("change");
  assert.deepEqual(sent.calls, [["room.settings", { repeat: "one" }]]);

  const refused = queueView(2, { ok: false, error: "forbidden" });
  refused.select.value = "off";
  await refused.select.dispatch("change");
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(refused.select.value, "all", "the room still repeats the whole queue");
});

test("a room.settings push from elsewhere moves the control", () => {
  const { state, view, select } = queueView(1);
  state.applySettings({ settings: { repeat: "one" } });
  view.render();
  assert.equal(select.value, "one");
});
