// Rooms: a searchable table of open rooms (live ones first); a row opens the room's detail.

import { h, fill } from "../dom.js";
import { ago, ms } from "../format.js";

const SEARCH_DELAY_MS = 250;

export function stateBadge(state) {
  return h("span", { class: `badge state-${state}` }, state || "idle");
}

function offsetCell(value, warnAt) {
  if (value === null || value === undefined) return h("td", { class: "num muted" }, "–");
  return h("td", { class: value >= warnAt ? "num warn" : "num" }, ms(value));
}

export function createRoomsTable({ request, onSelect }) {
  const search = h("input", { type: "search", class: "search", placeholder: "Search rooms by name or code",
    "aria-label": "Search rooms", testid: "rooms-search" });
  const tbody = h("tbody");
  const summary = h("span", { class: "muted small" });
  let selected = null;
  let query = "";
  let timer = null;
  let rows = [];

  const el = h("div", { class: "card" },
    h("div", { class: "card-head" }, h("h2", { class: "card-title" }, "Rooms"), summary, h("div", { class: "spacer" }), search),
    h("div", { class: "table-wrap" }, h("table", { class: "table", testid: "rooms-table" },
      h("thead", {}, h("tr", {},
        h("th", {}, "Room"), h("th", { class: "num" }, "Members"), h("th", {}, "State"), h("th", {}, "Now playing"),
        h("th", { class: "num", title: "Worst clock offset |server − client| among the members" }, "Offset"),
        h("th", { class: "num", title: "Worst distance from the room clock among the members" }, "Drift"),
        )),
      tbody)));

  search.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      query = search.value.trim();
      refresh();
    }, SEARCH_DELAY_MS);
  });

  function render() {
    const now = Date.now();
    if (!rows.length) {
      fill(tbody, h("tr", {}, h("td", { colspan: 6, class: "empty" }, query ? "No room matches." : "No open rooms yet.")));
      return;
    }
    fill(tbody, rows.map((room) => h("tr", {
      class: room.code === selected ? "row selected" : "row", testid: "room-row", "data-code": room.code,
      tabindex: 0, onClick: () => select(room.code), onKeydown: (e) => e.key === "Enter" && select(room.code),
    },
    h("td", { class: "room-cell" }, h("div", { class: "cell-main ellipsis", title: room.name }, room.name),
      h("div", { class: "cell-sub" }, h("span", { class: "mono" }, room.code),
      room.owner_name ? ` · ${room.owner_name}` : "", room.has_password ? " · 🔒" : "", ` · ${ago(room.last_active_ms, now)}`)),
    h("td", { class: room.members ? "num strong" : "num muted", testid: "room-members" }, String(room.members)),
    h("td", {}, stateBadge(room.state)),
    h("td", { class: "ellipsis rooms-title", title: room.title || "" }, room.title || h("span", { class: "muted" }, "–")),
    offsetCell(room.worst_offset_ms, 1000),
    offsetCell(room.worst_drift_ms, 250))));
  }

  function select(code) {
    selected = code;
    render();
    onSelect(code);
  }

  async function refresh() {
    const ack = await request("admin.rooms", query ? { q: query } : {});
    if (!ack.ok) return;
    rows = ack.rooms;
    const live = rows.filter((r) => r.members > 0).length;
    summary.textContent = `${rows.length} shown · ${live} with people in them`;
    render();
  }

  return {
    el,
    refresh,
    count: () => rows.length,
    setSelected(code) {
      selected = code;
      render();
    },
  };
}
