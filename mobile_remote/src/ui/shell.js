// The page frame: header (room name, connection state), the four views, the tab bar.

import { h, icon } from "./dom.js";

const TABS = [
  { id: "now", label: "Now playing", short: "Now", icon: "now" },
  { id: "queue", label: "Queue", short: "Queue", icon: "queue" },
  { id: "chat", label: "Chat", short: "Chat", icon: "chat" },
  { id: "people", label: "People", short: "People", icon: "people" },
];

export function createShell(views) {
  const roomName = h("h1", { class: "room-name", text: "ShareTube", testid: "room-name" });
  const status = h("span", { class: "status status-connecting", text: "Connecting…", role: "status", testid: "connection-status" });
  const header = h("header", { class: "top" }, roomName, status);
  const main = h("main", { class: "views" }, TABS.map((t) => views[t.id].section));
  const badges = {};
  const buttons = TABS.map((t) => {
    const badge = h("span", { class: "badge", hidden: true, "aria-hidden": "true" });
    badges[t.id] = badge;
    return h("button", {
      class: "tab",
      type: "button", role: "tab", id: `tab-${t.id}`, "aria-controls": `view-${t.id}`, "aria-label": t.label, "aria-selected": "false", testid: `tab-${t.id}`,
      onClick: () => select(t.id),
    }, icon(t.icon), h("span", { class: "tab-text", text: t.short, "aria-hidden": "true" }), badge);
  });
  const nav = h("nav", { class: "tabs", role: "tablist", "aria-label": "Remote sections" }, buttons);
  const app = h("div", { class: "app", hidden: true, testid: "remote-app" }, header, main, nav);

  let current = "now";
  const listeners = [];

  function select(id) {
    current = id;
    TABS.forEach((t, i) => {
      const on = t.id === id;
      buttons[i].setAttribute("aria-selected", String(on));
      buttons[i].tabIndex = on ? 0 : -1;
      views[t.id].section.hidden = !on;
    });
    if (id === "chat") setBadge("chat", 0);
    listeners.forEach((fn) => fn(id));
  }

  nav.addEventListener("keydown", (ev) => {
    const i = TABS.findIndex((t) => t.id === current);
    const next = { ArrowRight: i + 1, ArrowLeft: i - 1 }[ev.key];
    if (next === undefined) return;
    const t = TABS[(next + TABS.length) % TABS.length];
    select(t.id);
    buttons[TABS.indexOf(t)].focus();
  });

  function setBadge(id, count) {
    badges[id].hidden = !count;
    badges[id].textContent = count > 9 ? "9+" : String(count || "");
    const tab = buttons[TABS.findIndex((t) => t.id === id)];
    const base = TABS.find((t) => t.id === id).label;
    tab.setAttribute("aria-label", count ? `${base}, ${count} new` : base);
  }

  function setStatus(kind, text) {
    status.className = `status status-${kind}`;
    status.textContent = text;
  }

  select("now");
  return {
    node: app, select, setBadge, setStatus,
    setRoomName: (name) => { roomName.textContent = name || "ShareTube"; },
    get current() { return current; },
    onSelect: (fn) => listeners.push(fn),
  };
}
