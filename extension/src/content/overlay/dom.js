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
 * seconds) must not drop a keyboard user's focus to the page. */
export function keepFocus(container, render) {
  const active = container.getRootNode?.().activeElement; // (none under node --test's stand-in DOM)
  const place = active && container.contains(active) ? focusPlace(active, container) : null;
  render();
  if (place === null || container.contains(active)) return;
  const again = [...container.querySelectorAll(FOCUSABLE)].find((el) => focusPlace(el, container) === place);
  again?.focus({ preventScroll: true });
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
