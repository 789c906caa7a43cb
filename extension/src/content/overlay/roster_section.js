// Who is in the room: role, devices (browser, phone remote), ready / in-ad, and a sync-health
// dot (drift from the room, offset and RTT; grey while a player is settling).
// Owners and operators can promote, demote and remove members.

import { roomClockRuns, syncHealth } from "../../lib/sync_health.js";
import { h, memo } from "./dom.js";

const DEVICE_TAGS = { extension: "browser", remote: "phone" };

export class RosterSection {
  constructor(actions) {
    this.actions = actions;
    this.changed = memo();
    this.list = h("ul", { testid: "st-roster", "aria-label": "Members" });
    this.title = h("h3", { text: "People" });
    this.element = h("section", {}, this.title, this.list);
  }

  update(model) {
    const { view } = model;
    this.element.hidden = !view;
    if (!view) return;
    const roomPlaying = roomClockRuns(view.playback, model.serverNowMs);
    const key = JSON.stringify([view.members, view.ownerId, model.selfId, model.isOperator, view.playback.in_ad, roomPlaying]);
    this.changed(key, () => {
      const online = view.members.filter((member) => member.connected !== false).length;
      this.title.textContent = `People (${online} online)`;
      this.list.replaceChildren(...view.members.map((member) => this.renderMember(member, model, roomPlaying)));
    });
  }

  renderMember(member, model, roomPlaying) {
    const health = syncHealth(member, { roomPlaying });
    const role = member.user_id === model.view.ownerId ? "owner" : member.role || "participant";
    const devices = member.devices || [];
    const tags = [role !== "participant" ? role : null, ...devices.map((device) => DEVICE_TAGS[device] || device)];
    if (member.ready) tags.push("ready");
    if (member.in_ad) tags.push("ad");
    if (member.skipping) tags.push("skipping locally"); // another extension skips a segment there
    const controls = [];
    if (model.isOperator && member.user_id !== model.selfId && role !== "owner") {
      const next = role === "operator" ? "participant" : "operator";
      controls.push(
        h("button", {
          class: "small", text: role === "operator" ? "Demote" : "Make operator",
          onClick: () => this.actions.setRole(member.user_id, next),
        }),
        h("button", { class: "small", text: "Remove", onClick: () => this.actions.kick(member.user_id) }),
      );
    }
    return h("li", {
      testid: "st-member", "data-user-id": member.user_id, "data-health": health.level, "data-devices": devices.join(","),
    },
      h("span", { class: `health ${health.level}`, title: health.label, role: "img", "aria-label": health.label }),
      h("span", { class: "grow", text: member.user_id === model.selfId ? `${member.name} (you)` : member.name }),
      ...tags.map((tag) => h("span", { class: "tag", text: tag })),
      ...controls,
    );
  }
}
