// The queue: add by pasting a link, reorder by dragging a row's handle (touch), play now, remove.

import { dropIndex, moved } from "../lib/queue_drag.js";
import { REPEAT_MODES } from "../../../clients/core/constants.js";
import { formatTime } from "../../../clients/core/format.js";
import { entryTitle, fill, h, iconButton, thumbnail } from "./dom.js";

/** actions: command(event, data) → Promise<ack>; addLink(url) → Promise<ack> */
export function createQueueView({ state, actions }) {
  const input = h("input", {
    class: "text-input",
    id: "add-url", type: "url", inputmode: "url", autocomplete: "off", autocapitalize: "off", spellcheck: "false", placeholder: "https://youtu.be/…", "aria-label": "YouTube link to add", testid: "add-url",
  });
  const add = h("button", { class: "btn btn-primary", text: "Add", type: "submit", "aria-label": "Add to the queue", testid: "add-submit" });
  const paste = h("button", {
    class: "btn", text: "Paste",
    type: "button", "aria-label": "Paste a link from the clipboard", testid: "add-paste",
    onClick: pasteLink,
  });
  if (!navigator.clipboard?.readText) paste.hidden = true;
  const form = h("form", { class: "add-form", "aria-label": "Add a video" },
    h("label", { class: "field-label", text: "Add a YouTube link", for: "add-url" }),
    h("div", { class: "row" }, input, paste, add));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const url = input.value.trim();
    if (!url) return;
    add.disabled = true;
    const ack = await actions.addLink(url);
    add.disabled = false;
    if (ack.ok) input.value = "";
  });

  const list = h("ol", { class: "queue-list", "aria-label": "Up next", testid: "queue-list" });
  const empty = h("p", { class: "empty", text: "The queue is empty. Paste a YouTube link above, or share one to ShareTube from the YouTube app." });
  const heading = h("h2", { class: "section-title", text: "Up next" });
  // owner and operators: shuffle what is queued; undo the last shuffle while nothing changed
  const shuffle = h("button", { class: "btn", type: "button", text: "Shuffle", "aria-label": "Shuffle the queue", testid: "shuffle",
    hidden: true, onClick: () => actions.command("queue.shuffle", {}) });
  const unshuffle = h("button", { class: "btn", type: "button", text: "Undo shuffle", testid: "unshuffle", hidden: true,
    "aria-label": "Put the queue back as it was before the shuffle", onClick: () => actions.command("queue.shuffle", { undo: true }) });
  // owner and operators: the room's repeat setting (off, the current video, the whole queue)
  const repeat = h("select", { name: "repeat", testid: "repeat",
    onChange: async (ev) => {
      const ack = await actions.command("room.settings", { repeat: ev.target.value });
      if (!ack?.ok) render(); // refused: show the room's setting again
    } }, REPEAT_MODES.map(([value, label]) => h("option", { value, text: label })));
  const repeatLabel = h("label", { class: "field-label inline-select", hidden: true }, "Repeat ", repeat);
  const section = h("section", { class: "view view-queue", id: "view-queue", role: "tabpanel", "aria-labelledby": "tab-queue", hidden: true },
    form, heading, h("div", { class: "row" }, shuffle, unshuffle, repeatLabel), empty, list);

  async function pasteLink() {
    try {
      const text = await navigator.clipboard.readText();
      if (text) input.value = text.trim();
      input.focus();
    } catch {
      input.focus();
    }
  }

  let drag = null; // {entryId, fromIndex, row, startY, middles, toIndex}

  function startDrag(ev, entry, index, row) {
    ev.preventDefault();
    ev.currentTarget.setPointerCapture?.(ev.pointerId);
    const rows = [...list.children];
    const middles = rows.map((r) => {
      const rect = r.getBoundingClientRect();
      return rect.top + rect.height / 2;
    });
    drag = { entryId: entry.id, fromIndex: index, row, startY: ev.clientY, middles, toIndex: index };
    row.classList.add("dragging");
  }

  function moveDrag(ev) {
    if (!drag) return;
    drag.row.style.transform = `translateY(${ev.clientY - drag.startY}px)`;
    drag.toIndex = dropIndex(ev.clientY, drag.middles, drag.fromIndex);
    [...list.children].forEach((r, i) => r.classList.toggle("drop-target", i === drag.toIndex && i !== drag.fromIndex));
  }

  function endDrag() {
    if (!drag) return;
    const { entryId, fromIndex, toIndex, row } = drag;
    drag = null;
    row.classList.remove("dragging");
    row.style.transform = "";
    [...list.children].forEach((r) => r.classList.remove("drop-target"));
    if (toIndex !== fromIndex) moveTo(entryId, fromIndex, toIndex);
  }

  function moveTo(entryId, fromIndex, toIndex) {
    const upcoming = state.upcoming();
    if (toIndex < 0 || toIndex >= upcoming.length) return;
    // Show the new order at once; the server's queue.update confirms (or a refusal re-renders).
    const playingEntries = state.queue.filter((e) => e.status !== "queued");
    state.queue = [...playingEntries, ...moved(upcoming, fromIndex, toIndex)];
    render();
    actions.command("queue.move", { entry_id: entryId, to_index: toIndex }).then((ack) => {
      if (!ack.ok) actions.resync();
    });
  }

  function row(entry, index, count) {
    const name = entryTitle(entry);
    const handle = iconButton("drag", `Move ${name}: drag up or down, or use the arrow keys`, { className: "drag-handle", testid: "drag-handle" });
    const li = h("li", { class: "queue-row", "data-entry-id": entry.id, testid: "queue-row" });
    handle.addEventListener("pointerdown", (ev) => startDrag(ev, entry, index, li));
    handle.addEventListener("pointermove", moveDrag);
    handle.addEventListener("pointerup", endDrag);
    handle.addEventListener("pointercancel", endDrag);
    handle.addEventListener("keydown", (ev) => {
      if (ev.key === "ArrowUp" && index > 0) moveTo(entry.id, index, index - 1);
      else if (ev.key === "ArrowDown" && index < count - 1) moveTo(entry.id, index, index + 1);
      else return;
      ev.preventDefault();
    });
    const meta = h("div", { class: "q-meta" },
      h("p", { class: "q-title", text: name }),
      h("p", { class: "q-sub", text: [entry.author, entry.duration_ms ? formatTime(entry.duration_ms) : null].filter(Boolean).join(" · ") }));
    const playNow = iconButton("playNow", `Play ${name} now`, { testid: "play-now", onClick: () => actions.command("queue.play", { entry_id: entry.id }) });
    const remove = iconButton("remove", `Remove ${name} from the queue`, { testid: "remove", onClick: () => actions.command("queue.remove", { entry_id: entry.id }) });
    li.append(handle, h("div", { class: "q-thumb-wrap" }, thumbnail(entry, "q-thumb")), meta, playNow, remove);
    return li;
  }

  function render() {
    if (drag) return; // never pull the row from under a finger
    const upcoming = state.upcoming();
    fill(list, upcoming.map((entry, i) => row(entry, i, upcoming.length)));
    empty.hidden = upcoming.length > 0;
    heading.textContent = upcoming.length ? `Up next (${upcoming.length})` : "Up next";
    shuffle.hidden = !state.mayShuffle();
    shuffle.disabled = upcoming.length < 2;
    unshuffle.hidden = !(state.mayShuffle() && state.canUndoShuffle);
    repeatLabel.hidden = !state.mayChangeSettings(["repeat"]);
    if (document.activeElement !== repeat) repeat.value = state.room?.settings?.repeat || "off";
  }

  return { section, render, input };
}
