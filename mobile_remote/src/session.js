// The remote's pairing, kept in localStorage so a reload or a phone restart keeps the remote.
// Holds the scoped token (room + pairing), the user and the room code.

const KEY = "sharetube.remote.v1";

export function loadSession(storage = globalThis.localStorage) {
  try {
    const raw = storage?.getItem(KEY);
    const data = raw ? JSON.parse(raw) : null;
    return data && typeof data.token === "string" && typeof data.room_code === "string" ? data : null;
  } catch {
    return null;
  }
}

export function saveSession(answer, storage = globalThis.localStorage) {
  const session = {
    token: answer.access_token,
    room_code: answer.room_code,
    user: answer.user,
    pairing_id: answer.pairing_id,
    paired_ms: Date.now(),
  };
  try {
    storage?.setItem(KEY, JSON.stringify(session));
  } catch {
    /* private mode: the remote still works until the tab closes */
  }
  return session;
}

export function clearSession(storage = globalThis.localStorage) {
  try {
    storage?.removeItem(KEY);
  } catch {
    /* nothing stored */
  }
}
