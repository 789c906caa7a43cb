// The global audit feed: every room and site change with who did it, newest first, 50 a page.

import { h, fill } from "../dom.js";
import { changeSummary, dateTime } from "../format.js";

function row(r) {
  return h("tr", { testid: "audit-row", "data-action": r.action },
    h("td", { class: "mono muted nowrap" }, dateTime(r.created_ms)),
    h("td", {}, h("span", { class: `badge action-${r.action.split(".")[0]}` }, r.action)),
    h("td", {}, r.actor_name || h("span", { class: "muted" }, r.actor_id ? `#${r.actor_id}` : "system")),
    h("td", {}, r.target_name || (r.target_id ? `#${r.target_id}` : h("span", { class: "muted" }, "–"))),
    h("td", { class: "mono" }, r.room_code || h("span", { class: "muted" }, "site")),
    h("td", { class: "ellipsis wide", title: changeSummary(r.before, r.after) }, changeSummary(r.before, r.after)));
}

export function createAuditView({ request }) {
  const tbody = h("tbody");
  const more = h("button", { type: "button", class: "btn btn-small", testid: "audit-older" }, "Load older");
  const foot = h("div", { class: "card-foot", hidden: true }, more);
  let rows = [];
  let nextBeforeId = null;
  let pagedBack = false;

  const el = h("div", { class: "card" },
    h("div", { class: "card-head" }, h("h2", { class: "card-title" }, "Audit log"),
      h("span", { class: "muted small" }, "every change, with who made it")),
    h("div", { class: "table-wrap" }, h("table", { class: "table", testid: "audit-table" },
      h("thead", {}, h("tr", {}, h("th", {}, "When"), h("th", {}, "Action"), h("th", {}, "By"), h("th", {}, "About"),
        h("th", {}, "Room"), h("th", {}, "Change"))),
      tbody)),
    foot);

  function render() {
    if (!rows.length) fill(tbody, h("tr", {}, h("td", { colspan: 6, class: "empty" }, "Nothing audited yet.")));
    else fill(tbody, rows.map(row));
    foot.hidden = !nextBeforeId;
  }

  more.addEventListener("click", async () => {
    const ack = await request("admin.audit", { before_id: nextBeforeId });
    if (!ack.ok) return;
    rows = rows.concat(ack.rows);
    nextBeforeId = ack.next_before_id;
    pagedBack = true;
    render();
  });

  /** Reload the newest page (older pages the admin opened stay below it). */
  async function refresh() {
    const ack = await request("admin.audit", {});
    if (!ack.ok) return;
    if (pagedBack) {
      const known = new Set(rows.map((r) => r.id));
      rows = ack.rows.filter((r) => !known.has(r.id)).concat(rows);
    } else {
      rows = ack.rows;
      nextBeforeId = ack.next_before_id;
    }
    render();
  }

  return { el, refresh };
}
