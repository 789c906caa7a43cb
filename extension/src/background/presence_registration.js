// The presence marker follows the chosen server. The manifest's presence script matches only the
// server this build was made for; for a server chosen in the popup's Server box the worker
// registers the same script (chrome.scripting) once the user granted that origin (the popup
// asks, from the click), so that server's /join pages see the extension too.

import { PRESENCE_SCRIPT_ID } from "../constants.js";
import { isDefaultOrigin, presencePattern } from "../lib/server_url.js";

/** → {registered: bool, pattern?, reason?}; replaces any script registered for an earlier server. */
export async function followServerWithPresence(serverUrl) {
  const existing = await chrome.scripting.getRegisteredContentScripts({ ids: [PRESENCE_SCRIPT_ID] });
  if (existing.length) await chrome.scripting.unregisterContentScripts({ ids: [PRESENCE_SCRIPT_ID] });
  if (isDefaultOrigin(serverUrl)) return { registered: false, reason: "in_manifest" };
  const pattern = presencePattern(serverUrl);
  if (!(await chrome.permissions.contains({ origins: [pattern] }))) {
    return { registered: false, reason: "no_permission" };
  }
  await chrome.scripting.registerContentScripts([{
    id: PRESENCE_SCRIPT_ID,
    matches: [pattern],
    js: ["presence.js"],
    runAt: "document_start",
    allFrames: false,
    persistAcrossSessions: true,
  }]);
  return { registered: true, pattern };
}
