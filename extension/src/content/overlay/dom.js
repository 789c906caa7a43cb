// The overlay's binding to the client core: its DOM builder on this page's document (text
// always through textContent, never innerHTML), the shared time format, and `memo`.

import { createDom } from "../../../../clients/core/dom.js";

export { formatTime as formatDuration } from "../../../../clients/core/format.js";

export const { h, fill } = createDom(document);

const FOCUSABLE = "button, input, select, textarea, a[href], [tabindex]";
const ROW_IDS = ["userId", "entryId", "pairingId", "knockId"];
const ROW = "[data-user-id], [data-entry-id], [data-pairing-id], [data-knock-id]";

/** Where a control sits: its row (a member, an entry, a remote, a knock) and its place among
 * the row's controls (so "Make operator" that became "Demote" is the same place). */
function focusPlace(element, container) {
  const row = element.closest(ROW);
  const scope = row && container.contains(row) ? row : container;
  const rowKey = scope === container ? "" : ROW_IDS.map((id) => scope.dataset[id] ?? "").join(",");
  return `${rowKey}|${[...scope.querySelectorAll(FOCUSABLE)].indexOf(element)}`;
}

/** Runs `render` (which rebuilds `container`'s children) and gives the keyboard focus back to
 * the control in the same place when it was inside: a re-render (a roster update every few
 * seconds) must not drop a keyboard user's focus to the page. When that control's row went (a
 * member banned or removed, a ban lifted, a knock answered) the focus goes to the control now at
 * its position in the container (the next row's, else the last one), else to `fallback` (the
 * section's own button, for a list left empty). */
export function keepFocus(container, render, fallback = null) {
  const active = container.getRootNode?.().activeElement; // (none under node --test's stand-in DOM)
  const inside = Boolean(active) && container.contains(active);
  const place = inside ? focusPlace(active, container) : null;
  const position = inside ? [...container.querySelectorAll(FOCUSABLE)].indexOf(active) : -1;
  render();
  if (place === null || container.contains(active)) return;
  const now = [...container.querySelectorAll(FOCUSABLE)];
  const again = now.find((el) => focusPlace(el, container) === place)
    ?? (now.length && position >= 0 ? now[Math.min(position, now.length - 1)] : fallback);
  again?.focus({ preventScroll: true });
}

function canTakeFocus(element) {
  return element.isConnected && !element.disabled && !element.closest("[hidden]");
}

/** Runs `update` (which may hide or disable controls inside `container`) and, when the control
 * that had the focus there can no longer take it ("Clear votes" gone with the votes, "Vote to
 * skip" once voted, "Undo shuffle" once undone, "Older messages" once there are none), moves the
 * focus to the first of `fallbacks()` that can, so that it does not drop out of the overlay. */
export function keepFocusOnHide(container, update, fallbacks) {
  const active = container.getRootNode?.().activeElement; // (none under node --test's stand-in DOM)
  const inside = Boolean(active) && container.contains(active);
  update();
  if (!inside || canTakeFocus(active)) return;
  fallbacks().find(canTakeFocus)?.focus({ preventScroll: true });
}

/** Fills `list` with `row(item)` for each item, or with one muted line: "Loading…" while `items`
 * is null (not fetched yet), `emptyText` when there are none. */
export function fillList(list, items, emptyText, row) {
  if (items === null || !items.length) {
    list.replaceChildren(h("li", { class: "muted", text: items === null ? "Loading…" : emptyText }));
    return;
  }
  list.replaceChildren(...items.map(row));
}

/** Runs `render` only when `key` (a string of what it depends on) changed since last time. */
export function memo() {
  let last;
  return (key, render) => {
    if (key === last) return;
    last = key;
    render();
  };
}
