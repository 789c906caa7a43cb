// The admin dashboard: sign-in (one-time link code or Google token → HttpOnly cookie), then live
// numbers, charts, rooms, users and the audit log over the `/admin` socket.

import "uplot/dist/uPlot.min.css";
import "./styles.css";

import { connectAdmin } from "./admin_socket.js";
import { closeSession, openSessionWithCode, openSessionWithToken, readSession } from "./api.js";
import { toast } from "./confirm.js";
import { fill, h } from "./dom.js";
import { createAuditView } from "./views/audit.js";
import { createCharts } from "./views/charts.js";
import { createRoomDetail } from "./views/room_detail.js";
import { createRoomsTable } from "./views/rooms.js";
import { createTabs, createTiles, createTopbar } from "./views/shell.js";
import { errorView, refusedView, signInView } from "./views/signin.js";
import { createUsersView } from "./views/users.js";

const root = document.getElementById("app");
// Tables refresh on every 2nd push (4 s) and the open room on every push; actions refresh at once.
const TABLES_EVERY_PUSHES = 2;
const USERS_EVERY_PUSHES = 3;
const ENDED_MESSAGES = {
  signed_out: "You were signed out.",
  banned: "This account was banned.",
  admin_revoked: "Your admin role was revoked.",
  disconnected: "The server ended this dashboard session.",
};
let googleEnabled = false;
let current = null; // the running dashboard: {stop()}

async function boot() {
  current?.stop();
  current = null;
  fill(root, h("p", { class: "boot" }, "Loading the dashboard…"));
  const params = new URLSearchParams(location.hash.slice(1));
  const code = params.get("token");
  const accessToken = params.get("access_token");
  if (location.hash || location.pathname !== "/dashboard/") history.replaceState(null, "", "/dashboard/");
  let result;
  if (code) result = await openSessionWithCode(code);
  else if (accessToken) result = await openSessionWithToken(accessToken);
  else result = await readSession();
  if (typeof result.body.google_enabled === "boolean") googleEnabled = result.body.google_enabled;
  route(result, Boolean(code || accessToken));
}

function route({ status, body }, triedCredential) {
  if (status === 200 && body.ok) {
    current = startDashboard(body);
  } else if (status === 403) {
    fill(root, refusedView({ message: body.message, user: body.user, googleEnabled }));
  } else if (status === 401 || status === 400) {
    fill(root, signInView({ message: triedCredential ? body.message : null, googleEnabled }));
  } else {
    fill(root, errorView({ message: body.message, retry: boot }));
  }
}

function showEnded(message) {
  current?.stop();
  current = null;
  fill(root, signInView({ message, googleEnabled }));
}

function startDashboard(session) {
  let csrf = session.csrf_token;
  const me = session.user;
  let pushes = 0;
  let admin = null;

  async function request(name, data) {
    const ack = await admin.request(name, data);
    if (!ack.ok && ack.error === "unauthorized") showEnded(ack.message);
    return ack;
  }

  async function signOut() {
    const result = await closeSession(csrf);
    if (result.status === 200) showEnded("You are signed out.");
    else toast(result.body.message || "Could not sign out", "error");
  }

  const topbar = createTopbar({ user: me, onSignOut: signOut });
  const tiles = createTiles();
  const charts = createCharts();
  const detail = createRoomDetail({ request, onChanged: () => roomsTable.refresh() });
  const roomsTable = createRoomsTable({ request, onSelect: (code) => detail.show(code) });
  const users = createUsersView({ request, me });
  const audit = createAuditView({ request });
  const tabs = createTabs([
    { id: "rooms", label: "Rooms", el: h("div", { class: "split" }, roomsTable.el, detail.el),
      onShow: () => { roomsTable.refresh(); detail.refresh(); } },
    { id: "users", label: "Users", el: users.el, onShow: () => users.refresh() },
    { id: "audit", label: "Audit log", el: audit.el, onShow: () => audit.refresh() },
  ]);

  fill(root, h("div", { class: "shell" }, topbar.el, h("div", { class: "content" }, tiles.el, charts.el, tabs.el)));

  function refreshVisible() {
    const tab = tabs.current();
    if (tab === "rooms") {
      if (pushes % TABLES_EVERY_PUSHES === 0) roomsTable.refresh();
      detail.refresh();
    } else if (tab === "audit" && pushes % TABLES_EVERY_PUSHES === 0) {
      audit.refresh();
    } else if (tab === "users" && pushes % USERS_EVERY_PUSHES === 0) {
      users.refresh();
    }
  }

  admin = connectAdmin({
    onHello: () => {},
    onStatus: (state) => {
      topbar.setStatus(state);
      if (state === "live") {
        request("admin.history", { minutes: 60 }).then((ack) => ack.ok && charts.load(ack.points));
        refreshVisible();
      }
    },
    onStats: (stats) => {
      pushes += 1;
      tiles.update(stats);
      charts.push(stats);
      tabs.setCount("rooms", stats.rooms_active);
      if (pushes > 1) refreshVisible();
    },
    onRefused: (data) => {
      if (data.error === "forbidden" && /not an admin/i.test(data.message || "")) {
        current?.stop();
        current = null;
        fill(root, refusedView({ message: data.message, user: me, googleEnabled }));
      } else {
        showEnded(data.message);
      }
    },
    onSessionEnded: ({ reason }) => showEnded(ENDED_MESSAGES[reason] || ENDED_MESSAGES.disconnected),
  });
  tabs.show("rooms");

  return {
    stop() {
      admin.close();
      csrf = null;
    },
  };
}

// A sign-in link opened in a tab that already shows the dashboard only changes the fragment.
window.addEventListener("hashchange", () => {
  if (/(^|[#&])(token|access_token)=/.test(location.hash)) boot();
});

boot();
