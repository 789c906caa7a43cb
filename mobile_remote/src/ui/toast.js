// Short messages (refusals from acks, confirmations) in one polite live region.

import { h } from "./dom.js";

let region = null;

export function mountToasts(root) {
  region = h("div", { class: "toasts", role: "status", "aria-live": "polite", testid: "toasts" });
  root.append(region);
}

export function toast(message, { kind = "info", ms = 4000 } = {}) {
  if (!region || !message) return;
  const item = h("div", { class: `toast toast-${kind}`, text: message });
  region.append(item);
  while (region.children.length > 3) region.firstChild.remove();
  setTimeout(() => item.remove(), ms);
}
