// The room's ban list, for the owner and operators only: "Ban list" opens it (room.bans), each
// ban says who banned them and when, and "Lift ban" (room.unban) lets them join again. While it
// is open, bans made anywhere arrive as room.bans pushes and the list follows.

import { mayUnban } from "../../../../clients/core/permissions.js";
import { roleOf } from "../../lib/room_view.js";
import { fillList, h, keepFocus, memo } from "./dom.js";

function when(atMs) {
  if (!atMs) return "";
  return new Date(atMs).toLocaleString([], { dateStyle: "short", timeStyle: "short" });
}

export class BansSection {
  constructor(actions) {
    this.actions = actions;
    this.changed = memo();
    this.open = false;
    this.toggle = h("button", {
      testid: "st-bans-toggle", class: "small", text: "Ban list", "aria-expanded": "false", "aria-controls": "st-bans-list",
      onClick: () => this.setOpen(!this.open),
    });
    this.list = h("ul", { id: "st-bans-list", testid: "st-bans", "aria-label": "Banned from this room", hidden: true });
    this.element = h("section", { hidden: true }, h("div", { class: "row" }, this.toggle), this.list);
  }

  setOpen(open) {
    this.open = open;
    this.toggle.setAttribute("aria-expanded", String(open));
    this.list.hidden = !open;
    if (open) {
      this.failed = false;
      this.load();
    }
  }

  load() {
    this.pending = true;
    Promise.resolve(this.actions.loadBans())
      .then((ok) => { this.failed = !ok; }) // a refusal was shown once; asked again only on reopening
      .finally(() => { this.pending = false; });
  }

  update(model) {
    const { view } = model;
    this.element.hidden = !view || !model.isOperator;
    if (this.element.hidden) {
      if (this.open) this.setOpen(false);
      return;
    }
    if (this.open && view.bans === null && !this.pending && !this.failed) this.load(); // a new snapshot forgot the list
    const selfRole = roleOf(view, model.selfId);
    // A lifted ban's row goes: the focus moves to the next "Lift ban", or to "Ban list" when none is left.
    this.changed(JSON.stringify([view.bans, selfRole, this.open]),
      () => keepFocus(this.list, () => this.render(view.bans, selfRole), this.toggle));
  }

  render(bans, selfRole) {
    fillList(this.list, bans, "Nobody is banned.", (ban) => {
      const by = [ban.by ? `by ${ban.by}` : "", when(ban.at_ms)].filter(Boolean).join(", ");
      const unban = mayUnban(selfRole, ban.role);
      return h("li", { testid: "st-ban", "data-user-id": ban.user_id },
        h("span", { class: "grow", text: ban.name }),
        by ? h("span", { class: "muted", text: by }) : null,
        unban.allowed
          ? h("button", { testid: "st-unban", class: "small", text: "Lift ban", "aria-label": `Lift ban: ${ban.name}`,
            onClick: () => this.actions.unban(ban.user_id) })
          : h("span", { class: "muted", text: "(owner only)", title: unban.reason }));
    });
  }
}
