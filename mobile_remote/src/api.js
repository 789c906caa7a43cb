// REST calls to the server this page was served from (same origin).

async function call(method, path, { body, token } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  let resp;
  try {
    resp = await fetch(`${location.origin}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
    });
  } catch {
    return { ok: false, error: "unavailable", message: "The ShareTube server cannot be reached from this phone", status: 0 };
  }
  const data = await resp.json().catch(() => null);
  if (!data || typeof data !== "object") {
    return { ok: false, error: resp.ok ? "internal" : "unavailable", message: `Unexpected answer (${resp.status})`, status: resp.status };
  }
  return { ...data, ok: resp.ok && data.ok !== false, status: resp.status };
}

/** POST /api/remote/pair {code} → {ok, access_token, room_code, user, pairing_id} or a refusal. */
export function pairWithCode(code) {
  return call("POST", "/api/remote/pair", { body: { code } });
}

/** DELETE /api/remotes/<id> with the remote's own token: unpair this phone. */
export function unpair(token, pairingId) {
  return call("DELETE", `/api/remotes/${encodeURIComponent(pairingId)}`, { token });
}

/** GET /auth/me: tells a revoked/expired token (401) from a network problem. */
export function whoAmI(token) {
  return call("GET", "/auth/me", { token });
}
