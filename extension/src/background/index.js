// The ShareTube service worker. It holds the Socket.IO connection(s) and makes every REST
// call (DESIGN.md, "Where the extension's connection lives"); tabs talk to it over ports, the
// popup with runtime messages. Listeners are registered synchronously at the top level so a
// restarted worker receives the event that woke it; state lives in chrome.storage only.

import { TAB_PORT_NAME } from "../constants.js";
import { tokenRejected } from "./auth.js";
import { handlePopupMessage, handleTabCall } from "./commands.js";
import { followServerWithPresence } from "./presence_registration.js";
import { forgetTab, greetTab, reconcileLinks, setUnauthorizedHandler } from "./rooms.js";
import { local } from "./storage.js";
import { addPort, hasPort, removePort } from "./tab_ports.js";

const ORPHAN_TAB_GRACE_MS = 15_000; // a tab whose page left YouTube (no port) leaves its room

setUnauthorizedHandler(() => tokenRejected());

chrome.runtime.onConnect.addListener((port) => {
  if (port.name !== TAB_PORT_NAME || !port.sender?.tab || port.sender.id !== chrome.runtime.id) {
    port.disconnect();
    return;
  }
  const tabId = port.sender.tab.id;
  addPort(tabId, port);
  port.onMessage.addListener(async (message) => {
    if (message?.type !== "call") return;
    const result = await handleTabCall(tabId, message.method, message.args || {});
    try {
      port.postMessage({ type: "reply", id: message.id, result });
    } catch {
      // the tab navigated away before the answer; nothing to do
    }
  });
  port.onDisconnect.addListener(() => {
    removePort(tabId, port);
    setTimeout(() => pruneTabIfGone(tabId), ORPHAN_TAB_GRACE_MS);
  });
  greetTab(tabId);
});

/** A tab without a port for a while: closed, or its page left YouTube → it leaves its room. */
async function pruneTabIfGone(tabId) {
  if (hasPort(tabId)) return;
  const tab = await chrome.tabs.get(tabId).catch(() => null);
  // Without the "tabs" permission a tab's url is visible only while it is on youtube.com.
  if (!tab || !tab.url?.startsWith("https://www.youtube.com/")) await forgetTab(tabId);
}

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  // Only the extension's own pages (the popup) may use these; content scripts use their port.
  const fromOwnPage = sender.id === chrome.runtime.id && sender.url?.startsWith(chrome.runtime.getURL(""));
  if (!fromOwnPage || typeof message?.method !== "string") return false;
  handlePopupMessage(message.method, message.args || {}).then(sendResponse);
  return true; // the answer is asynchronous
});

chrome.tabs.onRemoved.addListener((tabId) => {
  forgetTab(tabId);
});

chrome.runtime.onStartup.addListener(() => reconcileLinks());
chrome.runtime.onInstalled.addListener(() => {
  reconcileLinks();
  // An update keeps the chosen server: its presence script is registered again for this version.
  local.get().then(({ serverUrl }) => followServerWithPresence(serverUrl)).catch(() => {});
});

// A restarted worker rejoins every room recorded in storage right away.
reconcileLinks();
