// The overlay's roster offers role and remove buttons only where the server would allow them
// (clients/core/permissions.js mirrors server/domain/permissions.py).

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

function buttonsSeenBy(selfId) {
  const calls = [];
  const roster = new RosterSection({ setRole: (...args) => calls.push(["setRole", ...args]), kick: (id) => calls.push(["kick", id]) });
  const view = reduceRoom(null, { type: "room", payload: { code: "ab12cd", owner_id: 1, settings: { control_mode: "operators" },
    playback: { state: "paused", version: 1 }, members: MEMBERS } });
  roster.update({ view, selfId, serverNowMs: 0 });
  const rows = Object.fromEntries(roster.list.children.map((row) => [row.dataset.userId,
    row.children.filter((el) => el.tagName === "BUTTON").map((b) => b.textContent)]));
  return { rows, roster, calls };
}

test("the owner promotes, demotes and removes anyone else", () => {
  const { rows, roster, calls } = buttonsSeenBy(1);
  assert.deepEqual(rows, { 1: [], 2: ["Demote", "Remove"], 3: ["Make operator", "Remove"] });
  roster.list.children[2].children.find((el) => el.textContent === "Make operator").dispatch("click");
  assert.deepEqual(calls, [["setRole", 3, "operator"]]);
});

test("an operator removes participants only and changes no roles (the server refuses both)", () => {
  assert.deepEqual(buttonsSeenBy(2).rows, { 1: [], 2: [], 3: ["Remove"] });
});

test("a participant gets no buttons; who controls playback is on every row", () => {
  const { rows, roster } = buttonsSeenBy(3);
  assert.deepEqual(rows, { 1: [], 2: [], 3: [] });
  assert.deepEqual(roster.list.children.map((row) => row.dataset.mayControl), ["true", "true", "false"]);
});
