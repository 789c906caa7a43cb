// ShareTube public pages: live numbers from /api/stats (every 10 s) and the extension check.
// The pages are complete without this file; it only refreshes and toggles what is shown.

const REFRESH_MS = 10_000;
const root = document.documentElement;
let refreshTimer = null;

/** Mark <html data-extension="present|absent"> from the attribute the extension sets. */
function showExtensionState() {
  const version = root.dataset.sharetubeExtension || "";
  root.dataset.extension = version ? "present" : "absent";
  for (const el of document.querySelectorAll("[data-extension-version]")) {
    el.textContent = version ? `version ${version}` : "";
  }
}

/** Fetch /api/stats once and write the numbers into every [data-stat] element. */
async function refreshStats() {
  const cells = document.querySelectorAll("[data-stat]");
  if (!cells.length) return null;
  const note = document.querySelector("[data-stats-note]");
  try {
    const response = await fetch("/api/stats", { cache: "no-store", headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const stats = await response.json();
    for (const cell of cells) {
      const value = stats[cell.dataset.stat];
      const text = Number.isInteger(value) ? String(value) : "–";
      if (cell.textContent !== text) cell.textContent = text;
    }
    if (note) note.textContent = "Live on this server; updates every 10 seconds.";
    return stats;
  } catch {
    if (note) note.textContent = "Couldn't update the numbers; trying again shortly.";
    return null;
  }
}

function scheduleRefresh() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(async () => {
    if (!document.hidden) await refreshStats();
    scheduleRefresh();
  }, REFRESH_MS);
}

showExtensionState();
// The extension's page script may mark the page after this runs: follow the attribute.
new MutationObserver(showExtensionState).observe(root, {
  attributes: true,
  attributeFilter: ["data-sharetube-extension"],
});

if (document.querySelector("[data-stat]")) {
  scheduleRefresh();
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) {
      refreshStats();
      scheduleRefresh();
    }
  });
}

// For tests and the console: refresh now instead of waiting for the timer.
window.sharetubeHome = { refreshStats };
