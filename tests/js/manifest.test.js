import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { manifestFor } from "../../extension/build.mjs";
import { EXTENSION_ID, SIGN_IN_REDIRECT_URL } from "../../extension/src/constants.js";
import { serverOrigins } from "../../extension/tools/server_origin.mjs";

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
  // scripting: the presence marker follows a server chosen in the popup (registerContentScripts)
  assert.deepEqual(manifest.permissions.sort(), ["identity", "scripting", "storage"]);
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

test("a build for another server grants that server, and only it, and marks its pages", () => {
  const { server, origins } = serverOrigins("http://127.0.0.1:5211/");
  assert.equal(server, "http://127.0.0.1:5211");
  const built = manifestFor(manifest, "1.2.3", origins);
  assert.equal(built.version, "1.2.3");
  assert.deepEqual(built.host_permissions, [
    "https://www.youtube.com/*", "http://127.0.0.1:5211/*", "http://localhost:5211/*",
  ]);
  const script = (m, name) => m.content_scripts.find((s) => s.js.includes(name));
  assert.deepEqual(script(built, "presence.js").matches, ["http://127.0.0.1:5211/*", "http://localhost:5211/*"]);
  assert.deepEqual(script(built, "content.js").matches, ["https://www.youtube.com/*"], "the overlay stays on YouTube");
  assert.deepEqual(script(built, "media_session_bridge.js").matches, ["https://www.youtube.com/*"]);
  assert.ok(!JSON.stringify(built).includes(":5077"), "nothing of the embedded default is left");
  assert.deepEqual(manifest.host_permissions.length, 3, "the template itself is not changed");

  const deployed = manifestFor(manifest, "1.2.3", serverOrigins("https://watch.example.org").origins);
  assert.deepEqual(deployed.host_permissions, ["https://www.youtube.com/*", "https://watch.example.org/*"]);
  assert.deepEqual(script(deployed, "presence.js").matches, ["https://watch.example.org/*"]);
});

test("the build refuses a server that is not an http(s) origin", () => {
  for (const bad of ["ftp://x.org", "https://x.org/path", "not a url", "https://user:pw@x.org"]) {
    assert.throws(() => serverOrigins(bad), /server for the extension build/, bad);
  }
});
