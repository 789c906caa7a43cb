import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { EXTENSION_ID, SIGN_IN_REDIRECT_URL } from "../../extension/src/constants.js";

const manifest = JSON.parse(readFileSync(new URL("../../extension/manifest.json", import.meta.url), "utf8"));

test("the manifest key gives the extension ID the server trusts for sign-in redirects", () => {
  const der = Buffer.from(manifest.key, "base64");
  const hex = createHash("sha256").update(der).digest("hex").slice(0, 32);
  const id = [...hex].map((digit) => String.fromCharCode(97 + Number.parseInt(digit, 16))).join("");
  assert.equal(id, EXTENSION_ID);
  assert.equal(SIGN_IN_REDIRECT_URL, `https://${EXTENSION_ID}.chromiumapp.org/`);
  // The server's default EXTENSION_IDS (sign-in redirects it accepts) is read from this file.
  const idFile = readFileSync(new URL("../../extension/EXTENSION_ID", import.meta.url), "utf8").trim();
  assert.equal(idFile, EXTENSION_ID);
});

test("the extension asks for the least it needs", () => {
  assert.equal(manifest.manifest_version, 3);
  assert.deepEqual(manifest.permissions.sort(), ["identity", "storage"]);
  assert.deepEqual(manifest.host_permissions.sort(), [
    "http://127.0.0.1:5077/*",
    "http://localhost:5077/*",
    "https://www.youtube.com/*",
  ]);
  const everything = JSON.stringify(manifest);
  assert.ok(!everything.includes("<all_urls>"));
  assert.ok(!manifest.permissions.includes("tabs"));
  assert.deepEqual(manifest.optional_host_permissions.sort(), ["http://*/*", "https://*/*"]);
});

test("content scripts: the overlay on YouTube, the presence mark on the server's pages", () => {
  const [youtube, bridge, presence] = manifest.content_scripts;
  assert.deepEqual(youtube.matches, ["https://www.youtube.com/*"]);
  assert.deepEqual(youtube.js, ["content.js"]);
  // Media keys reach the page only through MediaSession handlers: a tiny page-world bridge,
  // on YouTube only, in place before YouTube's own script registers them.
  assert.deepEqual(bridge.matches, ["https://www.youtube.com/*"]);
  assert.deepEqual(bridge.js, ["media_session_bridge.js"]);
  assert.equal(bridge.world, "MAIN");
  assert.equal(bridge.run_at, "document_start");
  assert.deepEqual(presence.matches, ["http://127.0.0.1:5077/*", "http://localhost:5077/*"]);
  assert.deepEqual(presence.js, ["presence.js"]);
});
