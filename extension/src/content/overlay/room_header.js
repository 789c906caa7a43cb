// The top of the panel while in a room: code, invite link, QR pairing for the phone remote,
// leave; and the banners: waiting for members, "Join playback", the open-another-video choice.

import { h, memo } from "./dom.js";
import { PairingDialog } from "./pairing_dialog.js";
import { waitingText } from "./waiting_text.js";

export class RoomHeader {
  constructor(actions) {
    this.actions = actions;
    this.changed = memo();
    this.code = h("span", { testid: "st-room-code", class: "code" });
    this.invite = h("a", { testid: "st-invite-link", target: "_blank", rel: "noopener" });
    this.invite.addEventListener("click", (event) => {
      event.preventDefault();
      actions.copyInvite();
    });
    this.connection = h("span", { class: "muted" });
    this.pairing = new PairingDialog(actions);
    this.qrButton = h("button", {
      testid: "st-remote-qr", class: "small", text: "Phone remote (QR)", "aria-expanded": "false",
      onClick: () => actions.showQr(),
    });
    this.top = h("section", {},
      h("div", { class: "row" }, h("span", { text: "Room" }), this.code, this.connection),
      h("div", { class: "muted" }, "Invite: ", this.invite),
      h("div", { class: "row" },
        h("button", { class: "small", text: "Copy invite", onClick: () => actions.copyInvite() }),
        this.qrButton,
        h("button", { class: "small", text: "Leave room", onClick: () => actions.leave() })),
      this.pairing.element,
    );
    this.waitingText = h("div");
    this.countdown = h("div", { class: "muted" });
    this.startNow = h("button", { testid: "st-start-now", class: "small primary", text: "Start now", onClick: () => actions.startNow() });
    this.waiting = h("section", { testid: "st-waiting", class: "banner", hidden: true }, this.waitingText, this.countdown, this.startNow);
    this.resume = h("button", {
      testid: "st-resume-playback", class: "primary resume", hidden: true,
      text: "▶ Join playback", onClick: () => actions.resume(),
    });
    this.choice = h("section", { class: "dialog", hidden: true });
    this.element = h("div", {}, this.top, this.choice);
    // Shown even while the panel is collapsed (the overlay places them beside the pill).
    this.alwaysVisible = [this.resume, this.waiting];
  }

  update(model) {
    const { view } = model;
    this.element.hidden = !view;
    this.resume.hidden = !(view && model.blocked);
    if (!view) {
      this.waiting.hidden = true;
      return;
    }
    this.code.textContent = view.code;
    this.invite.textContent = model.inviteLink;
    this.invite.href = model.inviteLink;
    this.connection.textContent = model.connection === "connected" ? "" : `· ${model.connection}…`;
    this.updateWaiting(model);
    this.pairing.update(model);
    this.qrButton.setAttribute("aria-expanded", String(Boolean(model.pairing)));
    this.changed(JSON.stringify(model.choice), () => this.renderChoice(model.choice));
  }

  updateWaiting(model) {
    const playback = model.view.playback;
    const waiting = ["starting", "midroll"].includes(playback.state);
    this.waiting.hidden = !waiting;
    if (!waiting) return;
    this.waitingText.textContent = waitingText(model.view);
    const left = playback.deadline_ms ? Math.max(0, Math.ceil((playback.deadline_ms - model.serverNowMs) / 1000)) : null;
    const verb = playback.state === "midroll" ? "Resumes" : "Starts";
    this.countdown.textContent = left === null ? "" : `${verb} anyway in ${left} s`;
    this.startNow.hidden = !model.isOperator;
  }

  renderChoice(choice) {
    this.choice.hidden = !choice;
    if (!choice) return this.choice.replaceChildren();
    const title = choice.title || choice.videoId;
    return this.choice.replaceChildren(
      h("div", { text: `You opened "${title}". You are in a room:` }),
      h("div", { class: "row" },
        h("button", { class: "small primary", text: "Play it for everyone", onClick: () => this.actions.choosePlayForAll() }),
        h("button", { class: "small", text: "Add it to the queue", onClick: () => this.actions.chooseQueue() }),
        h("button", { class: "small", text: "Leave the room", onClick: () => this.actions.leave() })),
    );
  }
}
