// The server a user chooses in the popup: the presence marker follows it (a registered content
// script, only with the user's permission), and "cannot reach" names the server and the Server box.
import assert from "node:assert/strict";
import { test } from "node:test";

import { followServerWithPresence } from "../../extension/src/background/presence_registration.js";
import { request, unreachableMessage } from "../../extension/src/background/rest.js";
import { PRESENCE_SCRIPT_ID } from "../../extension/src/constants.js";
import { presencePattern } from "../../extension/src/lib/server_url.js";

function fakeChrome({ granted = [] } = {}) {
  const registered = new Map();
  globalThis.chrome = {
    permissions: { contains: async ({ origins }) => origins.every((o) => granted.includes(o)) },
    scripting: {
      getRegisteredContentScripts: async ({ ids }) => ids.filter((id) => registered.has(id)).map((id) => registered.get(id)),
      unregisterContentScripts: async ({ ids }) => ids.forEach((id) => registered.delete(id)),
      registerContentScripts: async (scripts) => {
        for (const script of scripts) {
          if (registered.has(script.id)) throw new Error(`Duplicate script ID '${script.id}'`);
          registered.set(script.id, script);
        }
      },
    },
  };
  return registered;
}

test("a granted server gets the presence script on exactly its origin, port included", async () => {
  const registered = fakeChrome({ granted: ["https://watch.example.org:8443/*"] });
  const result = await followServerWithPresence("https://watch.example.org:8443");
  assert.deepEqual(result, { registered: true, pattern: "https://watch.example.org:8443/*" });
  const script = registered.get(PRESENCE_SCRIPT_ID);
  assert.deepEqual(script.matches, ["https://watch.example.org:8443/*"]);
  assert.deepEqual(script.js, ["presence.js"]);
  assert.equal(script.runAt, "document_start");
});

test("switching again replaces the earlier server's script (no duplicate, no stale match)", async () => {
  const registered = fakeChrome({ granted: ["https://a.example.org/*", "https://b.example.org/*"] });
  await followServerWithPresence("https://a.example.org");
  await followServerWithPresence("https://b.example.org");
  assert.equal(registered.size, 1);
  assert.deepEqual(registered.get(PRESENCE_SCRIPT_ID).matches, ["https://b.example.org/*"]);
});

test("without the user's permission nothing is registered; the build's own server needs none", async () => {
  let registered = fakeChrome({ granted: [] });
  assert.deepEqual(await followServerWithPresence("https://c.example.org"), { registered: false, reason: "no_permission" });
  assert.equal(registered.size, 0);
  registered = fakeChrome({ granted: ["https://c.example.org/*"] });
  await followServerWithPresence("https://c.example.org");
  // back to the server in the manifest: the registered copy goes away
  assert.equal((await followServerWithPresence("http://127.0.0.1:5077")).reason, "in_manifest");
  assert.equal(registered.size, 0);
});

test("presencePattern keeps the port", () => {
  assert.equal(presencePattern("http://192.168.1.20:5211"), "http://192.168.1.20:5211/*");
});

test("'cannot reach' names the server it tried and the Server box", async () => {
  const text = unreachableMessage("http://127.0.0.1:5211", new Error("Failed to fetch"));
  assert.match(text, /http:\/\/127\.0\.0\.1:5211/);
  assert.match(text, /Failed to fetch/);
  assert.match(text, /Server box/);
  const saved = globalThis.fetch;
  globalThis.fetch = async () => { throw new TypeError("Failed to fetch"); };
  try {
    const answer = await request("http://10.9.8.7:5999", "/auth/me");
    assert.equal(answer.ok, false);
    assert.equal(answer.error, "unavailable");
    assert.match(answer.message, /10\.9\.8\.7:5999.*Server box/);
  } finally {
    globalThis.fetch = saved;
  }
});
