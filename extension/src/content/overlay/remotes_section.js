// "Your phone remotes": the user's paired remotes in this room (label, when paired, a dot when
// connected) under the roster. Unpairing asks first, inline; the remote's socket drops at once.

import { pairedAgoText } from "../../lib/remote_pairing.js";
import { h, keepFocus, memo } from "./dom.js";

const MINUTE_MS = 60_000;

export class RemotesSection {
  constructor(actions) {
    this.actions = actions;
    this.changed = memo();
    this.list = h("ul", { testid: "st-remotes", "aria-label": "Your phone remotes" });
    this.empty = h("div", { class: "muted", text: "No phone paired. \u201cPhone remote (QR)\u201d above pairs one." });
    this.error = h("div", { class: "muted", role: "status" });
    this.element = h("section", { testid: "st-remotes-section" },
      h("h3", { text: "Your phone remotes" }), this.list, this.empty, this.error);
  }

  update(model) {
    const { view } = model;
    this.element.hidden = !view;
    if (!view) return;
    const remotes = model.remotes || [];
    const minute = Math.floor(model.serverNowMs / MINUTE_MS); // "5 min ago" moves on
    const key = JSON.stringify([remotes, model.revokeAsk, model.revoking, model.remotesError, minute]);
    this.changed(key, () => {
      this.empty.hidden = remotes.length > 0;
      this.error.textContent = model.remotesError || "";
      this.error.hidden = !model.remotesError;
      let confirm = null;
      const askedBefore = this.askedBefore;
      const active = this.list.getRootNode?.().activeElement;
      const focusWasHere = Boolean(active && this.list.contains(active));
      const rows = remotes.map((remote) => {
        const row = this.renderRemote(remote, model);
        if (model.revokeAsk === remote.id) confirm = row.querySelector("[data-testid=st-remote-revoke-confirm]");
        return row;
      });
      keepFocus(this.list, () => this.list.replaceChildren(...rows));
      // The keyboard lands on the question when it appears (not again on a later re-render),
      // and back on its "Unpair" when it is answered "Keep".
      if (model.revokeAsk !== askedBefore) {
        const back = askedBefore === null || askedBefore === undefined ? null
          : this.list.querySelector(`[data-pairing-id="${askedBefore}"] [data-testid=st-remote-revoke]`);
        (confirm || (focusWasHere ? back : null))?.focus();
      }
      this.askedBefore = model.revokeAsk;
    });
  }

  renderRemote(remote, model) {
    const label = remote.label || "Phone";
    const status = remote.connected ? "connected" : "not connected";
    const ago = pairedAgoText(remote.used_ms ?? remote.created_ms, model.serverNowMs);
    const asking = model.revokeAsk === remote.id;
    const row = h("li", {
      testid: "st-remote-item", class: "remote", "data-pairing-id": remote.id, "data-connected": String(Boolean(remote.connected)),
    },
    h("span", { class: `health ${remote.connected ? "green" : "none"}`, role: "img", title: status, "aria-label": status }),
    h("span", { class: "grow", title: `${label}, ${status}` }, label, h("span", { class: "muted", text: ago ? ` · paired ${ago}` : "" })));
    if (!asking) {
      row.append(h("button", {
        testid: "st-remote-revoke", class: "small", text: "Unpair", "aria-label": `Unpair ${label}`,
        disabled: model.revoking === remote.id, onClick: () => this.actions.askRevoke(remote.id),
      }));
      return row;
    }
    row.append(h("div", { class: "confirm", role: "group", "aria-label": `Unpair ${label}?` },
      h("span", { text: `Unpair ${label}? It disconnects now; pairing again needs a new QR code.` }),
      h("div", { class: "row" },
        h("button", { testid: "st-remote-revoke-confirm", class: "small primary", text: "Unpair", onClick: () => this.actions.revokeRemote(remote.id) }),
        h("button", { testid: "st-remote-revoke-cancel", class: "small", text: "Keep", onClick: () => this.actions.cancelRevoke() }))));
    return row;
  }
}
