// The phone remote's pairing dialog (under the room header's "Phone remote (QR)" button): the
// QR code, the pairing link as text with a copy button, how long the code still works, and —
// when the server's address is a loopback one — why a phone cannot reach it. Once the phone
// used the code the dialog says so; an expired code offers a new one. A keyboard user's focus
// stays in the dialog as it changes (Copy link → New code when the code expires, New code →
// Copy link when the fresh code shows): a removed button would drop it to the page.

import { countdownText, pairedRemote, svgDataUrl } from "../../lib/remote_pairing.js";
import { h, keepFocus, memo } from "./dom.js";

export class PairingDialog {
  constructor(actions) {
    this.actions = actions;
    this.changed = memo();
    this.countdown = h("span", { testid: "st-remote-expiry", class: "muted", "aria-live": "off" });
    this.element = h("div", {
      testid: "st-remote-dialog", class: "dialog qr", role: "group", "aria-label": "Pair a phone remote", hidden: true,
    });
  }

  update(model) {
    const { pairing } = model;
    this.element.hidden = !pairing;
    if (!pairing) {
      this.changed("", () => this.element.replaceChildren());
      return;
    }
    const paired = pairedRemote(pairing.id, model.remotes);
    const left = countdownText(pairing.expiresMs, model.serverNowMs);
    const stage = paired ? "paired" : left ? "open" : "expired";
    this.changed(JSON.stringify([pairing, stage, paired?.label]),
      () => keepFocus(this.element, () => this.render(pairing, stage, paired)));
    this.countdown.textContent = stage === "open" ? `Expires in ${left} · works once` : "";
  }

  render(pairing, stage, paired) {
    const children = [h("h3", { text: "Phone remote" })];
    if (pairing.warning && stage !== "paired") {
      children.push(h("div", { testid: "st-remote-warning", class: "warning", role: "alert", text: pairing.warning }));
    }
    if (stage === "open") {
      children.push(
        h("div", { class: "muted", text: "Scan it with your phone's camera to control this room from the phone." }),
        pairing.qrSvg
          ? h("img", { testid: "st-remote-qr-image", alt: "QR code of the phone remote's pairing link", src: svgDataUrl(pairing.qrSvg) })
          : null,
        h("code", { testid: "st-remote-pair-url", class: "url", text: pairing.pairUrl }),
        h("div", { class: "row" },
          h("button", { testid: "st-remote-pair-copy", class: "small", text: "Copy link", onClick: () => this.actions.copyPairUrl() }),
          this.countdown),
      );
    } else if (stage === "expired") {
      children.push(
        h("div", { testid: "st-remote-expired", text: "This code expired." }),
        h("button", { testid: "st-remote-new-code", class: "small primary", text: "New code", onClick: () => this.actions.newPairingCode() }),
      );
    } else {
      children.push(h("div", {
        testid: "st-remote-paired", text: `✓ Paired: ${paired.label || "Phone"}. It is listed under "Your phone remotes".`,
      }));
    }
    children.push(h("button", { testid: "st-remote-close", class: "small", text: "Close", onClick: () => this.actions.closeQr() }));
    this.element.dataset.pairingId = String(pairing.id);
    this.element.replaceChildren(...children.filter(Boolean));
  }
}
