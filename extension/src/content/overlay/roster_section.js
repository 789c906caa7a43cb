// Who is in the room: role, devices (browser, phone remote), ready / in-ad, whether they control
// playback, and a sync-health dot (drift from the room, offset and RTT; grey while settling).
// Health and permissions are the client core's verdicts, the same the phone and the dashboard
// show. Moderation buttons (make/unmake operator, make owner, remove, ban) appear only where the
// server would allow them; handing the room over asks once more before it is sent.

import { roomClockRuns } from "../../../../clients/core/room_position.js";
import { controlSummary, mayKick, maySetRole } from "../../../../clients/core/permissions.js";
import { syncHealth } from "../../../../clients/core/sync_health.js";
import { roleOf } from "../../lib/room_view.js";
import { h, keepFocus, memo } from "./dom.js";
import { memberCount, moreMembersText } from "../../../../clients/core/roster.js";

const DEVICE_TAGS = { extension: "browser", remote: "phone" };

export class RosterSection {
  constructor(actions) {
    this.actions = actions;
    this.changed = memo();
    this.confirmOwner = null; // the member the owner is about to hand the room to
    this.list = h("ul", { testid: "st-roster", "aria-label": "Members" });
    this.title = h("h3", { text: "People" });
    this.element = h("section", {}, this.title, this.list);
  }

  update(model) {
    const { view } = model;
    this.model = model;
    this.element.hidden = !view;
    if (!view) return;
    const roomPlaying = roomClockRuns(view.playback, model.serverNowMs);
    const key = JSON.stringify([view.members, view.membersTotal, view.ownerId, model.selfId, view.settings?.control_mode, view.playback.in_ad,
      roomPlaying, this.confirmOwner]);
    this.changed(key, () => {
      this.title.textContent = `People (${memberCount(view.members, view.membersTotal)} online)`;
      const selfRole = roleOf(view, model.selfId);
      const more = moreMembersText(view.members, view.membersTotal);
      keepFocus(this.list, () => this.list.replaceChildren(
        ...view.members.map((member) => this.renderMember(member, model, selfRole, roomPlaying)),
        ...(more ? [h("li", { testid: "st-roster-more", class: "muted", text: more })] : [])));
    });
  }

  askOwner(userId) {
    this.confirmOwner = userId;
    if (this.model) this.update(this.model);
  }

  moderation(member, role, selfRole) {
    const name = member.name;
    const button = (testid, text, label, onClick, cls = "small") => h("button", { testid, class: cls, text, "aria-label": label, onClick });
    if (this.confirmOwner === member.user_id) {
      return [
        button("st-member-owner-confirm", "Hand over", `Hand over to ${name} (you become an operator)`, () => {
          this.askOwner(null);
          this.actions.setRole(member.user_id, "owner");
        }, "small primary"),
        button("st-member-owner-cancel", "Cancel", `Cancel: keep the room, ${name} stays as they are`, () => this.askOwner(null)),
      ];
    }
    const controls = [];
    const next = role === "operator" ? "participant" : "operator";
    if (maySetRole(selfRole, role, next).allowed) {
      controls.push(button("st-member-role", role === "operator" ? "Demote" : "Make operator",
        role === "operator" ? `Demote: ${name}` : `Make operator: ${name}`, () => this.actions.setRole(member.user_id, next)));
    }
    if (maySetRole(selfRole, role, "owner").allowed) {
      controls.push(button("st-member-owner", "Make owner", `Make owner: hand the room over to ${name}`, () => this.askOwner(member.user_id)));
    }
    if (mayKick(selfRole, role).allowed) {
      controls.push(
        button("st-member-kick", "Remove", `Remove ${name} from the room`, () => this.actions.kick(member.user_id)),
        button("st-member-ban", "Ban", `Ban ${name} from the room`, () => this.actions.ban(member.user_id)),
      );
    }
    return controls;
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
    const self = member.user_id === model.selfId;
    const controls = self ? [] : this.moderation(member, role, selfRole);
    return h("li", {
      testid: "st-member", "data-user-id": member.user_id, "data-health": health.level, "data-devices": devices.join(","),
      "data-may-control": String(control.allowed), "data-role": role,
    },
      h("span", { class: `health ${health.level}`, title: health.label, role: "img", "aria-label": `Sync: ${health.label}` }),
      h("span", { class: "grow", title: control.text, text: self ? `${member.name} (you)` : member.name }),
      ...tags.filter(Boolean).map((tag) => h("span", { class: "tag", text: tag })),
      ...controls,
    );
  }
}
