// The one way a client asks the server something over its Socket.IO socket: emit with an ack,
// resolve to the ack, or to a failure in the same shape ({ok: false, error, message}) when
// the socket is down, nobody answers in time, or the answer is not an ack. Never rejects.
// Takes the socket as an argument (socket.io-client's Socket), so this module stays pure.

import { ACK_TIMEOUT_MS } from "./constants.js";

export const REQUEST_WORDS = Object.freeze({
  notConnected: "Not connected to the server; reconnecting…",
  noAnswer: "The server did not answer in time; try again.",
  badAnswer: "The server sent an answer this page cannot read.",
});

/**
 * @param socket a socket.io-client Socket (connected, timeout(ms).emitWithAck(event, data))
 * @param {{timeoutMs?: number, words?: object}} options words: {notConnected, noAnswer, badAnswer}
 * @returns {Promise<object>} the server's ack, or a failure ack
 */
export async function requestAck(socket, event, data = {}, { timeoutMs = ACK_TIMEOUT_MS, words = {} } = {}) {
  const say = { ...REQUEST_WORDS, ...words };
  if (!socket?.connected) return { ok: false, error: "unavailable", message: say.notConnected };
  let ack;
  try {
    ack = await socket.timeout(timeoutMs).emitWithAck(event, data);
  } catch {
    return { ok: false, error: "unavailable", message: say.noAnswer };
  }
  if (!ack || typeof ack !== "object" || typeof ack.ok !== "boolean") {
    return { ok: false, error: "internal", message: say.badAnswer };
  }
  return ack;
}

/**
 * {error, message} when the server refused the connection itself (bad, revoked or expired
 * token; not an admin), or null for a network problem (socket.io keeps retrying by itself).
 */
export function connectRefusal(err) {
  if (!err) return null;
  const data = err.data && typeof err.data === "object" ? err.data : null;
  if (data?.error) return { error: data.error, message: data.message || String(err.message || "Connection refused") };
  // python-socketio may send a refusal with one argument as its string form in `message`.
  const text = String(err.message || "");
  const match = text.match(/'error':\s*'([a-z_]+)'(?:.*'message':\s*'([^']*)')?/);
  if (match) return { error: match[1], message: match[2] || "Connection refused" };
  if (/unauthori[sz]ed|revoked|expired token/i.test(text)) return { error: "unauthorized", message: text };
  return null;
}
