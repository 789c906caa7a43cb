// Users: search by name or email; rooms, last seen, role, banned; ban/unban, grant/revoke admin.

import { confirmedRequest } from "../confirm.js";
import { h, fill } from "../dom.js";
import { ago } from "../format.js";

const SEARCH_DELAY_MS = 250;

export function createUsersView({ request, me }) {
  const search = h("input", { type: "search", class: "search", placeholder: "Search users by name or email",
    "aria-label": "Search users", testid: "users-search" });
  const tbody = h("tbody");
  const summary = h("span", { class: "muted small" });
  let query = "";
  let timer = null;
  let users = [];

  const el = h("div", { class: "card" },
    h("div", { class: "card-head" }, h("h2", { class: "card-title" }, "Users"), summary, h("div", { class: "spacer" }), search),
    h("div", { class: "table-wrap" }, h("table", { class: "table", testid: "users-table" },
      h("thead", {}, h("tr", {}, h("th", {}, "User"), h("th", {}, "Email"), h("th", {}, "Role"), h("th", {}, "Status"),
        h("th", {}, "Rooms"), h("th", {}, "Last seen"), h("th", {}, ""))),
      tbody)));

  search.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      query = search.value.trim();
      refresh();
    }, SEARCH_DELAY_MS);
  });

  async function act(user, event, data, { title, body, confirmLabel, done }) {
    const ack = await confirmedRequest(request, { title, body, confirmLabel, event, data, done });
    if (ack && ack.ok) refresh();
  }

  function buttons(user) {
    if (user.id === me.id) return h("span", { class: "muted small" }, "you");
    const roleButton = user.role === "admin"
      ? h("button", { type: "button", class: "btn btn-small", testid: `revoke-admin-${user.id}`, onClick: () => act(user,
        "admin.role", { user_id: user.id, role: "user" }, { title: `Revoke admin from ${user.name}?`, confirmLabel: "Revoke admin",
          body: `${user.name} loses access to this dashboard at once.`, done: `${user.name} is no longer an admin` }) }, "Revoke admin")
      : h("button", { type: "button", class: "btn btn-small", testid: `grant-admin-${user.id}`, disabled: user.guest || user.banned,
        title: user.guest ? "Guests cannot be admins" : "", onClick: () => act(user,
          "admin.role", { user_id: user.id, role: "admin" }, { title: `Make ${user.name} an admin?`, confirmLabel: "Make admin",
            body: `${user.name} can then see and manage the whole service.`, done: `${user.name} is now an admin` }) }, "Make admin");
    const banButton = user.banned
      ? h("button", { type: "button", class: "btn btn-small", testid: `unban-${user.id}`, onClick: () => act(user,
        "admin.ban", { user_id: user.id, banned: false }, { title: `Unban ${user.name}?`, confirmLabel: "Unban",
          body: `${user.name} can sign in and join rooms again.`, done: `${user.name} was unbanned` }) }, "Unban")
      : h("button", { type: "button", class: "btn btn-small btn-danger-outline", testid: `ban-user-${user.id}`,
        disabled: user.role === "admin", title: user.role === "admin" ? "Revoke admin first" : "", onClick: () => act(user,
          "admin.ban", { user_id: user.id, banned: true }, { title: `Ban ${user.name} from the service?`, confirmLabel: "Ban",
            body: `Every connection of ${user.name} drops now and their sign-ins stop working.`, done: `${user.name} was banned` }) }, "Ban");
    return [roleButton, banButton];
  }

  function render() {
    const now = Date.now();
    if (!users.length) {
      fill(tbody, h("tr", {}, h("td", { colspan: 7, class: "empty" }, query ? "No user matches." : "No users yet.")));
      return;
    }
    fill(tbody, users.map((user) => h("tr", { testid: "user-row", "data-user-id": String(user.id) },
      h("td", {}, h("div", { class: "cell-main" }, user.name), h("div", { class: "cell-sub" }, `#${user.id}`, user.guest ? " · guest" : "")),
      h("td", { class: "ellipsis" }, user.email || h("span", { class: "muted" }, "–")),
      h("td", {}, h("span", { class: `badge role-${user.role}` }, user.role)),
      h("td", { testid: "user-status" }, user.banned ? h("span", { class: "badge banned" }, "banned")
        : user.online ? h("span", { class: "dot-online" }, "online") : h("span", { class: "muted" }, "offline")),
      h("td", { class: "mono small" }, user.rooms.length ? user.rooms.map((r) => r.code).join(", ") : h("span", { class: "muted" }, "–")),
      h("td", { class: "muted" }, ago(user.last_seen_ms, now)),
      h("td", { class: "actions" }, buttons(user)))));
  }

  async function refresh() {
    const ack = await request("admin.users", query ? { q: query } : {});
    if (!ack.ok) return;
    users = ack.users;
    summary.textContent = `${users.length} shown`;
    render();
  }

  return { el, refresh };
}
