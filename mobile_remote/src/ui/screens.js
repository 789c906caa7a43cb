// Whole-page states: pairing, not paired, pairing refused, disconnected, removed from the room.

import { h } from "./dom.js";

export function createScreen() {
  const title = h("h1", { class: "screen-title", testid: "screen-title", tabindex: "-1" });
  const text = h("p", { class: "screen-text", testid: "screen-text" });
  const hint = h("p", { class: "screen-hint" });
  const buttons = h("div", { class: "screen-actions" });
  const spinner = h("div", { class: "spinner", "aria-hidden": "true" });
  const node = h("div", { class: "screen", hidden: true, testid: "screen", role: "alert" },
    h("div", { class: "screen-card" }, spinner, title, text, hint, buttons));

  function show({ kind = "info", heading, message = "", detail = "", busy = false, actions = [] }) {
    node.dataset.kind = kind;
    title.textContent = heading;
    text.textContent = message;
    hint.textContent = detail;
    hint.hidden = !detail;
    spinner.hidden = !busy;
    buttons.replaceChildren(...actions.map((a) => h("button", {
      class: `btn ${a.primary ? "btn-primary" : ""}`.trim(), text: a.label,
      type: "button", "aria-label": a.label, testid: a.testid,
      onClick: a.onClick,
    })));
    node.hidden = false;
    document.body.classList.add("has-screen");
    title.focus({ preventScroll: true });
  }

  function hide() {
    node.hidden = true;
    document.body.classList.remove("has-screen");
  }

  return { node, show, hide, get visible() { return !node.hidden; }, get kind() { return node.hidden ? null : node.dataset.kind; } };
}

export const HOW_TO_PAIR =
  "On your computer, open a YouTube video with the ShareTube extension, open the room panel and choose "
  + "“Phone remote”. Scan the QR code with this phone's camera.";
