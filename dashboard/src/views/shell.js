// The frame around the live views: top bar, headline numbers, tabs.

import { h, fill } from "../dom.js";
import { ms, num } from "../format.js";

const TILES = [
  { key: "users_online", label: "Users online", format: (v) => num(v) },
  { key: "rooms_active", label: "Active rooms", format: (v) => num(v), sub: (s) => `${num(s.rooms_open)} open` },
  { key: "sockets", label: "Sockets", format: (v) => num(v), sub: (s) => `${num(s.admins)} admin` },
  { key: "events_per_s", label: "Events / s", format: (v) => num(v, 1) },
  { key: "p99_ack_ms", label: "p99 ack", format: (v) => ms(v) },
  { key: "cpu_percent", label: "CPU", format: (v) => `${num(v, 1)} %` },
  { key: "rss_mb", label: "Memory", format: (v) => `${num(v)} MB` },
  { key: "workers", label: "Workers", format: (v) => num(v) },
];

export function createTopbar({ user, onSignOut }) {
  const status = h("span", { class: "status status-connecting", testid: "connection-status" }, "connecting");
  const el = h("header", { class: "topbar" },
    h("div", { class: "brand" }, h("span", { class: "brand-mark" }, "▶"), "ShareTube ", h("span", { class: "muted" }, "admin")),
    status,
    h("div", { class: "spacer" }),
    h("span", { class: "who", testid: "admin-name", title: user.email || "" }, user.name),
    h("button", { type: "button", class: "btn btn-small", testid: "sign-out", onClick: onSignOut }, "Sign out"));
  return {
    el,
    setStatus(state) {
      const labels = { live: "live", reconnecting: "reconnecting…", closed: "offline", connecting: "connecting" };
      status.className = `status status-${state}`;
      status.textContent = labels[state] || state;
    },
  };
}

export function createTiles() {
  const el = h("section", { class: "tiles", testid: "tiles" });
  const cells = TILES.map((tile) => {
    const value = h("div", { class: "tile-value", testid: `stat-${tile.key}` }, "–");
    const sub = h("div", { class: "tile-sub" });
    el.append(h("div", { class: "tile" }, h("div", { class: "tile-label" }, tile.label), value, sub));
    return { tile, value, sub };
  });
  return {
    el,
    update(stats) {
      for (const { tile, value, sub } of cells) {
        value.textContent = tile.format(stats[tile.key]);
        sub.textContent = tile.sub ? tile.sub(stats) : "";
      }
    },
  };
}

/** Tabs over panels: [{id, label, el, onShow}]; returns {el, show(id), setCount(id, n)}. */
export function createTabs(tabs) {
  const bar = h("nav", { class: "tabs", role: "tablist" });
  const body = h("div", { class: "tab-body" });
  const buttons = new Map();
  let current = null;
  for (const tab of tabs) {
    const count = h("span", { class: "tab-count" });
    const button = h("button", { type: "button", role: "tab", class: "tab", testid: `tab-${tab.id}`,
      onClick: () => show(tab.id) }, tab.label, count);
    buttons.set(tab.id, { button, count, tab });
    bar.append(button);
  }
  function show(id) {
    current = id;
    for (const [key, { button }] of buttons) button.setAttribute("aria-selected", String(key === id));
    const { tab } = buttons.get(id);
    fill(body, tab.el);
    if (tab.onShow) tab.onShow();
  }
  return {
    el: h("section", { class: "main" }, bar, body),
    show,
    current: () => current,
    setCount(id, n) {
      buttons.get(id).count.textContent = n === null || n === undefined ? "" : String(n);
    },
  };
}
