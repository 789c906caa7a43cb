// The overlay's playlist and shuffle buttons: "Add playlist" reads the playlist this page shows
// (waiting a few seconds for a panel YouTube renders late), a pasted list= link is read from the
// page when it shows that playlist and otherwise left to the server (which reads it with its
// YouTube API key, or says plainly that it cannot); shuffle and its one undo.

import { PLAYLIST_PANEL_WAIT_MS, PLAYLIST_POLL_MS } from "../constants.js";
import { refusalMessage } from "../lib/ack_messages.js";
import { parsePlaylistLink, playlistPayload } from "../lib/playlist_page.js";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function playlistActions(app) {
  async function request(event, payload) {
    const ack = await app.transport.emit(event, payload);
    if (!ack.ok) app.showNotice(refusalMessage(ack, { controlMode: app.view?.settings?.control_mode }));
    return ack;
  }

  /** The entries of playlist `listId` as this page shows them ([] if it shows none in time). */
  async function pageEntries(listId) {
    const deadline = performance.now() + PLAYLIST_PANEL_WAIT_MS;
    for (;;) {
      const read = app.adapter.readPlaylist();
      if (read.listId !== listId) return [];
      if (read.entries.length || performance.now() >= deadline) return read.entries;
      await sleep(PLAYLIST_POLL_MS);
    }
  }

  async function send(listId, entries, link) {
    const payload = entries.length ? playlistPayload(listId, entries) : { url: link };
    const ack = await request("queue.playlist", payload);
    if (ack.ok && ack.duplicate) app.showNotice("That playlist is already in the queue.");
    else if (ack.ok) {
      const full = ack.dropped ? ` (${ack.dropped} did not fit: the queue is full)` : "";
      app.showNotice(`Added ${ack.added} videos from the playlist${full}.`);
    }
    return ack.ok;
  }

  /** One playlist at a time: the button says so ("Adding playlist…") until the answer. */
  async function busy(work) {
    if (app.ui.playlistBusy) return false;
    app.update({ playlistBusy: true });
    try {
      return await work();
    } finally {
      app.update({ playlistBusy: false });
    }
  }

  return {
    addPagePlaylist: () => busy(async () => {
      const listId = app.adapter.playlistId();
      if (!listId) return false;
      return send(listId, await pageEntries(listId), `https://www.youtube.com/playlist?list=${listId}`);
    }),
    addPlaylistLink: (text) => busy(async () => {
      const listId = parsePlaylistLink(text);
      if (!listId) return false;
      const entries = app.adapter.playlistId() === listId ? await pageEntries(listId) : [];
      return send(listId, entries, text.trim());
    }),
    shuffle: () => request("queue.shuffle", {}),
    undoShuffle: () => request("queue.shuffle", { undo: true }),
  };
}
