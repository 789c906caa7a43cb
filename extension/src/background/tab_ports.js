// The content scripts' ports (chrome.runtime.connect, name "sharetube-tab"), by tab id.
// Ports are live handles, rebuilt when a tab reconnects after a worker restart; which room a
// tab is in is kept in storage (tabRooms), never here.

const ports = new Map(); // tabId → Port

export function addPort(tabId, port) {
  ports.set(tabId, port);
}

export function removePort(tabId, port) {
  if (ports.get(tabId) === port) ports.delete(tabId);
}

export function hasPort(tabId) {
  return ports.has(tabId);
}

export function postToTab(tabId, message) {
  const port = ports.get(tabId);
  if (!port) return false;
  try {
    port.postMessage(message);
    return true;
  } catch {
    ports.delete(tabId); // the tab went away between two messages
    return false;
  }
}

export function postToTabs(tabIds, message) {
  for (const tabId of tabIds) postToTab(tabId, message);
}

export function connectedTabIds() {
  return [...ports.keys()];
}
