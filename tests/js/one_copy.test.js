// One copy of each piece of client logic: the client core (clients/core, clients/tools) holds
// it, and no client source grows its own again. A scan of the three clients' sources.

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const CLIENTS = ["extension/src", "extension/tools", "mobile_remote/src", "mobile_remote/tools", "dashboard/src", "clients"];

function sources(dir) {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(m?js)$/.test(entry.name) ? [path] : [];
  });
}

// What only the core may do, and where it does it.
const ONLY_IN = [
  [/\.timeout\([^)]*\)\.emit/, "clients/core/socket_request.js", "an emit with an ack timeout"],
  [/\bcreateElement(NS)?\s*\(/, "clients/core/dom.js", "a DOM builder"],
  [/\.padStart\(2/, "clients/core/format.js", "time formatting"],
  [/\bdeflateSync\b|\b0xedb88320\b/, "clients/tools/png.mjs", "a PNG encoder / CRC-32"],
  [/\bclass \w*Clock\w*\b/, "clients/core/clock_sync.js", "a clock-sync estimator"],
  [/\banchor_ms\)\s*\*|\(serverNowMs - anchor\)|- anchor_ms\)/, "clients/core/room_position.js", "a room-position formula"],
  [/\bcontrol_mode\s*===|\bmode\s*===\s*"(any|operators|owner_only)"/, "clients/core/permissions.js", "a control-mode rule"],
  [/"(out of sync|a little off|a little behind)"|\bHEALTH_\w+_MS\b|\bgoodRttMs\b/, "clients/core/sync_health.js", "a sync-health verdict"],
];

test("each piece of shared client logic exists once, in the client core", () => {
  const files = CLIENTS.flatMap(sources);
  assert.ok(files.length > 50, `scanned ${files.length} files`);
  const strays = [];
  for (const file of files) {
    const text = readFileSync(join(ROOT, file), "utf8");
    for (const [pattern, home, what] of ONLY_IN) {
      if (pattern.test(text) && relative(ROOT, join(ROOT, file)) !== home) strays.push(`${file}: ${what} (belongs in ${home})`);
    }
  }
  assert.deepEqual(strays, []);
});

test("the scan would see each piece: every pattern finds its home in the core", () => {
  for (const [pattern, home, what] of ONLY_IN) {
    assert.match(readFileSync(join(ROOT, home), "utf8"), pattern, `${what} in ${home}`);
  }
});
