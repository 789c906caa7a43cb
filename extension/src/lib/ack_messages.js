// What to tell the user when the server refuses a request (PROTOCOL.md error codes). Pure.

const FALLBACK = {
  unauthorized: "Your sign-in has expired. Sign in again.",
  forbidden: "You are not allowed to do that in this room.",
  not_found: "That room or item no longer exists.",
  invalid: "The server did not accept that.",
  rate_limited: "Slow down a little and try again.",
  conflict: "Someone else changed the room at the same time; try again.",
  unavailable: "The ShareTube server cannot be reached right now.",
  internal: "The server had a problem; try again.",
};

const CONTROL_MODE_HINT = {
  owner_only: "Only the room owner controls playback in this room.",
  operators: "Only the owner and operators control playback in this room.",
};

/** A one-line message for a refused ack; the server's own message wins when it has one. */
export function refusalMessage(ack, { controlMode } = {}) {
  if (!ack || ack.ok) return "";
  if (ack.message) return ack.message;
  if (ack.error === "forbidden" && CONTROL_MODE_HINT[controlMode]) {
    return CONTROL_MODE_HINT[controlMode];
  }
  return FALLBACK[ack.error] || FALLBACK.internal;
}

/** A failed request as an ack, so callers handle one shape. */
export function failure(error, message) {
  return { ok: false, error, message: message || FALLBACK[error] || FALLBACK.internal };
}
