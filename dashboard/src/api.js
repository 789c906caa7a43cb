// The dashboard session over REST (same origin). The access JWT lives in an HttpOnly cookie
// the page never sees; state-changing requests carry the CSRF token in X-CSRF-TOKEN.

const SESSION_URL = "/api/admin/session";

async function call(method, { body, headers = {} } = {}) {
  let response;
  try {
    response = await fetch(SESSION_URL, {
      method,
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "application/json", ...(body ? { "Content-Type": "application/json" } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
    });
  } catch {
    return { status: 0, body: { ok: false, error: "unavailable", message: "The server cannot be reached" } };
  }
  let data;
  try {
    data = await response.json();
  } catch {
    data = { ok: false, error: "internal", message: `Unexpected answer (HTTP ${response.status})` };
  }
  return { status: response.status, body: data };
}

/** Who is signed in: {status: 200, body: {user, csrf_token}} or 401/403 with {message, google_enabled}. */
export function readSession() {
  return call("GET");
}

/** Trade a one-time admin link code for the cookie. */
export function openSessionWithCode(code) {
  return call("POST", { body: { code } });
}

/** Trade the access token Google sign-in handed back for the cookie (admins only). */
export function openSessionWithToken(accessToken) {
  return call("POST", { body: {}, headers: { Authorization: `Bearer ${accessToken}` } });
}

export function closeSession(csrfToken) {
  return call("DELETE", { headers: { "X-CSRF-TOKEN": csrfToken } });
}

/** Where Google sign-in starts; it comes back to /dashboard/ with #access_token=… */
export function googleSignInUrl() {
  const back = `${location.origin}/dashboard/`;
  return `/auth/google?redirect_uri=${encodeURIComponent(back)}`;
}
