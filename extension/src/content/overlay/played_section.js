// What the room has played (queue.load {history: 1}), most recent first, with "Play again"
// (queue.replay: back into the queue, for whoever may add videos). Closed by default; while it
// is open it follows the queue (a finished entry joins the list).

import { playedEntries } from "../../lib/room_view.js";
import { fillList, formatDuration, h, keepFocus, memo } from "./dom.js";

export class PlayedSection {
  constructor(actions) {
    this.actions = actions;
    this.changed = memo();
    this.open = false;
    this.loadedFor = null; // the queue version the list was asked for
    this.toggle = h("button", {
      testid: "st-played-toggle", class: "small", text: "Played", "aria-expanded": "false", "aria-controls": "st-played-list",
      onClick: () => this.setOpen(!this.open),
    });
    this.list = h("ul", { id: "st-played-list", testid: "st-played", "aria-label": "Played in this room", hidden: true });
    this.element = h("section", { hidden: true }, h("div", { class: "row" }, this.toggle), this.list);
  }

  setOpen(open) {
    this.open = open;
    this.toggle.setAttribute("aria-expanded", String(open));
    this.list.hidden = !open;
    this.loadedFor = null;
    if (this.model) this.update(this.model);
  }

  update(model) {
    this.model = model;
    const { view } = model;
    this.element.hidden = !view;
    if (!view) return;
    if (this.open && !this.pending && (this.loadedFor !== view.queueVersion || view.played === null)) {
      this.loadedFor = view.queueVersion;
      this.pending = true;
      Promise.resolve(this.actions.loadPlayed()).finally(() => { this.pending = false; });
    }
    const entries = playedEntries(view);
    // A rebuild (a finished entry joins the list while it is open) keeps the focus on the same
    // entry's "Play again"; a list gone to "Loading…" hands it to the toggle.
    this.changed(JSON.stringify([entries, model.canEditQueue, this.open, view.played === null]),
      () => keepFocus(this.list, () => this.render(view, entries, model.canEditQueue), this.toggle));
  }

  render(view, entries, canEditQueue) {
    fillList(this.list, view.played === null ? null : entries, "Nothing played yet.", (entry) => {
      const label = entry.title || entry.video_id;
      const meta = [entry.status === "skipped" ? "skipped" : "", formatDuration(entry.duration_ms)].filter(Boolean).join(" · ");
      return h("li", { testid: "st-played-entry", "data-entry-id": entry.id, "data-video-id": entry.video_id },
        h("span", { class: "grow", title: label, text: label }),
        meta ? h("span", { class: "muted", text: meta }) : null,
        canEditQueue
          ? h("button", { testid: "st-play-again", class: "small", text: "Play again", "aria-label": `Play again: ${label}`,
            onClick: () => this.actions.playAgain(entry.id) })
          : null);
    });
  }
}
