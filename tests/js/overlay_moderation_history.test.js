// Issue 16 items 5 and 6 in the overlay, without a browser: who follows a new owner, the ban list
// (owner and operators only; who may lift which ban), the played list with "Play again" (as
// adding a video), and older chat pages (chat.history) merged before what is shown.

import assert from "node:assert/strict";
import { test } from "node:test";

import { createFakeDocument } from "./helpers/fake_dom.js";

globalThis.document = createFakeDocument();
const { BansSection } = await import("../../extension/src/content/overlay/bans_section.js");
const { PlayedSection } = await import("../../extension/src/content/overlay/played_section.js");
const { ChatSection } = await import("../../extension/src/content/overlay/chat_section.js");
const { MAX_CHAT_KEPT, isOperator, playedEntries, reduceRoom, roleOf } = await import("../../extension/src/lib/room_view.js");

const MEMBERS = [
  { user_id: 1, name: "Ann", role: "owner" },
  { user_id: 2, name: "Op", role: "operator" },
  { user_id: 3, name: "Pat", role: "participant" },
];

function room(fields = {}) {
  return reduceRoom(null, { type: "room", payload: { code: "ab12cd", owner_id: 1, settings: {}, version: 3, queue_version: 5,
    playback: { state: "paused", version: 1 }, members: MEMBERS, chat: [], ...fields } });
}

const model = (view, selfId, extra = {}) => ({ view, selfId, isOperator: isOperator(view, selfId), serverNowMs: 0, ...extra });
const texts = (list) => list.children.map((li) => li.children.filter((el) => el.tagName === "BUTTON").map((b) => b.textContent));

test("presence.update's owner_id moves the owner; a stale roster does not", () => {
  let view = room();
  view = reduceRoom(view, { type: "presence.update", payload: { version: 4, owner_id: 3,
    members: [{ ...MEMBERS[0], role: "operator" }, MEMBERS[1], { ...MEMBERS[2], role: "owner" }] } });
  assert.equal(view.ownerId, 3);
  assert.equal(roleOf(view, 3), "owner");
  assert.equal(roleOf(view, 1), "operator");
  const stale = reduceRoom(view, { type: "presence.update", payload: { version: 2, owner_id: 1, members: MEMBERS } });
  assert.equal(stale, view);
});

test("the ban list shows to the owner and operators only, asks once when opened, and follows pushes", () => {
  const calls = [];
  const section = new BansSection({ loadBans: () => { calls.push("load"); return true; }, unban: (id) => calls.push(["unban", id]) });
  let view = room();
  section.update(model(view, 3));
  assert.equal(section.element.hidden, true, "a participant sees no ban list");
  section.update(model(view, 2));
  assert.equal(section.element.hidden, false);
  section.toggle.dispatch("click");
  assert.deepEqual(calls, ["load"]);
  assert.equal(section.toggle.getAttribute("aria-expanded"), "true");
  view = reduceRoom(view, { type: "room.bans", payload: { bans: [
    { user_id: 7, name: "Troll", role: "participant", by: "Ann", at_ms: 1_700_000_000_000 },
    { user_id: 8, name: "Ex-op", role: "operator", by: "Ann", at_ms: 1_700_000_000_000 }] } });
  section.update(model(view, 2));
  assert.deepEqual(texts(section.list), [["Lift ban"], []], "an operator lifts a participant's ban only");
  section.list.children[0].children.find((el) => el.textContent === "Lift ban").dispatch("click");
  assert.deepEqual(calls, ["load", ["unban", 7]]);
  section.update(model(view, 1));
  assert.deepEqual(texts(section.list), [["Lift ban"], ["Lift ban"]], "the owner lifts any");
  view = reduceRoom(view, { type: "room.bans", payload: { bans: [] } });
  section.update(model(view, 1));
  assert.equal(section.list.children[0].textContent, "Nobody is banned.");
});

test("the played list is newest first, asked again when the queue changes, and Play again follows queue.add's rule", async () => {
  const calls = [];
  const section = new PlayedSection({ loadPlayed: () => calls.push("load"), playAgain: (id) => calls.push(["again", id]) });
  let view = room();
  section.update(model(view, 3, { canEditQueue: true }));
  assert.deepEqual(calls, [], "closed: nothing asked");
  section.toggle.dispatch("click");
  assert.deepEqual(calls, ["load"]);
  view = reduceRoom(view, { type: "queue.history", payload: { history: [
    { id: 1, video_id: "aaaaaaaaaa1", title: "First", status: "played" },
    { id: 2, video_id: "bbbbbbbbbb2", title: "Second", status: "skipped" }] } });
  assert.deepEqual(playedEntries(view).map((e) => e.id), [2, 1]);
  await Promise.resolve();
  section.update(model(view, 3, { canEditQueue: true }));
  assert.deepEqual(section.list.children.map((li) => li.dataset.entryId), ["2", "1"]);
  section.list.children[1].children.find((el) => el.textContent === "Play again").dispatch("click");
  assert.deepEqual(calls, ["load", ["again", 1]]);
  section.update(model(view, 3, { canEditQueue: false }));
  assert.deepEqual(texts(section.list), [[], []], "a locked queue: no Play again for a participant");
  await new Promise((resolve) => setTimeout(resolve, 0));
  view = reduceRoom(view, { type: "queue.update", payload: { queue: [], version: 6 } });
  section.update(model(view, 3, { canEditQueue: true }));
  assert.deepEqual(calls.filter((c) => c === "load").length, 2, "a queue change asks for the list again");
});

test("older chat pages go before what is shown, keep more than the live cap, and say when there is no more", () => {
  const line = (id) => ({ id, user_id: 1, name: "Ann", text: `m${id}`, kind: "text" });
  let view = room({ chat: Array.from({ length: 50 }, (_, i) => line(1000 + i)) });
  assert.equal(view.chatMore, true, "a full first page: older ones may exist");
  for (let page = 0; page < 5; page += 1) {
    const start = 1000 - (page + 1) * 50;
    view = reduceRoom(view, { type: "chat.history", payload: { messages: Array.from({ length: 50 }, (_, i) => line(start + i)), more: page < 4 } });
  }
  assert.equal(view.chat.length, 300);
  assert.ok(view.chat.length > MAX_CHAT_KEPT);
  assert.deepEqual([view.chat[0].id, view.chat.at(-1).id], [750, 1049]);
  assert.equal(view.chatMore, false);
  view = reduceRoom(view, { type: "chat.message", payload: line(2000) });
  assert.deepEqual([view.chat.length, view.chat[0].id], [300, 751], "a new line keeps the loaded length");
  assert.equal(room({ chat: [line(1)] }).chatMore, false, "a short first page is all there is");
});

test("scrolling the chat to its top, or Older messages, asks for the page before once at a time", async () => {
  const line = (id) => ({ id, user_id: 1, name: "Ann", text: `m${id}`, kind: "text" });
  let release;
  const calls = [];
  const chat = new ChatSection({ loadOlderChat: () => { calls.push("older"); return new Promise((resolve) => { release = resolve; }); } });
  let view = room({ chat: Array.from({ length: 50 }, (_, i) => line(100 + i)) });
  chat.update(model(view, 1));
  assert.equal(chat.older.hidden, false, "a full first page offers older messages");
  chat.log.scrollTop = 200;
  chat.log.dispatch("scroll");
  assert.deepEqual(calls, [], "not at the top: nothing asked");
  chat.log.scrollTop = 0;
  chat.log.dispatch("scroll");
  chat.log.dispatch("scroll");
  chat.older.dispatch("click");
  assert.deepEqual(calls, ["older"], "one request in flight");
  release(true);
  await new Promise((resolve) => setImmediate(resolve));
  view = reduceRoom(view, { type: "chat.history", payload: { messages: [line(99)], more: false } });
  chat.update(model(view, 1));
  assert.equal(chat.log.children[0].dataset.messageId, "99", "the older line comes first");
  assert.equal(chat.older.hidden, true, "nothing older: no button");
  chat.log.dispatch("scroll");
  assert.deepEqual(calls, ["older"], "and no more requests");
});
