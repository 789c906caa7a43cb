// The roster with sync health and who controls playback (the client core's verdicts, the same
// the browser overlay and the dashboard show), and this phone's own pairing (unpair).

import { controlSummary, memberRole } from "../../../clients/core/permissions.js";
import { roomClockRuns } from "../../../clients/core/room_position.js";
import { describeDevices, syncHealth } from "../../../clients/core/sync_health.js";
import { h } from "./dom.js";

const ROLE_WORDS = { owner: "Owner", operator: "Operator", participant: "Participant" };

export function createPeopleView({ state, clock, actions }) {
  const list = h("ul", { class: "people-list", "aria-label": "People in the room", testid: "roster" });
  const unpair = h("button", {
    class: "btn btn-danger", text: "Unpair this phone",
    type: "button", "aria-label": "Unpair this phone from ShareTube", testid: "unpair",
    onClick: () => actions.unpair(),
  });
  const me = h("p", { class: "note" });
  const section = h("section", { class: "view view-people", id: "view-people", role: "tabpanel", "aria-labelledby": "tab-people", hidden: true },
    h("h2", { class: "section-title", text: "In the room" }), list,
    h("h2", { class: "section-title", text: "This phone" }), me, unpair);

  function person(member, roomPlaying) {
    const health = syncHealth(member, { roomPlaying });
    const role = memberRole(member, state.room?.owner_id);
    const control = controlSummary(role, state.room?.settings?.control_mode);
    return h("li", {
      class: "person", testid: "person", "data-user-id": member.user_id, "data-health": health.level,
      "data-may-control": String(control.allowed),
    },
      h("span", { class: `dot dot-${health.level}`, role: "img", "aria-label": `Sync: ${health.label}` }),
      h("div", { class: "p-meta" },
        h("p", { class: "p-name", text: `${member.name}${member.user_id === state.userId ? " (you)" : ""}` }),
        h("p", { class: "p-sub", text: [ROLE_WORDS[role] || role, describeDevices(member.devices), control.text].filter(Boolean).join(" · ") }),
        h("p", { class: "p-sub", testid: "person-health", text: health.label })));
  }

  function render() {
    const roomPlaying = roomClockRuns(state.playback, clock.serverNow(Date.now()));
    list.replaceChildren(...state.members.map((member) => person(member, roomPlaying)));
    const role = ROLE_WORDS[state.role] || "member";
    me.textContent = `This phone is a remote for ${state.nameOf(state.userId)} (${role.toLowerCase()}) in this room. It can do what you can do in the room, nothing more.`;
  }

  return { section, render };
}
