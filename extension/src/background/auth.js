// Signing in and out: as a guest (a name) or with Google (chrome.identity.launchWebAuthFlow to
// the server's /auth/google, the token coming back in the redirect's URL fragment).

import { MAX_NAME_CHARS } from "../constants.js";
import { failure } from "../lib/ack_messages.js";
import { normalizeServerUrl } from "../lib/server_url.js";
import { followServerWithPresence } from "./presence_registration.js";
import * as rest from "./rest.js";
import { broadcastState, closeAllLinks, reconcileLinks } from "./rooms.js";
import { local, readAll, session } from "./storage.js";

async function signedIn(token, user) {
  await session.set({ token, user });
  await reconcileLinks(); // rooms recorded before an expired sign-in are joined again
  await broadcastState();
  return { ok: true, user };
}

export async function signInGuest(name) {
  const trimmed = typeof name === "string" ? name.trim() : "";
  if (!trimmed || trimmed.length > MAX_NAME_CHARS) {
    return failure("invalid", `Enter a name of 1 to ${MAX_NAME_CHARS} characters.`);
  }
  const { serverUrl } = await local.get();
  const answer = await rest.signInGuest(serverUrl, trimmed);
  if (!answer.ok) return answer;
  await local.set({ guestName: trimmed });
  return signedIn(answer.access_token, answer.user);
}

/** The access token carried by the sign-in redirect's fragment (#access_token=…). */
export function tokenFromRedirect(responseUrl) {
  const hash = new URL(responseUrl).hash.replace(/^#/, "");
  return new URLSearchParams(hash).get("access_token");
}

export async function signInGoogle() {
  const { serverUrl } = await local.get();
  const redirectUri = chrome.identity.getRedirectURL();
  const url = `${serverUrl}/auth/google?redirect_uri=${encodeURIComponent(redirectUri)}`;
  let responseUrl;
  try {
    responseUrl = await chrome.identity.launchWebAuthFlow({ url, interactive: true });
  } catch (error) {
    return failure("unauthorized", `Google sign-in did not finish (${error.message}).`);
  }
  const token = responseUrl ? tokenFromRedirect(responseUrl) : null;
  if (!token) return failure("unauthorized", "Google sign-in returned no token.");
  const me = await rest.fetchMe(serverUrl, token);
  if (!me.ok) return me;
  return signedIn(token, me.user);
}

/** Signs out here (and on the server, best effort); tabs leave their rooms. */
export async function signOut({ revoke = true } = {}) {
  const { serverUrl, token } = await readAll();
  await closeAllLinks({ leave: revoke });
  if (revoke && token) await rest.logout(serverUrl, token);
  await session.set({ token: null, user: null, tabRooms: {}, roomPasswords: {} });
  await broadcastState();
  return { ok: true };
}

/** The server refused our token (expired, revoked): forget it, keep the rooms to rejoin. */
export async function tokenRejected() {
  await closeAllLinks();
  await session.set({ token: null, user: null });
  await broadcastState();
}

/** A new server address; a token from another server means nothing there, so sign out. */
export async function setServerUrl(text) {
  const normalized = normalizeServerUrl(text);
  if (!normalized.ok) return failure("invalid", normalized.message);
  const { serverUrl } = await local.get();
  if (normalized.url !== serverUrl) {
    await signOut();
    await local.set({ serverUrl: normalized.url });
    await broadcastState();
  }
  const presence = await followServerWithPresence(normalized.url).catch((error) => ({
    registered: false, reason: String(error?.message || error),
  }));
  return { ok: true, serverUrl: normalized.url, presence };
}
