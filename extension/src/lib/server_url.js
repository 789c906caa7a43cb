// The ShareTube server address a user types into the popup. Pure.

import { DEFAULT_SERVER_ORIGINS } from "../constants.js";

/**
 * "127.0.0.1:5077", "https://watch.example.org/" → {ok, url} with url an origin (no path,
 * no trailing slash); {ok:false, message} for anything else.
 */
export function normalizeServerUrl(text) {
  let candidate = typeof text === "string" ? text.trim() : "";
  if (!candidate) return { ok: false, message: "Enter the server address, e.g. http://127.0.0.1:5077" };
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(candidate)) candidate = `http://${candidate}`;
  let url;
  try {
    url = new URL(candidate);
  } catch {
    return { ok: false, message: "That is not a valid address." };
  }
  if (!["http:", "https:"].includes(url.protocol)) {
    return { ok: false, message: "The server address must start with http:// or https://" };
  }
  if (url.username || url.password) {
    return { ok: false, message: "The server address must not contain a user name or password." };
  }
  if (url.pathname !== "/" || url.search || url.hash) {
    return { ok: false, message: "Enter only the server's origin (no path), e.g. https://example.org" };
  }
  return { ok: true, url: url.origin };
}

/** The match pattern for host permissions on that server ("http://host:port/*"). */
export function originPattern(serverUrl) {
  const url = new URL(serverUrl);
  return `${url.protocol}//${url.hostname}/*`;
}

/** The match pattern of that one server (with its port) for the presence content script. */
export function presencePattern(serverUrl) {
  return `${new URL(serverUrl).origin}/*`;
}

/** True when the manifest already grants access (no run-time permission prompt needed). */
export function isDefaultOrigin(serverUrl) {
  return DEFAULT_SERVER_ORIGINS.includes(new URL(serverUrl).origin);
}

/** The socket.io / REST base for a server origin (same thing today; one place to change it). */
export function apiUrl(serverUrl, path) {
  return `${serverUrl}${path.startsWith("/") ? path : `/${path}`}`;
}
