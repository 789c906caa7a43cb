// One room in detail: roster with each member's sync health (the client core's verdict, as the
// overlay and the phone show it), offset, RTT, drift and whether they control playback; queue,
// recent chat, the audit trail and a timeline of playback changes; close the room, kick or ban
// a member (confirmed).

import { SYNC_HEALTH } from "../../../clients/core/constants.js";
import { controlSummary, memberRole } from "../../../clients/core/permissions.js";
import { expectedPositionMs, roomClockRuns } from "../../../clients/core/room_position.js";
import { syncHealth } from "../../../clients/core/sync_health.js";
import { confirmedRequest } from "../confirm.js";
import { h, fill } from "../dom.js";
import { ago, changeSummary, clock, ms, position } from "../format.js";
import { stateBadge } from "./rooms.js";

function section(title, ...children) {
  return h("section", { class: "detail-section" }, h("h3", {}, title), ...children);
}

/** Offset and RTT come with a player's status reports; before the first one they are unknown. */
function measured(member) {
  return member.status_ms !== null && member.status_ms !== undefined;
}

/** The room facts a roster verdict reads: owner, control mode, whether the room clock runs. */
function rosterContext(detail) {
  const room = detail.room;
  return {
    ownerId: room.owner_id,
    controlMode: room.settings?.control_mode,
    roomPlaying: roomClockRuns(room.playback, detail.server_ms),
  };
}

function memberRow(m, context, actions) {
  const health = syncHealth(m, { roomPlaying: context.roomPlaying });
  const role = memberRole(m, context.ownerId);
  const control = controlSummary(role, context.controlMode);
  const off = health.level === "yellow" || health.level === "red";
  return h("tr", { testid: "member-row", "data-user-id": String(m.user_id), "data-health": health.level, "data-may-control": String(control.allowed) },
    h("td", {}, h("div", { class: "cell-main ellipsis", title: m.name }, m.name, " ",
      h("span", { class: `badge role-${role}` }, role)),
    h("div", { class: "cell-sub", testid: "member-sub" }, [m.devices.join(" + "), control.text, m.in_ad ? "in ad" : "", m.buffering ? "buffering" : ""]
      .filter(Boolean).join(" · "))),
    h("td", { testid: "member-health", title: health.label },
      h("span", { class: `health-dot health-${health.level}`, role: "img", "aria-label": `Sync: ${health.label}` }), " ", health.word),
    h("td", { class: Math.abs(m.offset_ms) >= SYNC_HEALTH.offsetNoteMs ? "num warn" : "num", testid: "member-offset" },
      measured(m) ? ms(m.offset_ms) : "–"),
    h("td", { class: "num", testid: "member-rtt" }, measured(m) ? ms(m.rtt_ms) : "–"),
    h("td", { class: off && m.drift_ms !== null ? "num warn" : "num", testid: "member-drift" }, ms(m.drift_ms)),
    h("td", { class: "actions" },
      h("button", { type: "button", class: "btn btn-small", testid: `kick-${m.user_id}`, onClick: () => actions.kick(m) }, "Kick"),
      h("button", { type: "button", class: "btn btn-small btn-danger-outline", testid: `ban-${m.user_id}`, onClick: () => actions.ban(m) }, "Ban")));
}

function membersTable(detail, actions) {
  const { members } = detail;
  if (!members.length) return h("p", { class: "empty" }, "Nobody is connected.");
  const context = rosterContext(detail);
  return h("table", { class: "table table-compact", testid: "members-table" },
    h("thead", {}, h("tr", {}, h("th", {}, "Member"), h("th", { title: "Sync health: drift from the room clock and round trip" }, "Sync"),
      h("th", { class: "num", title: "Clock offset server − client" }, "Offset"),
      h("th", { class: "num", title: "Round trip" }, "RTT"), h("th", { class: "num", title: "Distance from the room clock" }, "Drift"),
      h("th", {}, ""))),
    h("tbody", {}, members.map((m) => memberRow(m, context, actions))));
}

function queueList(detail) {
  const items = [...detail.queue];
  if (!items.length) return h("p", { class: "empty" }, "The queue is empty.");
  return h("ol", { class: "queue" }, items.map((e) => h("li", { class: e.status === "playing" ? "playing" : "" },
    h("span", { class: "ellipsis" }, e.title || e.video_id),
    h("span", { class: "muted small" }, e.status === "playing" ? "now playing" : position(e.duration_ms)))));
}

function timelineList(items) {
  if (!items.length) return h("p", { class: "empty" }, "No playback changes yet.");
  return h("ul", { class: "timeline", testid: "timeline" }, items.map((t) => h("li", {},
    h("span", { class: "mono muted" }, clock(t.created_ms)),
    h("span", { class: "nowrap" }, t.from ? stateBadge(t.from) : null, t.from ? " → " : null, stateBadge(t.to)),
    h("span", { class: "muted small ellipsis" }, t.action.replace("playback.", ""), " at ", position(t.position_ms),
      t.title ? ` · ${t.title}` : "", t.actor_name ? ` · by ${t.actor_name}` : " · by the server"))));
}

function chatList(messages) {
  if (!messages.length) return h("p", { class: "empty" }, "No chat yet.");
  return h("ul", { class: "chat", testid: "chat" }, messages.slice(-30).map((m) => h("li", { class: m.kind === "system" ? "system" : "" },
    h("span", { class: "mono muted" }, clock(m.created_ms)), " ",
    m.kind === "system" ? null : h("strong", {}, m.name, ": "), m.text)));
}

function auditList(rows) {
  if (!rows.length) return h("p", { class: "empty" }, "Nothing audited yet.");
  return h("ul", { class: "audit-mini" }, rows.slice(0, 40).map((r) => h("li", {},
    h("span", { class: "mono muted" }, clock(r.created_ms)),
    h("span", { class: "action" }, r.action),
    h("span", { class: "muted small ellipsis" }, r.actor_name || "system",
      r.target_name ? ` → ${r.target_name}` : "", " ", changeSummary(r.before, r.after)))));
}

export function createRoomDetail({ request, onChanged }) {
  const el = h("div", { class: "card detail", testid: "room-detail" });
  let code = null;
  let detail = null;

  const actions = {
    async kick(member) {
      const ack = await confirmedRequest(request, {
        title: `Kick ${member.name}?`, confirmLabel: "Kick",
        body: `${member.name} is removed from room ${code} (they may join again).`,
        event: "admin.kick", data: { code, user_id: member.user_id }, done: `${member.name} was kicked`,
      });
      if (ack && ack.ok) changed();
    },
    async ban(member) {
      const ack = await confirmedRequest(request, {
        title: `Ban ${member.name} from the service?`, confirmLabel: "Ban",
        body: `Every connection of ${member.name} drops now and their sign-ins stop working, in every room.`,
        event: "admin.ban", data: { user_id: member.user_id, banned: true }, done: `${member.name} was banned`,
      });
      if (ack && ack.ok) changed();
    },
    async close() {
      const ack = await confirmedRequest(request, {
        title: `Close room “${detail.room.name}”?`, confirmLabel: "Close room",
        body: "Everyone in it is told the room was closed and removed from it. This cannot be undone.",
        event: "admin.close_room", data: { code }, done: `Room ${code} was closed`,
      });
      if (ack && ack.ok) changed();
    },
  };

  function changed() {
    refresh();
    onChanged();
  }

  function placeholder() {
    fill(el, h("div", { class: "detail-empty" }, h("p", {}, "Select a room to see its members, queue, chat and history.")));
  }

  function render() {
    const room = detail.room;
    const pb = room.playback;
    const closed = room.closed_ms !== null;
    fill(el,
      h("div", { class: "detail-head" },
        h("div", {}, h("h2", { class: "card-title", testid: "detail-name" }, room.name),
          h("div", { class: "cell-sub mono" }, room.code, " · v", String(room.version), " · ", room.settings.control_mode,
            " · ads: ", room.settings.ad_sync_mode)),
        h("div", { class: "spacer" }),
        stateBadge(closed ? "closed" : pb.state),
        closed ? null : h("button", { type: "button", class: "btn btn-small btn-danger", testid: "close-room",
          onClick: actions.close }, "Close room")),
      h("p", { class: "now-playing" }, room.title ? h("span", {}, "▶ ", room.title, " · ", position(expectedPositionMs(pb, detail.server_ms)))
        : h("span", { class: "muted" }, "Nothing playing"), h("span", { class: "muted small" }, ` · active ${ago(room.last_active_ms)}`)),
      section(`Members (${detail.members.length})`, membersTable(detail, actions)),
      h("div", { class: "detail-grid" },
        section("Queue", queueList(detail)),
        section("Recent chat", chatList(detail.chat))),
      section("Playback timeline", timelineList(detail.timeline)),
      section("Audit trail", auditList(detail.audit)));
  }

  async function refresh() {
    if (!code) return;
    const asked = code;
    const ack = await request("admin.room", { code });
    if (asked !== code) return;
    if (!ack.ok) {
      fill(el, h("p", { class: "notice notice-error" }, ack.message || "This room cannot be shown"));
      return;
    }
    detail = ack;
    render();
  }

  placeholder();
  return {
    el,
    refresh,
    code: () => code,
    show(newCode) {
      code = newCode;
      fill(el, h("p", { class: "muted detail-empty" }, "Loading…"));
      refresh();
    },
  };
}
