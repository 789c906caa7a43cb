// The toolbar badge: how many members of the tab's room are connected.

import { memberCount } from "../../../clients/core/roster.js";

export function showMemberCount(tabIds, members, total) {
  const connected = memberCount(members, total);
  for (const tabId of tabIds) {
    chrome.action.setBadgeBackgroundColor({ tabId, color: "#e52d27" }).catch(() => {});
    chrome.action.setBadgeText({ tabId, text: connected ? String(connected) : "" }).catch(() => {});
  }
}

export function clearBadge(tabId) {
  chrome.action.setBadgeText({ tabId, text: "" }).catch(() => {});
}
