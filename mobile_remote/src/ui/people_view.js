// The roster with sync health and who controls playback (the client core's verdicts, the same
// the browser overlay and the dashboard show), the moderation buttons the server would allow
// (make/unmake operator, make owner, remove, ban), the ban list with "Lift ban", knocks, and this
// phone's own pairing (unpair).

import { controlSummary, isOperatorOrOwner, mayKick, maySetRole, mayUnban, memberRole } from "../../../clients/core/permissions.js";
import { roomClockRuns } from "../../../clients/core/room_position.js";
import { describeDevices, syncHealth } from "../../../clients/core/sync_health.js";
import { h } from "./dom.js";
import { moreMembersText } from "../../../clients/core/roster.js";

const ROLE_WORDS = { owner: "Owner", operator: "Operator", participant: "Participant" };

export function createPeopleView({ state, clock, actions }) {
  const list = h("ul", { class: "people-list", "aria-label": "People in the room", testid: "roster" });
  const unpair = h("button", {
    class: "btn btn-danger", text: "Unpair this phone",
    type: "button", "aria-label": "Unpair this phone from ShareTube", testid: "unpair",
    onClick: () => actions.unpair(),
  });
  const me = h("p", { class: "note" });
  const knocks = h("ul", { class: "people-list", "aria-label": "Asking to join", testid: "knocks" });
  const knockTitle = h("h2", { class: "section-title", text: "Asking to join" });
  const bans = h("ul", { class: "people-list", "aria-label": "Banned from this room", testid: "bans", hidden: true });
  const bansToggle = h("button", { class: "btn", text: "Ban list", type: "button", testid: "bans-toggle", "aria-expanded": "false",
    onClick: () => {
      bansOpen = !bansOpen;
      if (bansOpen) actions.loadBans();
      render();
    } });
  let bansOpen = false;
  let confirmOwner = null; // the member about to be handed the room
  const section = h("section", { class: "view view-people", id: "view-people", role: "tabpanel", "aria-labelledby": "tab-people", hidden: true },
    knockTitle, knocks,
    h("h2", { class: "section-title", text: "In the room" }), list, bansToggle, bans,
    h("h2", { class: "section-title", text: "This phone" }), me, unpair);

  function button(testid, text, label, onClick) {
    return h("button", { class: "btn", type: "button", testid, text, "aria-label": label, onClick });
  }

  /** The moderation buttons for one member, as the server would allow them to this user. */
  function moderation(member, role) {
    if (member.user_id === state.userId) return [];
    const mine = state.role;
    const name = member.name;
    if (confirmOwner === member.user_id) {
      return [
        button("owner-confirm", "Hand over", `Hand over to ${name} (you become an operator)`, () => {
          confirmOwner = null;
          actions.setRole(member.user_id, "owner");
          render();
        }),
        button("owner-cancel", "Cancel", `Cancel: keep the room, ${name} stays as they are`, () => { confirmOwner = null; render(); }),
      ];
    }
    const out = [];
    const next = role === "operator" ? "participant" : "operator";
    if (maySetRole(mine, role, next).allowed) {
      out.push(button("person-role", role === "operator" ? "Demote" : "Make operator",
        role === "operator" ? `Demote: ${name}` : `Make operator: ${name}`, () => actions.setRole(member.user_id, next)));
    }
    if (maySetRole(mine, role, "owner").allowed) {
      out.push(button("person-owner", "Make owner", `Make owner: hand the room over to ${name}`, () => { confirmOwner = member.user_id; render(); }));
    }
    if (mayKick(mine, role).allowed) {
      out.push(button("person-kick", "Remove", `Remove ${name} from the room`, () => actions.kick(member.user_id)),
        button("person-ban", "Ban", `Ban ${name} from the room`, () => actions.ban(member.user_id)));
    }
    return out.length ? [h("div", { class: "p-actions" }, ...out)] : [];
  }

  function renderBans() {
    const allowed = isOperatorOrOwner(state.role);
    bansToggle.hidden = !allowed;
    if (!allowed) bansOpen = false;
    bansToggle.setAttribute("aria-expanded", String(bansOpen));
    bans.hidden = !bansOpen;
    if (!bansOpen) return;
    if (state.bans === null) return bans.replaceChildren(h("li", { class: "note", text: "Loading…" }));
    if (!state.bans.length) return bans.replaceChildren(h("li", { class: "note", text: "Nobody is banned." }));
    bans.replaceChildren(...state.bans.map((ban) => h("li", { class: "person", testid: "ban", "data-user-id": ban.user_id },
      h("div", { class: "p-meta" },
        h("p", { class: "p-name", text: ban.name }),
        h("p", { class: "p-sub", text: ban.by ? `banned by ${ban.by}` : "banned" })),
      mayUnban(state.role, ban.role).allowed
        ? button("unban", "Lift ban", `Lift ban: ${ban.name}`, () => actions.unban(ban.user_id))
        : null)));
  }

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
        h("p", { class: "p-sub", testid: "person-health", text: health.label })),
      ...moderation(member, role));
  }

  /** A private room's newcomers asking to be let in (owner and operators answer). */
  function renderKnocks() {
    const asking = ["owner", "operator"].includes(state.role) ? state.knocks : [];
    knockTitle.hidden = knocks.hidden = asking.length === 0;
    knocks.replaceChildren(...asking.map((k) => h("li", { class: "person", testid: "knock" },
      h("p", { class: "p-name", text: k.name }),
      h("button", { class: "btn", text: "Let in", type: "button", testid: "knock-admit", onClick: () => actions.answerKnock(k.id, true) }),
      h("button", { class: "btn", text: "Decline", type: "button", testid: "knock-decline", onClick: () => actions.answerKnock(k.id, false) }))));
  }

  function render() {
    renderKnocks();
    renderBans();
    const roomPlaying = roomClockRuns(state.playback, clock.serverNow(Date.now()));
    const more = moreMembersText(state.members, state.membersTotal);
    list.replaceChildren(...state.members.map((member) => person(member, roomPlaying)),
      ...(more ? [h("li", { class: "note", testid: "roster-more", text: more })] : []));
    const role = ROLE_WORDS[state.role] || "member";
    me.textContent = `This phone is a remote for ${state.nameOf(state.userId)} (${role.toLowerCase()}) in this room. It can do what you can do in the room, nothing more.`;
  }

  return { section, render };
}
