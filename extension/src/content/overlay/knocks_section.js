// People asking to enter this private room (room.knock), shown to the owner and operators only
// beside the pill, with "Let in" and "Decline". Each answer goes to the server
// (room.knock_answer), which tells the newcomer and every other operator.

import { h, keepFocus, memo } from "./dom.js";

export class KnocksSection {
  constructor(actions) {
    this.actions = actions;
    this.changed = memo();
    this.list = h("ul", { "aria-label": "Asking to join" });
    this.element = h("section", { testid: "st-knocks", class: "banner", hidden: true },
      h("div", { text: "Asking to join this private room:" }), this.list);
    this.alwaysVisible = [this.element];
  }

  update(model) {
    const knocks = model.isOperator ? model.view?.knocks || [] : [];
    this.element.hidden = knocks.length === 0;
    this.changed(JSON.stringify(knocks), () => {
      keepFocus(this.list, () => this.list.replaceChildren(...knocks.map((knock) => h("li", {
        testid: "st-knock", class: "row", "data-knock-id": knock.id,
      },
        h("span", { class: "grow", text: knock.name }),
        h("button", { testid: "st-knock-admit", class: "small primary", text: "Let in", "aria-label": `Let in: ${knock.name}`,
          onClick: () => this.actions.answerKnock(knock.id, true) }),
        h("button", { testid: "st-knock-decline", class: "small", text: "Decline", "aria-label": `Decline: ${knock.name}`,
          onClick: () => this.actions.answerKnock(knock.id, false) })))));
    });
  }
}
