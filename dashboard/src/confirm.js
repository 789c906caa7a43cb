// A confirm step for every action, and short notices of what happened.

import { h } from "./dom.js";

/** Ask before an action: resolves true when the admin confirms. */
export function confirmAction({ title, body, confirmLabel, danger = true }) {
  return new Promise((resolve) => {
    const dialog = h("dialog", { class: "confirm", testid: "confirm-dialog" });
    const finish = (answer) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    dialog.append(
      h("h3", { text: title }),
      h("p", { text: body }),
      h("div", { class: "confirm-buttons" },
        h("button", { type: "button", class: "btn", testid: "confirm-cancel", onClick: () => finish(false) }, "Cancel"),
        h("button", {
          type: "button", class: danger ? "btn btn-danger" : "btn btn-primary", testid: "confirm-ok",
          onClick: () => finish(true),
        }, confirmLabel)),
    );
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      finish(false);
    });
    document.body.append(dialog);
    dialog.showModal();
    dialog.querySelector("[data-testid=confirm-cancel]").focus();
  });
}

let toastHost = null;

/** A notice in the corner for a few seconds ("Bob was banned", or a refusal's message). */
export function toast(text, kind = "info") {
  if (!toastHost) {
    toastHost = h("div", { class: "toasts", role: "status" });
    document.body.append(toastHost);
  }
  const item = h("div", { class: `toast toast-${kind}`, testid: "toast" }, text);
  toastHost.append(item);
  setTimeout(() => item.remove(), kind === "error" ? 7000 : 4000);
}

/** Confirm, run the request, tell the admin how it went; resolves with the ack (or null if cancelled). */
export async function confirmedRequest(request, { title, body, confirmLabel, event, data, done }) {
  if (!(await confirmAction({ title, body, confirmLabel }))) return null;
  const ack = await request(event, data);
  if (ack.ok) toast(done, "ok");
  else toast(ack.message || "The server refused", "error");
  return ack;
}
