// Signed out: a name for guest sign-in. Signed in, not in a room: create one, or join by code
// or invite link. (The popup has the same controls with the same data-testid hooks.)

import { MAX_NAME_CHARS, MAX_ROOM_CODE_CHARS } from "../../constants.js";
import { h, memo } from "./dom.js";

export class AccountSection {
  constructor(actions) {
    this.actions = actions;
    this.changed = memo();
    this.nameInput = h("input", {
      testid: "st-signin-name", placeholder: "Your name", maxlength: MAX_NAME_CHARS, "aria-label": "Your name",
      onKeydown: (event) => event.key === "Enter" && this.signIn(),
    });
    this.codeInput = h("input", {
      testid: "st-join-code", placeholder: "Room code or invite link", "aria-label": "Room code or invite link",
      maxlength: 2_000, onKeydown: (event) => event.key === "Enter" && this.join(),
    });
    this.intro = h("div", { class: "muted" });
    this.signedOut = h("section", {},
      h("h3", { text: "Sign in" }),
      this.intro,
      h("div", { class: "row" }, this.nameInput,
        h("button", { testid: "st-signin-submit", class: "primary", text: "Sign in", onClick: () => this.signIn() })),
    );
    this.who = h("div", { class: "muted" });
    this.signedIn = h("section", {},
      h("h3", { text: "Watch together" }),
      this.who,
      h("button", { testid: "st-create-room", class: "primary", text: "Create a room", onClick: () => actions.createRoom() }),
      h("div", { class: "row" }, this.codeInput,
        h("button", { testid: "st-join-submit", text: "Join", onClick: () => this.join() })),
    );
    this.element = h("div", {}, this.signedOut, this.signedIn);
  }

  signIn() {
    this.actions.signIn(this.nameInput.value);
  }

  join() {
    this.actions.join(this.codeInput.value.slice(0, MAX_ROOM_CODE_CHARS * 80));
  }

  update(model) {
    const inRoom = Boolean(model.view);
    this.element.hidden = inRoom;
    this.signedOut.hidden = model.signedIn;
    this.signedIn.hidden = !model.signedIn;
    this.changed(`${model.signedIn}|${model.user?.name}|${model.pendingInvite?.code}|${model.guestName}`, () => {
      this.intro.textContent = model.pendingInvite
        ? `Enter a name to join room ${model.pendingInvite.code}.`
        : "Sign in as a guest with just a name.";
      if (!this.nameInput.value && model.guestName) this.nameInput.value = model.guestName;
      this.who.textContent = model.user ? `Signed in as ${model.user.name}` : "";
    });
  }
}
