// The phone remote's moderation (issue 16 item 5) and its played list (item 6): the same buttons the overlay offers, by the
// client core's verdicts, the ban list with "Lift ban", and a new owner taken from presence.update.

import assert from "node:assert/strict";
import { test } from "node:test";

import { ClockSync } from "../../clients/core/clock_sync.js";
import { createFakeDocument } from "./helpers/fake_dom.js";

globalThis.document = createFakeDocument();
const { createPeopleView } = await import("../../mobile_remote/src/ui/people_view.js");
const { RoomState } = await import("../../mobile_remote/src/lib/room_state.js");
const { createPlayedView } = await import("../../mobile_remote/src/ui/played_view.js");

const ROOM = {
  code: "ab12", settings: { control_mode: "operators" }, owner_id: 1, version: 4, playback: { state: "paused", version: 1 },
  queue: [], chat: [],
  members: [{ user_id: 1, name: "Alice", role: "owner" }, { user_id: 2, name: "Olive", role: "operator" },
    { user_id: 3, name: "Pat", role: "participant" }],
};

const btns = (el) => el.descendants().filter((child) => child.tagName === "BUTTON");

function people(selfId) {
  const state = new RoomState();
  state.setRoom(ROOM, { userId: selfId });
  const calls = [];
  const record = (name) => (...args) => calls.push([name, ...args]);
  const actions = { unpair() {}, setRole: record("setRole"), kick: record("kick"), ban: record("ban"), unban: record("unban"),
    loadBans: record("loadBans"), answerKnock: record("answerKnock") };
  const view = createPeopleView({ state, clock: new ClockSync(), actions });
  view.render();
  const buttons = () => Object.fromEntries(view.section.querySelectorAll('[data-testid="person"]').map((row) => [row.dataset.userId,
    btns(row).map((b) => b.textContent)]));
  const click = (userId, text) => btns(view.section.querySelector(`[data-user-id="${userId}"]`))
    .find((b) => b.textContent === text).dispatch("click");
  return { state, view, calls, buttons, click };
}

test("each role sees the moderation buttons the server would allow", () => {
  assert.deepEqual(people(1).buttons(), { 1: [], 2: ["Demote", "Make owner", "Remove", "Ban"], 3: ["Make operator", "Make owner", "Remove", "Ban"] });
  assert.deepEqual(people(2).buttons(), { 1: [], 2: [], 3: ["Remove", "Ban"] });
  assert.deepEqual(people(3).buttons(), { 1: [], 2: [], 3: [] });
});

test("the hand-over is confirmed first; ban and remove are sent at once", () => {
  const { calls, buttons, click } = people(1);
  click(3, "Make owner");
  assert.deepEqual(buttons()[3], ["Hand over", "Cancel"]);
  click(3, "Hand over");
  click(2, "Ban");
  assert.deepEqual(calls, [["setRole", 3, "owner"], ["ban", 2]]);
});

test("the ban list: operators only, asked when opened, Lift ban where the server allows it", () => {
  const { state, view, calls } = people(2);
  const toggle = view.section.querySelector('[data-testid="bans-toggle"]');
  assert.equal(toggle.hidden, false);
  toggle.dispatch("click");
  assert.deepEqual(calls, [["loadBans"]]);
  state.applyBans({ bans: [{ user_id: 7, name: "Troll", role: "participant", by: "Alice" }, { user_id: 8, name: "Ex", role: "operator" }] });
  view.render();
  const rows = view.section.querySelectorAll('[data-testid="ban"]');
  assert.deepEqual(rows.map((row) => btns(row).map((b) => b.textContent)), [["Lift ban"], []]);
  btns(rows[0])[0].dispatch("click");
  assert.deepEqual(calls.at(-1), ["unban", 7]);
  assert.equal(people(3).view.section.querySelector('[data-testid="bans-toggle"]').hidden, true);
});

test("presence.update's owner_id makes the new owner's phone an owner's", () => {
  const { state, view, buttons } = people(2);
  state.applyMembers({ owner_id: 2, members: [{ user_id: 1, name: "Alice", role: "operator" },
    { user_id: 2, name: "Olive", role: "owner" }, { user_id: 3, name: "Pat", role: "participant" }] });
  view.render();
  assert.equal(state.room.owner_id, 2);
  assert.equal(state.role, "owner");
  assert.deepEqual(buttons()[1], ["Demote", "Make owner", "Remove", "Ban"]);
});

test("a private room's knocks: shown to the owner and operators, answered from the phone", () => {
  const { state, view, calls } = people(2);
  state.applyKnock({ knock: { id: 41, user_id: 9, name: "Newcomer", created_ms: 1 } });
  view.render();
  const knock = view.section.querySelector('[data-testid="knock"]');
  assert.equal(knock.querySelector('[data-testid="knock-admit"]').textContent, "Let in");
  knock.querySelector('[data-testid="knock-admit"]').dispatch("click");
  knock.querySelector('[data-testid="knock-decline"]').dispatch("click");
  assert.deepEqual(calls, [["answerKnock", 41, true], ["answerKnock", 41, false]]);
  const participant = people(3);
  participant.state.applyKnock({ knock: { id: 42, user_id: 9, name: "Newcomer", created_ms: 1 } });
  participant.view.render();
  assert.equal(participant.view.section.querySelector('[data-testid="knock"]'), null, "a participant is not asked");
});

test("the played list: asked when opened, newest first, Play again as adding a video", async () => {
  const state = new RoomState();
  state.setRoom({ ...ROOM, queue_version: 3 }, { userId: 3 });
  const calls = [];
  const history = [{ id: 1, video_id: "aaaaaaaaaa1", title: "First", status: "played" },
    { id: 2, video_id: "bbbbbbbbbb2", title: "Second", status: "skipped" }];
  const actions = { command: async (event, data) => { calls.push([event, data]); return { ok: true, history }; } };
  const played = createPlayedView({ state, actions });
  played.render();
  assert.deepEqual(calls, [], "closed: nothing asked");
  played.node.querySelector('[data-testid="played-toggle"]').dispatch("click");
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(calls, [["queue.load", { history: 1 }]]);
  const rows = played.node.querySelectorAll('[data-testid="played-entry"]');
  assert.deepEqual(rows.map((r) => r.dataset.entryId), ["2", "1"]);
  rows[1].querySelector('[data-testid="play-again"]').dispatch("click");
  assert.deepEqual(calls.at(-1), ["queue.replay", { entry_id: 1 }]);
  state.room.settings = { ...state.room.settings, queue_locked: true };
  played.render();
  assert.equal(played.node.querySelector('[data-testid="play-again"]'), null, "a locked queue: not for a participant");
  state.applyQueue({ queue: [], version: 4 });
  played.render();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(calls.filter(([event]) => event === "queue.load").length, 2, "a queue change asks again");
});
