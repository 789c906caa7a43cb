// A big room's read (join ack, room.sync) carries the roster's first rows and `members_total`;
// presence.update carries everyone. Every client counts and says "and N more" the same way.
import assert from "node:assert/strict";
import { test } from "node:test";

import { memberCount, moreMembersText, totalOf } from "../../clients/core/roster.js";
import { reduceRoom, roomFromSnapshot } from "../../extension/src/lib/room_view.js";
import { RoomState } from "../../mobile_remote/src/lib/room_state.js";

const rows = (n) => Array.from({ length: n }, (_, i) => ({ user_id: i + 1, name: `P${i + 1}`, role: i ? "participant" : "owner", connected: true }));
const BIG = { code: "big1", settings: {}, owner_id: 1, version: 3, playback: { state: "idle", version: 3 },
  queue: [], queue_version: 0, chat: [], members: rows(100), members_total: 1000 };

test("the count is the server's total when it says one, else the connected rows", () => {
  assert.equal(memberCount(rows(100), 1000), 1000);
  assert.equal(memberCount(rows(3), undefined), 3);
  assert.equal(memberCount([...rows(2), { user_id: 9, connected: false }], undefined), 2);
  assert.equal(memberCount(rows(5), 2), 5, "a total below the rows is not believed");
  assert.equal(memberCount(null, null), 0);
  assert.equal(totalOf(BIG), 1000);
  assert.equal(totalOf({ members: rows(7) }), 7);
  assert.equal(totalOf({}), 0);
});

test("'and N more' only when the rows are the first of a bigger roster", () => {
  assert.equal(moreMembersText(rows(100), 1000), "and 900 more (the whole list arrives in a moment)");
  assert.equal(moreMembersText(rows(100), 100), "");
  assert.equal(moreMembersText(rows(4), undefined), "");
  assert.equal(moreMembersText(rows(10), 12_345), "and 12,335 more (the whole list arrives in a moment)");
});

test("the overlay's view: the read's total, then presence.update's whole roster", () => {
  let view = roomFromSnapshot(BIG);
  assert.equal(view.members.length, 100);
  assert.equal(view.membersTotal, 1000);
  assert.equal(memberCount(view.members, view.membersTotal), 1000);
  view = reduceRoom(view, { type: "presence.update", payload: { members: rows(1001), version: 3, owner_id: 1 } });
  assert.equal(view.members.length, 1001);
  assert.equal(view.membersTotal, 1001);
  assert.equal(moreMembersText(view.members, view.membersTotal), "");
  // an older roster changes nothing, the total included
  const stale = reduceRoom(view, { type: "presence.update", payload: { members: rows(2), version: 2 } });
  assert.equal(stale, view);
  // presence.update carries everyone, no total: the rows are the count
  view = reduceRoom(view, { type: "presence.update", payload: { members: rows(40), version: 4 } });
  assert.equal(view.membersTotal, 40);
});

test("the remote's state: the read's total, then presence.update's", () => {
  const state = new RoomState();
  state.setRoom(BIG, { userId: 1, role: "owner" });
  assert.equal(state.membersTotal, 1000);
  assert.equal(moreMembersText(state.members, state.membersTotal), "and 900 more (the whole list arrives in a moment)");
  assert.ok(state.applyMembers({ members: rows(1000), owner_id: 1 }));
  assert.equal(state.membersTotal, 1000);
  assert.equal(moreMembersText(state.members, state.membersTotal), "");
});
