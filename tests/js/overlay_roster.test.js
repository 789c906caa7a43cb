// The overlay's roster offers role, hand-over, remove and ban buttons only where the server would
// allow them (clients/core/permissions.js mirrors server/domain/permissions.py).

import assert from "node:assert/strict";
import { test } from "node:test";

import { createFakeDocument } from "./helpers/fake_dom.js";

globalThis.document = createFakeDocument();
const { RosterSection } = await import("../../extension/src/content/overlay/roster_section.js");
const { reduceRoom } = await import("../../extension/src/lib/room_view.js");

const MEMBERS = [
  { user_id: 1, name: "Ann", role: "owner" },
  { user_id: 2, name: "Op", role: "operator" },
  { user_id: 3, name: "Pat", role: "participant" },
];

const buttonsOf = (row) => row.children.filter((el) => el.tagName === "BUTTON").map((b) => b.textContent);

function buttonsSeenBy(selfId) {
  const calls = [];
  const roster = new RosterSection({ setRole: (...args) => calls.push(["setRole", ...args]), kick: (id) => calls.push(["kick", id]),
    ban: (id) => calls.push(["ban", id]) });
  const view = reduceRoom(null, { type: "room", payload: { code: "ab12cd", owner_id: 1, settings: { control_mode: "operators" },
    playback: { state: "paused", version: 1 }, members: MEMBERS } });
  roster.update({ view, selfId, serverNowMs: 0 });
  const rows = Object.fromEntries(roster.list.children.map((row) => [row.dataset.userId, buttonsOf(row)]));
  return { rows, roster, calls };
}

test("the owner promotes, demotes, hands over, removes and bans anyone else", () => {
  const { rows, roster, calls } = buttonsSeenBy(1);
  assert.deepEqual(rows, { 1: [], 2: ["Demote", "Make owner", "Remove", "Ban"], 3: ["Make operator", "Make owner", "Remove", "Ban"] });
  roster.list.children[2].children.find((el) => el.textContent === "Make operator").dispatch("click");
  roster.list.children[2].children.find((el) => el.textContent === "Ban").dispatch("click");
  assert.deepEqual(calls, [["setRole", 3, "operator"], ["ban", 3]]);
});

test("handing the room over asks once more; Cancel sends nothing", () => {
  const { roster, calls } = buttonsSeenBy(1);
  const row = () => roster.list.children[1];
  row().children.find((el) => el.textContent === "Make owner").dispatch("click");
  assert.deepEqual(buttonsOf(row()), ["Hand over", "Cancel"]);
  row().children.find((el) => el.textContent === "Cancel").dispatch("click");
  assert.deepEqual(calls, []);
  row().children.find((el) => el.textContent === "Make owner").dispatch("click");
  row().children.find((el) => el.textContent === "Hand over").dispatch("click");
  assert.deepEqual(calls, [["setRole", 2, "owner"]]);
  assert.deepEqual(buttonsOf(row()), ["Demote", "Make owner", "Remove", "Ban"]);
});

test("an operator removes and bans participants only and changes no roles (the server refuses both)", () => {
  assert.deepEqual(buttonsSeenBy(2).rows, { 1: [], 2: [], 3: ["Remove", "Ban"] });
});

test("a participant gets no buttons; who controls playback is on every row", () => {
  const { rows, roster } = buttonsSeenBy(3);
  assert.deepEqual(rows, { 1: [], 2: [], 3: [] });
  assert.deepEqual(roster.list.children.map((row) => row.dataset.mayControl), ["true", "true", "false"]);
});

test("after an away owner's hand-over (presence.update with owner_id) the new owner gets the owner's buttons", () => {
  const roster = new RosterSection({});
  let view = reduceRoom(null, { type: "room", payload: { code: "ab12cd", owner_id: 1, settings: {}, version: 3,
    playback: { state: "paused", version: 1 }, members: MEMBERS } });
  view = reduceRoom(view, { type: "presence.update", payload: { version: 4, owner_id: 2, members: [
    { user_id: 1, name: "Ann", role: "operator" }, { user_id: 2, name: "Op", role: "owner" }, MEMBERS[2]] } });
  roster.update({ view, selfId: 2, serverNowMs: 0 });
  const rows = Object.fromEntries(roster.list.children.map((row) => [row.dataset.userId, buttonsOf(row)]));
  assert.deepEqual(rows, { 1: ["Demote", "Make owner", "Remove", "Ban"], 2: [], 3: ["Make operator", "Make owner", "Remove", "Ban"] });
  assert.deepEqual(roster.list.children.map((row) => row.dataset.role), ["operator", "owner", "participant"]);
});

test("a big room's read shows its first rows, the total in the title and 'and N more' until the whole roster comes", () => {
  const roster = new RosterSection({ setRole() {}, kick() {}, ban() {} });
  let view = reduceRoom(null, { type: "room", payload: { code: "ab12cd", owner_id: 1, settings: { control_mode: "operators" },
    playback: { state: "paused", version: 1 }, version: 1, members: MEMBERS, members_total: 250 } });
  roster.update({ view, selfId: 3, serverNowMs: 0 });
  assert.equal(roster.title.textContent, "People (250 online)");
  assert.equal(roster.list.children.length, 4);
  assert.equal(roster.list.children[3].textContent, "and 247 more (the whole list arrives in a moment)");
  const everyone = Array.from({ length: 250 }, (_, i) => MEMBERS[i] || { user_id: i + 1, name: `P${i + 1}`, role: "participant" });
  view = reduceRoom(view, { type: "presence.update", payload: { members: everyone, version: 1 } });
  roster.update({ view, selfId: 3, serverNowMs: 0 });
  assert.equal(roster.title.textContent, "People (250 online)");
  assert.equal(roster.list.children.length, 250);
  assert.ok(roster.list.children.every((row) => !row.textContent.startsWith("and ")));
});
