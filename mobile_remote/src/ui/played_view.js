// What the room has played, under the queue: closed by default; opened, it asks for the played
// list (queue.load {history: 1}), newest first, follows the queue while open, and offers "Play
// again" (queue.replay) to whoever may add videos (the client core's verdict; the server decides).

import { mayAddToQueue } from "../../../clients/core/permissions.js";
import { entryTitle, h } from "./dom.js";

/** actions: command(event, data) → Promise<ack> (refusals shown as toasts) */
export function createPlayedView({ state, actions }) {
  let open = false;
  let played = null; // the last answer's history, oldest first
  let loadedFor = null; // the queue version it was asked for
  let pending = false;
  const toggle = h("button", {
    class: "btn", type: "button", text: "Played", testid: "played-toggle", "aria-expanded": "false", "aria-controls": "played-list",
    onClick: () => {
      open = !open;
      loadedFor = null;
      render();
    },
  });
  const list = h("ol", { class: "queue-list", id: "played-list", "aria-label": "Played in this room", testid: "played-list", hidden: true });
  const node = h("div", { class: "played" }, toggle, list);

  async function load() {
    pending = true;
    const ack = await actions.command("queue.load", { history: 1 });
    pending = false;
    if (ack.ok) played = ack.history || [];
    render();
  }

  function row(entry, mayAdd) {
    const title = entryTitle(entry);
    return h("li", { class: "queue-row", testid: "played-entry", "data-entry-id": entry.id },
      h("div", { class: "q-meta" },
        h("p", { class: "q-title", text: title }),
        entry.status === "skipped" ? h("p", { class: "q-sub", text: "skipped" }) : null),
      mayAdd ? h("button", { class: "btn", type: "button", text: "Play again", testid: "play-again", "aria-label": `Play again: ${title}`,
        onClick: () => actions.command("queue.replay", { entry_id: entry.id }) }) : null);
  }

  function render() {
    toggle.setAttribute("aria-expanded", String(open));
    list.hidden = !open;
    if (!open) return;
    if (!pending && loadedFor !== state.queueVersion) {
      loadedFor = state.queueVersion;
      load();
    }
    if (played === null) return list.replaceChildren(h("li", { class: "note", text: "Loading…" }));
    if (!played.length) return list.replaceChildren(h("li", { class: "note", text: "Nothing played yet." }));
    const mayAdd = mayAddToQueue(state.role, Boolean(state.room?.settings?.queue_locked)).allowed;
    list.replaceChildren(...[...played].reverse().map((entry) => row(entry, mayAdd)));
  }

  return { node, render };
}
