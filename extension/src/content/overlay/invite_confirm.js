// "Join this room?" — asked before an invite link (#sharetube=CODE) moves the user into a room
// they have not joined from this browser before: the room's name, its owner and how many are in
// it, so a stranger's link never moves anyone silently. Shown beside the pill (panel closed too).

import { h, memo } from "./dom.js";

export class InviteConfirm {
  constructor(actions) {
    this.actions = actions;
    this.changed = memo();
    this.element = h("section", {
      testid: "st-invite-confirm", class: "banner", role: "dialog", "aria-label": "Join this room?", hidden: true,
    });
    this.alwaysVisible = [this.element];
  }

  update(model) {
    const ask = model.inviteAsk;
    this.element.hidden = !ask;
    this.changed(JSON.stringify(ask || null), () => (ask ? this.render(ask) : this.element.replaceChildren()));
  }

  render(ask) {
    const people = ask.members === 1 ? "1 person is in it now" : `${ask.members} people are in it now`;
    const notes = [];
    if (ask.is_private && !ask.secret) notes.push("It is private: its owner or an operator must let you in.");
    if (ask.has_password) notes.push("It asks for a password.");
    this.element.replaceChildren(
      h("div", {}, "Join ", h("strong", { testid: "st-invite-room-name", text: ask.name || ask.code }), "?"),
      h("div", { testid: "st-invite-owner", class: "muted", text: `Owner: ${ask.owner_name || "unknown"} · ${people}` }),
      ...notes.map((text) => h("div", { class: "muted", text })),
      h("div", { class: "row" },
        h("button", { testid: "st-invite-join", class: "small primary", text: "Join room", onClick: () => this.actions.acceptInvite() }),
        h("button", { testid: "st-invite-dismiss", class: "small", text: "Not now", onClick: () => this.actions.dismissInvite() })),
    );
  }
}
