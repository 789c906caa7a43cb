// Who is in the room: role, devices (browser, phone remote), ready / in-ad, whether they control
// playback, and a sync-health dot (drift from the room, offset and RTT; grey while settling).
// Health and permissions are the client core's verdicts, the same the phone and the dashboard
// show. Role and remove buttons appear only where the server would allow them.

import { roomClockRuns } from "../../../../clients/core/room_position.js";
import { controlSummary, mayKick, maySetRole } from "../../../../clients/core/permissions.js";
import { syncHealth } from "../../../../clients/core/sync_health.js";
import { roleOf } from "../../lib/room_view.js";
import { h, keepFocus, memo } from "./dom.js";

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
    const key = JSON.stringify([view.members, view.ownerId, model.selfId, view.settings?.control_mode, view.playback.in_ad, roomPlaying]);
    this.changed(key, () => {
      const online = view.members.filter((member) => member.connected !== false).length;
      this.title.textContent = `People (${online} online)`;
      const selfRole = roleOf(view, model.selfId);
      keepFocus(this.list, () => this.list.replaceChildren(
        ...view.members.map((member) => this.renderMember(member, model, selfRole, roomPlaying))));
    });
  }

  renderMember(member, model, selfRole, roomPlaying) {
    const { view } = model;
    const health = syncHealth(member, { roomPlaying });
    const role = roleOf(view, member.user_id);
    const control = controlSummary(role, view.settings?.control_mode);
    const devices = member.devices || [];
    const tags = [role !== "participant" ? role : null, ...devices.map((device) => DEVICE_TAGS[device] || device)];
    if (member.ready) tags.push("ready");
    if (member.in_ad) tags.push("ad");
    if (member.skipping) tags.push("skipping locally"); // another extension skips a segment there
    const controls = [];
    const self = member.user_id === model.selfId;
    const next = role === "operator" ? "participant" : "operator";
    if (!self && maySetRole(selfRole, role, next).allowed) {
      controls.push(h("button", {
        class: "small", text: role === "operator" ? "Demote" : "Make operator",
        "aria-label": `${role === "operator" ? "Demote" : "Make operator"}: ${member.name}`,
        onClick: () => this.actions.setRole(member.user_id, next),
      }));
    }
    if (!self && mayKick(selfRole, role).allowed) {
      controls.push(h("button", {
        class: "small", text: "Remove", "aria-label": `Remove ${member.name}`, onClick: () => this.actions.kick(member.user_id),
      }));
    }
    return h("li", {
      testid: "st-member", "data-user-id": member.user_id, "data-health": health.level, "data-devices": devices.join(","),
      "data-may-control": String(control.allowed),
    },
      h("span", { class: `health ${health.level}`, title: health.label, role: "img", "aria-label": `Sync: ${health.label}` }),
      h("span", { class: "grow", title: control.text, text: self ? `${member.name} (you)` : member.name }),
      ...tags.map((tag) => h("span", { class: "tag", text: tag })),
      ...controls,
    );
  }
}
