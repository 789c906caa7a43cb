// Every REST call of the extension (PROTOCOL.md "REST"), made from the worker only: a content
// script on youtube.com cannot reach a server on the user's machine (DESIGN.md).

import { REST_TIMEOUT_MS } from "../constants.js";
import { failure } from "../lib/ack_messages.js";
import { apiUrl } from "../lib/server_url.js";

const STATUS_ERRORS = { 400: "invalid", 401: "unauthorized", 403: "forbidden", 404: "not_found", 409: "conflict", 429: "rate_limited" };

/** Names the server it tried and where to change it (the popup's Server box). */
export function unreachableMessage(serverUrl, error) {
  return `Cannot reach the ShareTube server at ${serverUrl} (${error?.message || error}). ` +
    "If your ShareTube server has another address, enter it in the Server box at the bottom of this popup.";
}

/** fetch → the PROTOCOL ack shape: {ok:true, ...body} or {ok:false, error, message}. */
export async function request(serverUrl, path, { method = "GET", token = null, body } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(apiUrl(serverUrl, path), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REST_TIMEOUT_MS),
      credentials: "omit",
    });
  } catch (error) {
    return failure("unavailable", unreachableMessage(serverUrl, error));
  }
  const data = (await response.json().catch(() => null)) ?? {};
  if (!response.ok) {
    const error = data.error || STATUS_ERRORS[response.status] || (response.status >= 500 ? "internal" : "invalid");
    return failure(error, data.message);
  }
  return { ok: true, ...data };
}

export const signInGuest = (serverUrl, name) =>
  request(serverUrl, "/auth/guest", { method: "POST", body: { name } });

export const fetchMe = (serverUrl, token) => request(serverUrl, "/auth/me", { token });

export const logout = (serverUrl, token) => request(serverUrl, "/auth/logout", { method: "POST", token });

export const createRoom = (serverUrl, token, settings) =>
  request(serverUrl, "/api/rooms", { method: "POST", token, body: settings ? { settings } : {} });

export const roomFacts = (serverUrl, token, code) =>
  request(serverUrl, `/api/rooms/${encodeURIComponent(code)}`, { token });

export const createRemotePairing = (serverUrl, token, code) =>
  request(serverUrl, `/api/rooms/${encodeURIComponent(code)}/remote-pairings`, { method: "POST", token, body: {} });

export const listRemotes = (serverUrl, token, code) =>
  request(serverUrl, `/api/rooms/${encodeURIComponent(code)}/remotes`, { token });

/** Revokes a paired remote (its socket drops at once) or cancels a code not used yet. */
export const deleteRemotePairing = (serverUrl, token, pairingId) =>
  request(serverUrl, `/api/remotes/${encodeURIComponent(String(pairingId))}`, { method: "DELETE", token });
