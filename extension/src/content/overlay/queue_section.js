// The shared queue: what plays now, what comes next (drag to reorder, or the ↑/↓ buttons from
// the keyboard), play now, remove, "add this video" and a pasted link.

import { currentEntry, upcomingEntries } from "../../lib/room_view.js";
import { formatDuration, h, keepFocus, keepFocusOnHide, memo } from "./dom.js";

export class QueueSection {
  constructor(actions) {
    this.actions = actions;
    this.changed = memo();
    this.dragged = null;
    this.list = h("ul", { testid: "st-queue", "aria-label": "Queue" });
    this.urlInput = h("input", {
      testid: "st-queue-url", placeholder: "Paste a YouTube link", "aria-label": "YouTube link to add",
      onKeydown: (event) => event.key === "Enter" && this.addUrl(),
    });
    this.addCurrent = h("button", { testid: "st-queue-add-current", class: "small", text: "Add this video", onClick: () => actions.addCurrent() });
    // Only on a playlist page, and only for members who may add to the queue.
    this.addPlaylist = h("button", {
      testid: "st-queue-add-playlist", class: "small", text: "Add playlist", hidden: true,
      "aria-label": "Add this page's playlist to the queue", onClick: () => actions.addPagePlaylist(),
    });
    // Owner and operators: shuffle what is queued, and undo the last shuffle while nothing changed.
    this.shuffle = h("button", {
      testid: "st-queue-shuffle", class: "small", text: "Shuffle", hidden: true,
      "aria-label": "Shuffle the queue", onClick: () => actions.shuffle(),
    });
    this.unshuffle = h("button", {
      testid: "st-queue-unshuffle", class: "small", text: "Undo shuffle", hidden: true,
      "aria-label": "Undo shuffle: put the queue back as it was before the shuffle", onClick: () => actions.undoShuffle(),
    });
    this.shuffleRow = h("div", { class: "row" }, this.shuffle, this.unshuffle);
    this.element = h("section", {},
      h("h3", { text: "Queue" }),
      this.list,
      h("div", { class: "row" }, this.addCurrent, this.addPlaylist,
        h("button", { class: "small", text: "Skip", testid: "st-skip", onClick: () => actions.skip() })),
      this.shuffleRow,
      h("div", { class: "row" }, this.urlInput, h("button", { class: "small", text: "Add", testid: "st-queue-add", onClick: () => this.addUrl() })),
    );
  }

  async addUrl() {
    if (await this.actions.addUrl(this.urlInput.value)) this.urlInput.value = "";
  }

  update(model) {
    const { view } = model;
    this.element.hidden = !view;
    if (!view) return;
    this.addCurrent.disabled = !model.page.videoId;
    this.addPlaylist.hidden = !(model.page.listId && model.canEditQueue);
    this.addPlaylist.disabled = Boolean(model.playlistBusy);
    this.addPlaylist.textContent = model.playlistBusy ? "Adding playlist…" : "Add playlist";
    const current = currentEntry(view);
    const upcoming = upcomingEntries(view);
    // "Undo shuffle" goes once used: the focus moves to "Shuffle" (or the link box).
    keepFocusOnHide(this.shuffleRow, () => {
      this.shuffle.hidden = !model.canShuffle;
      this.shuffle.disabled = upcoming.length < 2;
      this.unshuffle.hidden = !(model.canShuffle && view.canUndoShuffle);
    }, () => [this.shuffle, this.unshuffle, this.urlInput]);
    this.changed(JSON.stringify([current, upcoming, model.canEditQueue]), () => {
      const rows = [];
      if (current) rows.push(this.renderEntry(current, -1, upcoming.length, model, true));
      upcoming.forEach((entry, index) => rows.push(this.renderEntry(entry, index, upcoming.length, model, false)));
      if (!rows.length) rows.push(h("li", { class: "muted", text: "Nothing queued yet." }));
      keepFocus(this.list, () => this.list.replaceChildren(...rows));
    });
  }

  renderEntry(entry, index, count, model, isCurrent) {
    const label = entry.title || entry.video_id;
    const meta = [entry.author, formatDuration(entry.duration_ms)].filter(Boolean).join(" · ");
    const buttons = [];
    if (!isCurrent) {
      buttons.push(
        h("button", { class: "small", text: "↑", title: "Move up", "aria-label": `Move ${label} up`, disabled: index === 0, onClick: () => this.actions.moveEntry(entry.id, index - 1) }),
        h("button", { class: "small", text: "↓", title: "Move down", "aria-label": `Move ${label} down`, disabled: index === count - 1, onClick: () => this.actions.moveEntry(entry.id, index + 1) }),
        h("button", { class: "small", text: "▶", title: "Play now", "aria-label": `Play ${label} now`, onClick: () => this.actions.playEntry(entry.id) }),
        h("button", { class: "small", text: "✕", title: "Remove", "aria-label": `Remove ${label}`, onClick: () => this.actions.removeEntry(entry.id) }),
      );
    }
    const item = h("li", {
      testid: "st-queue-entry", class: isCurrent ? "current" : "", "data-entry-id": entry.id,
      "data-video-id": entry.video_id, draggable: !isCurrent,
    },
    h("span", { class: "grow", title: label }, isCurrent ? "▶ " : "", label, meta ? h("span", { class: "muted", text: ` ${meta}` }) : null),
    ...buttons);
    if (!isCurrent) this.makeDraggable(item, entry, index);
    return item;
  }

  makeDraggable(item, entry, index) {
    item.addEventListener("dragstart", (event) => {
      this.dragged = entry.id;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", String(entry.id));
    });
    item.addEventListener("dragover", (event) => {
      if (this.dragged === null || this.dragged === entry.id) return;
      event.preventDefault();
      item.classList.add("drop-target");
    });
    item.addEventListener("dragleave", () => item.classList.remove("drop-target"));
    item.addEventListener("drop", (event) => {
      event.preventDefault();
      item.classList.remove("drop-target");
      if (this.dragged !== null && this.dragged !== entry.id) this.actions.moveEntry(this.dragged, index);
      this.dragged = null;
    });
    item.addEventListener("dragend", () => {
      this.dragged = null;
    });
  }
}
