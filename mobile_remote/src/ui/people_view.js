// The roster with sync health, and this phone's own pairing (unpair).

import { describeDevices, syncHealth } from "../lib/sync_health.js";
import { el } from "./dom.js";

const ROLE_WORDS = { owner: "Owner", operator: "Operator", participant: "Participant" };

export function createPeopleView({ state, actions }) {
  const list = el("ul", { class: "people-list", attrs: { "aria-label": "People in the room", "data-testid": "roster" } });
  const unpair = el("button", {
    class: "btn btn-danger", text: "Unpair this phone",
    attrs: { type: "button", "aria-label": "Unpair this phone from ShareTube", "data-testid": "unpair" },
    on: { click: () => actions.unpair() },
  });
  const me = el("p", { class: "note" });
  const knocks = el("ul", { class: "people-list", attrs: { "aria-label": "Asking to join", "data-testid": "knocks" } });
  const knockTitle = el("h2", { class: "section-title", text: "Asking to join" });
  const section = el("section", { class: "view view-people", attrs: { id: "view-people", role: "tabpanel", "aria-labelledby": "tab-people", hidden: true } },
    knockTitle, knocks,
    el("h2", { class: "section-title", text: "In the room" }), list,
    el("h2", { class: "section-title", text: "This phone" }), me, unpair);

  function render() {
    const asking = ["owner", "operator"].includes(state.role) ? state.knocks : [];
    knockTitle.hidden = knocks.hidden = asking.length === 0;
    knocks.replaceChildren(...asking.map((k) => el("li", { class: "person", attrs: { "data-testid": "knock" } },
      el("p", { class: "p-name", text: k.name }),
      el("button", { class: "btn", text: "Let in", attrs: { type: "button", "data-testid": "knock-admit" },
        on: { click: () => actions.answerKnock(k.id, true) } }),
      el("button", { class: "btn", text: "Decline", attrs: { type: "button", "data-testid": "knock-decline" },
        on: { click: () => actions.answerKnock(k.id, false) } }))));
    list.replaceChildren(...state.members.map((m) => {
      const health = syncHealth(m);
      return el("li", { class: "person", attrs: { "data-testid": "person" } },
        el("span", { class: `dot dot-${health.level}`, attrs: { role: "img", "aria-label": `Sync: ${health.text}` } }),
        el("div", { class: "p-meta" },
          el("p", { class: "p-name", text: `${m.name}${m.user_id === state.userId ? " (you)" : ""}` }),
          el("p", { class: "p-sub", text: [ROLE_WORDS[m.role] || m.role, describeDevices(m.devices)].filter(Boolean).join(" · ") }),
          el("p", { class: "p-sub", text: health.text })));
    }));
    const role = ROLE_WORDS[state.role] || "member";
    me.textContent = `This phone is a remote for ${state.nameOf(state.userId)} (${role.toLowerCase()}) in this room. It can do what you can do in the room, nothing more.`;
  }

  return { section, render };
}
