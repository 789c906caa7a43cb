// The overlay's binding to the client core: its DOM builder on this page's document (text
// always through textContent, never innerHTML), the shared time format, and `memo`.

import { createDom } from "../../../../clients/core/dom.js";

export { formatTime as formatDuration } from "../../../../clients/core/format.js";

export const { h, fill } = createDom(document);

/** Runs `render` only when `key` (a string of what it depends on) changed since last time. */
export function memo() {
  let last;
  return (key, render) => {
    if (key === last) return;
    last = key;
    render();
  };
}
