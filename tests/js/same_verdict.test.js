// One member state, three clients: the overlay's roster, the phone's people view and the
// dashboard's room detail must show the same sync-health verdict (level and words) and the
// same "controls playback" verdict, and both must be the client core's. The views are the real
// modules, rendered into a stand-in document (tests/js/helpers/fake_dom.js).

import assert from "node:assert/strict";
import { test } from "node:test";

import { ClockSync } from "../../clients/core/clock_sync.js";
import { controlSummary, memberRole } from "../../clients/core/permissions.js";
import { syncHealth } from "../../clients/core/sync_health.js";
import { createFakeDocument } from "./helpers/fake_dom.js";

globalThis.document = createFakeDocument();
const { RosterSection } = await import("../../extension/src/content/overlay/roster_section.js");
const { reduceRoom } = await import("../../extension/src/lib/room_view.js");
const { createPeopleView } = await import("../../mobile_remote/src/ui/people_view.js");
const { RoomState } = await import("../../mobile_remote/src/lib/room_state.js");
const { createRoomDetail } = await import("../../dashboard/src/views/room_detail.js");

const ALICE = 1;
const BOB = 2;

function room({ controlMode, playback, bob, serverMs }) {
  return {
    code: "ab12cd", name: "Movie night", owner_id: ALICE, version: 9, queue_version: 1, closed_ms: null,
    settings: { name: "Movie night", control_mode: controlMode, ad_sync_mode: "pause_all", queue_locked: false },
    playback: { entry_id: 11, video_id: "aaaaaaaaaaa", version: 5, rate: 1, position_ms: 10_000, ...playback },
    queue: [{ id: 11, video_id: "aaaaaaaaaaa", status: "playing", position: 0 }],
    members: [
      { user_id: ALICE, name: "Alice", role: "owner", devices: ["extension"], connected: true, offset_ms: 2, rtt_ms: 15,
        drift_ms: 4, status_ms: serverMs - 1_000, in_ad: false, buffering: false },
      { user_id: BOB, name: "Bob", connected: true, ...bob },
    ],
    chat: [], server_ms: serverMs,
  };
}

function overlayVerdict(snapshot, serverMs) {
  const roster = new RosterSection({ setRole() {}, kick() {} });
  roster.update({ view: reduceRoom(null, { type: "room", payload: snapshot }), selfId: ALICE, serverNowMs: serverMs });
  const row = roster.list.querySelector(`[data-user-id="${BOB}"]`);
  return { level: row.dataset.health, mayControl: row.dataset.mayControl, label: row.querySelector("[aria-label]").title };
}

function remoteVerdict(snapshot, serverMs) {
  const state = new RoomState();
  state.setRoom(snapshot, { userId: ALICE });
  const clock = new ClockSync();
  clock.seed(serverMs, Date.now()); // the phone's idea of server time = the same instant
  const view = createPeopleView({ state, clock, actions: { unpair() {} } });
  view.render();
  const row = view.section.querySelector(`[data-user-id="${BOB}"]`);
  return { level: row.dataset.health, mayControl: row.dataset.mayControl, label: row.querySelector('[data-testid="person-health"]').textContent };
}

async function dashboardVerdict(snapshot, serverMs) {
  const { members, ...rest } = snapshot;
  const detail = { ok: true, room: { ...rest, title: "A video", last_active_ms: serverMs }, members, queue: [], chat: [],
    timeline: [], audit: [], server_ms: serverMs };
  const view = createRoomDetail({ request: async () => detail, onChanged() {} });
  view.show(snapshot.code);
  await new Promise((resolve) => setImmediate(resolve));
  const row = view.el.querySelector(`[data-user-id="${BOB}"]`);
  return { level: row.dataset.health, mayControl: row.dataset.mayControl, label: row.querySelector('[data-testid="member-health"]').title };
}

const NOW = 1_700_000_000_000;
const RUNNING = { state: "playing", anchor_ms: NOW - 60_000 };
const SCHEDULED = { state: "playing", anchor_ms: NOW + 60_000 };
const PAUSED = { state: "paused", anchor_ms: NOW - 60_000 };
const measured = { offset_ms: -1234, status_ms: NOW - 500, in_ad: false, buffering: false };

const CASES = [
  // [what, Bob's fields, playback, control mode, the level every client must show, may Bob control]
  ["the issue's member: 200 ms RTT, 60 ms drift", { role: "participant", devices: ["extension"], rtt_ms: 200, drift_ms: 60, ...measured }, RUNNING, "operators", "green", "false"],
  ["a little off", { role: "operator", devices: ["extension", "remote"], rtt_ms: 40, drift_ms: -320, ...measured }, RUNNING, "operators", "yellow", "true"],
  ["out of sync", { role: "participant", devices: ["extension"], rtt_ms: 40, drift_ms: 900, ...measured }, RUNNING, "any", "red", "true"],
  ["slow network", { role: "operator", devices: ["extension"], rtt_ms: 600, drift_ms: 10, ...measured }, RUNNING, "owner_only", "yellow", "false"],
  ["settling while the clock runs", { role: "participant", devices: ["extension"], rtt_ms: 40, drift_ms: null, ...measured }, RUNNING, "any", "settling", "true"],
  ["scheduled start: the clock does not run yet", { role: "participant", devices: ["extension"], rtt_ms: 40, drift_ms: null, ...measured }, SCHEDULED, "operators", "green", "false"],
  ["paused", { role: "participant", devices: ["extension"], rtt_ms: 300, drift_ms: null, ...measured }, PAUSED, "operators", "yellow", "false"],
  ["phone remote only", { role: "participant", devices: ["remote"], rtt_ms: 40, drift_ms: null, ...measured }, RUNNING, "any", "none", "true"],
  ["watching an ad", { role: "participant", devices: ["extension"], rtt_ms: 40, drift_ms: null, ...measured, in_ad: true }, RUNNING, "operators", "yellow", "false"],
  ["nothing measured yet", { role: "participant", devices: ["extension"], rtt_ms: 0, offset_ms: 0, drift_ms: null, status_ms: null }, PAUSED, "operators", "settling", "false"],
  ["the owner's id wins over a stale role", { role: "participant", devices: ["extension"], rtt_ms: 30, drift_ms: 5, ...measured }, RUNNING, "owner_only", "green", "true", { owner: BOB }],
];

for (const [what, bob, playback, controlMode, level, mayControl, extra] of CASES) {
  test(`same verdict in the overlay, the phone and the dashboard: ${what}`, async () => {
    const snapshot = room({ controlMode, playback, bob: { ...bob, user_id: BOB, name: "Bob" }, serverMs: NOW });
    if (extra?.owner) snapshot.owner_id = extra.owner;
    const core = syncHealth(snapshot.members[1], { roomPlaying: playback === RUNNING });
    const control = controlSummary(memberRole(snapshot.members[1], snapshot.owner_id), controlMode);
    const expected = { level, mayControl, label: core.label };
    assert.equal(core.level, level, "the core's own verdict");
    assert.equal(String(control.allowed), mayControl, "the core's own permission verdict");
    const seen = {
      overlay: overlayVerdict(snapshot, NOW),
      remote: remoteVerdict(snapshot, NOW),
      dashboard: await dashboardVerdict(snapshot, NOW),
    };
    assert.deepEqual(seen, { overlay: expected, remote: expected, dashboard: expected });
  });
}
