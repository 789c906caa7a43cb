import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

import {
  CONTROL_MODES, OWNER_ONLY_SETTINGS, ROLES, controlSummary, mayAddToQueue, mayChangeSettings, mayControl, mayKick, mayRemoveEntry,
  maySeeBans, maySetRole, mayShuffle, mayStartNow, mayUnban, memberRole,
} from "../../clients/core/permissions.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const PYTHON = [join(ROOT, ".venv", "bin", "python"), "python3"].find((path) => path === "python3" || existsSync(path));
const ACTORS = [...ROLES, "stranger"];

test("who controls playback in each control mode", () => {
  const table = Object.fromEntries(CONTROL_MODES.map((mode) => [mode, ROLES.filter((role) => mayControl(role, mode).allowed)]));
  assert.deepEqual(table, {
    owner_only: ["owner"],
    operators: ["owner", "operator"],
    any: ["owner", "operator", "participant"],
  });
  assert.equal(mayControl("stranger", "any").allowed, false, "not a member: never");
  assert.equal(mayControl(null, "any").reason, "You are not a member of this room");
  assert.equal(mayControl("participant").allowed, false, "no mode yet reads as the default, operators");
});

test("start now: playback control, or any owner/operator even in an owner-only room", () => {
  assert.equal(mayStartNow("operator", "owner_only").allowed, true);
  assert.equal(mayStartNow("participant", "operators").allowed, false);
  assert.equal(mayStartNow("participant", "any").allowed, true);
});

test("a roster row's role: the room's owner_id wins, a missing role is a participant", () => {
  assert.equal(memberRole({ user_id: 4, role: "operator" }, 4), "owner");
  assert.equal(memberRole({ user_id: 5, role: "operator" }, 4), "operator");
  assert.equal(memberRole({ user_id: 5 }, 4), "participant");
  assert.equal(memberRole(null, 4), null);
  assert.deepEqual(controlSummary("participant", "operators"), { allowed: false, text: "watches only" });
  assert.deepEqual(controlSummary("participant", "any"), { allowed: true, text: "controls playback" });
});

/** Every question the clients ask, over every role and setting. */
function cases() {
  const out = [];
  for (const role of ACTORS) {
    for (const mode of CONTROL_MODES) {
      out.push(["may_control", [role, mode]], ["may_start_now", [role, mode]]);
      for (const [addedBy, userId] of [[7, 7], [8, 7], [null, 7]]) out.push(["may_remove_entry", [role, mode, addedBy, userId]]);
    }
    for (const locked of [false, true]) out.push(["may_add_to_queue", [role, locked]]);
    out.push(["may_shuffle", [role]]);
    for (const keys of [[], ["name"], ["control_mode"], ["name", "control_mode"]]) out.push(["may_change_settings", [role, keys]]);
    out.push(["may_see_bans", [role]]);
    for (const target of ACTORS) {
      for (const next of [...ROLES, "admin"]) out.push(["may_set_role", [role, target, next]]);
      for (const same of [false, true]) out.push(["may_kick", [role, target, same]]);
      out.push(["may_unban", [role, target]]);
    }
  }
  return out;
}

const CORE = {
  may_control: mayControl, may_start_now: mayStartNow, may_remove_entry: mayRemoveEntry, may_add_to_queue: mayAddToQueue,
  may_change_settings: mayChangeSettings, may_set_role: maySetRole, may_kick: mayKick, may_shuffle: mayShuffle,
  may_see_bans: maySeeBans, may_unban: mayUnban,
};

// The server decides; the clients must show the same answer, with the server's words.
const SERVER_VERDICTS = `
import json, sys
from server.domain import permissions as p

def may_start_now(role, mode):
    verdict = p.may_control(role, mode)
    return p.ALLOWED if verdict or p.is_operator_or_owner(role) else verdict

out = []
for name, args in json.load(sys.stdin):
    fn = may_start_now if name == "may_start_now" else getattr(p, name)
    allowed, reason = fn(*args)
    out.append([allowed, reason])
print(json.dumps({"verdicts": out, "roles": list(p.ROLES), "modes": list(p.CONTROL_MODES),
                  "owner_only": sorted(p.OWNER_ONLY_SETTINGS)}))
`;

test("the core gives the server's verdict (and reason) for every role, mode and setting", () => {
  const all = cases();
  const answer = JSON.parse(execFileSync(PYTHON, ["-c", SERVER_VERDICTS], { cwd: ROOT, input: JSON.stringify(all), encoding: "utf8" }));
  assert.deepEqual([answer.roles, answer.modes, answer.owner_only], [[...ROLES], [...CONTROL_MODES], [...OWNER_ONLY_SETTINGS].sort()],
    "the same roles, control modes and owner-only settings as the server");
  const server = answer.verdicts;
  assert.equal(server.length, all.length);
  const mismatches = all.flatMap(([name, args], i) => {
    const core = CORE[name](...args);
    const [allowed, reason] = server[i];
    return core.allowed === allowed && core.reason === reason ? [] : [`${name}(${JSON.stringify(args)}): core ${JSON.stringify(core)}, server ${JSON.stringify({ allowed, reason })}`];
  });
  assert.deepEqual(mismatches, []);
  assert.ok(all.length > 150, `${all.length} cases`);
});
