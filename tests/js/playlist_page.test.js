// Reading a YouTube playlist from its page (extension/src/lib/playlist_page.js) and the overlay's
// playlist and shuffle buttons: shown only on a playlist page, and only to roles that may use them.

import assert from "node:assert/strict";
import { test } from "node:test";

import { createFakeDocument } from "./helpers/fake_dom.js";

globalThis.document = createFakeDocument();
const {
  choosePlaylist, entriesFromInitialData, entriesFromPanel, initialDataFromScript, parsePlaylistLink, playlistIdFromUrl,
  playlistPayload,
} = await import("../../extension/src/lib/playlist_page.js");
const { QueueSection } = await import("../../extension/src/content/overlay/queue_section.js");
const { SettingsSection } = await import("../../extension/src/content/overlay/settings_section.js");
const { canEditQueue, canShuffle, reduceRoom } = await import("../../extension/src/lib/room_view.js");

const LIST = "PLrAXtmErZgOeiKm4sgNOknGvNjby9efdf";
const ids = (n, p = "v") => Array.from({ length: n }, (_, i) => `${p}${String(i).padStart(10, "0")}`);

/** The watch page's ytInitialData as YouTube shapes it (the part that holds the playlist). */
function watchData(listId, videoIds) {
  return {
    responseContext: {},
    contents: { twoColumnWatchNextResults: { playlist: { playlist: {
      playlistId: listId, title: "Mix",
      contents: videoIds.map((videoId, i) => ({ playlistPanelVideoRenderer: {
        videoId, title: { simpleText: `Title ${i}` }, shortBylineText: { runs: [{ text: "Chan" }] },
      } })).concat([{ automixPreviewVideoRenderer: { content: {} } }]),
    } } } },
  };
}

test("the playlist of a page address and of a pasted link", () => {
  assert.equal(playlistIdFromUrl(`https://www.youtube.com/watch?v=dQw4w9WgXcQ&list=${LIST}&index=2`), LIST);
  assert.equal(playlistIdFromUrl(`https://www.youtube.com/playlist?list=${LIST}`), LIST);
  assert.equal(playlistIdFromUrl("https://www.youtube.com/watch?v=dQw4w9WgXcQ"), null);
  assert.equal(playlistIdFromUrl(`https://www.youtube.com/results?search_query=x&list=${LIST}`), null);
  assert.equal(parsePlaylistLink(`youtube.com/playlist?list=${LIST}`), LIST);
  assert.equal(parsePlaylistLink(`https://youtu.be/dQw4w9WgXcQ?list=${LIST}`), LIST);
  for (const bad of ["https://evil.example/playlist?list=PLa", "https://www.youtube.com@evil.example/?list=PLa",
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://www.youtube.com/playlist?list=P", "javascript:alert(1)",
    `https://www.youtube.com:8443/playlist?list=${LIST}`, ""]) {
    assert.equal(parsePlaylistLink(bad), null, bad);
  }
});

test("the initial data gives this playlist's entries in order, and nothing of another playlist", () => {
  const script = `var ytInitialData = ${JSON.stringify(watchData(LIST, ids(3)))};`;
  const data = initialDataFromScript(script);
  assert.deepEqual(entriesFromInitialData(data, LIST), ids(3).map((video_id, i) => ({ video_id, title: `Title ${i}` })));
  assert.deepEqual(entriesFromInitialData(data, "PLanotherOne"), [], "stale data of another playlist (SPA navigation)");
  assert.equal(initialDataFromScript("var ytInitialData = {broken"), null);
  const followed = `var ytInitialData = ${JSON.stringify(watchData(LIST, ids(2)))};if (window.ytcsi) {window.ytcsi.tick("pdr");}`;
  assert.equal(entriesFromInitialData(initialDataFromScript(followed), LIST).length, 2, "code after the data");
  assert.equal(initialDataFromScript("var other = {}"), null);
  const browse = { metadata: { playlistMetadataRenderer: { title: "x" } }, microformat: { url: `list=${LIST}` },
    contents: { a: [{ playlistVideoRenderer: { videoId: "b0000000001", title: { runs: [{ text: "B" }, { text: "1" }] } } },
      { playlistVideoRenderer: { videoId: "bad" } }] } };
  assert.deepEqual(entriesFromInitialData(browse, LIST), [{ video_id: "b0000000001", title: "B1" }], "a /playlist page");
});

test("the panel's links give this playlist's entries; the fuller reading wins; at most 200 are sent", () => {
  const links = [
    { href: `/watch?v=${ids(1)[0]}&list=${LIST}&index=1`, title: "  One \n " },
    { href: "/watch?v=dQw4w9WgXcQ&list=PLother", title: "another list" },
    { href: `/watch?v=short&list=${LIST}`, title: "bad id" },
    { href: `/watch?v=${ids(2)[1]}&list=${LIST}&index=2`, title: "" },
  ];
  const panel = entriesFromPanel(links, LIST);
  assert.deepEqual(panel, [{ video_id: ids(1)[0], title: "One" }, { video_id: ids(2)[1], title: null }]);
  assert.deepEqual(choosePlaylist([], panel), panel, "a late panel alone");
  assert.deepEqual(choosePlaylist(panel.slice(0, 1), panel), panel);
  assert.equal(choosePlaylist(ids(250).map((video_id) => ({ video_id, title: null })), []).length, 200);
  const payload = playlistPayload(LIST, [...panel, ...ids(300).map((video_id) => ({ video_id, title: "t".repeat(10) }))]);
  assert.equal(payload.list_id, LIST);
  assert.equal(payload.entries.length, 200);
  assert.deepEqual(payload.entries[1], { video_id: ids(2)[1] }, "no title field when the page showed none");
  const wide = playlistPayload(LIST, ids(200).map((video_id) => ({ video_id, title: "漢".repeat(200) })));
  assert.equal(wide.entries.length, 200);
  assert.ok(wide.entries.every((entry) => !("title" in entry)), "titles left out rather than a message over 64 KiB");
});

function queueButtons({ listId, role, locked = false, undo = false, queued = 3 }) {
  const section = new QueueSection({ addPagePlaylist() {}, shuffle() {}, undoShuffle() {}, addCurrent() {}, skip() {} });
  const queue = Array.from({ length: queued }, (_, i) => ({ id: i + 1, video_id: ids(queued)[i], status: "queued" }));
  const view = reduceRoom(null, { type: "room", payload: { code: "ab12cd", owner_id: 1, queue, can_undo_shuffle: undo,
    settings: { control_mode: "operators", queue_locked: locked }, playback: { state: "paused", version: 1 },
    members: [{ user_id: 1, role: "owner" }, { user_id: 2, role: "operator" }, { user_id: 3, role: "participant" }] } });
  const selfId = { owner: 1, operator: 2, participant: 3 }[role];
  section.update({ view, page: { videoId: "dQw4w9WgXcQ", listId }, canEditQueue: canEditQueue(view, selfId),
    canShuffle: canShuffle(view, selfId), selfId });
  return { playlist: !section.addPlaylist.hidden, shuffle: !section.shuffle.hidden, undo: !section.unshuffle.hidden,
    shuffleEnabled: !section.shuffle.disabled };
}

test("Add playlist shows only on a playlist page, to members who may add", () => {
  assert.equal(queueButtons({ listId: LIST, role: "participant" }).playlist, true);
  assert.equal(queueButtons({ listId: null, role: "owner" }).playlist, false, "not a playlist page");
  assert.equal(queueButtons({ listId: LIST, role: "participant", locked: true }).playlist, false, "a locked queue");
  assert.equal(queueButtons({ listId: LIST, role: "operator", locked: true }).playlist, true);
});

test("Shuffle is for the owner and operators; its undo only while the server says it can be undone", () => {
  assert.deepEqual(queueButtons({ listId: null, role: "participant", undo: true }), {
    playlist: false, shuffle: false, undo: false, shuffleEnabled: true });
  assert.deepEqual(queueButtons({ listId: null, role: "operator" }), { playlist: false, shuffle: true, undo: false, shuffleEnabled: true });
  assert.equal(queueButtons({ listId: null, role: "owner", undo: true }).undo, true);
  assert.equal(queueButtons({ listId: null, role: "owner", queued: 1 }).shuffleEnabled, false, "nothing to shuffle");
  const view = reduceRoom(null, { type: "room", payload: { code: "x", queue: [], queue_version: 3, can_undo_shuffle: true } });
  assert.equal(view.canUndoShuffle, true);
  const after = reduceRoom(view, { type: "queue.update", payload: { queue: [], version: 4, can_undo_shuffle: false } });
  assert.equal(after.canUndoShuffle, false);
  assert.equal(reduceRoom(after, { type: "queue.update", payload: { queue: [], version: 2, can_undo_shuffle: true } }), after,
    "an older queue.update changes nothing");
});

test("the room settings offer repeat (off, one, all) and send just that change", () => {
  const saved = [];
  const settings = new SettingsSection({ saveSettings: async (partial) => saved.push(partial) });
  const view = reduceRoom(null, { type: "room", payload: { code: "x", owner_id: 1, settings: { repeat: "all" },
    members: [{ user_id: 1, role: "owner" }] } });
  settings.update({ view, isOperator: true });
  assert.deepEqual(settings.repeat.children.map((option) => option.value), ["off", "one", "all"]);
  assert.equal(settings.repeat.value, "all");
  settings.repeat.value = "one";
  settings.repeat.dispatch("change", { target: settings.repeat });
  assert.deepEqual(saved, [{ repeat: "one" }]);
  settings.update({ view, isOperator: false });
  assert.equal(settings.element.hidden, true, "participants see no settings");
});
