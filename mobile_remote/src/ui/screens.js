// Whole-page states: pairing, not paired, pairing refused, disconnected, removed from the room.

import { el } from "./dom.js";

export function createScreen() {
  const title = el("h1", { class: "screen-title", attrs: { "data-testid": "screen-title", tabindex: "-1" } });
  const text = el("p", { class: "screen-text", attrs: { "data-testid": "screen-text" } });
  const hint = el("p", { class: "screen-hint" });
  const buttons = el("div", { class: "screen-actions" });
  const spinner = el("div", { class: "spinner", attrs: { "aria-hidden": "true" } });
  const node = el("div", { class: "screen", attrs: { hidden: true, "data-testid": "screen", role: "alert" } },
    el("div", { class: "screen-card" }, spinner, title, text, hint, buttons));

  function show({ kind = "info", heading, message = "", detail = "", busy = false, actions = [] }) {
    node.dataset.kind = kind;
    title.textContent = heading;
    text.textContent = message;
    hint.textContent = detail;
    hint.hidden = !detail;
    spinner.hidden = !busy;
    buttons.replaceChildren(...actions.map((a) => el("button", {
      class: `btn ${a.primary ? "btn-primary" : ""}`.trim(), text: a.label,
      attrs: { type: "button", "aria-label": a.label, "data-testid": a.testid },
      on: { click: a.onClick },
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
