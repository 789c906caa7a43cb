// The remote's one Socket.IO connection: websocket only, token in `auth` (never in the URL),
// acks as promises with a timeout, and a way to revive the socket after sleep or a network
// change (a socket that looks connected may be dead after the phone slept).

import { io } from "socket.io-client";

export const ACK_TIMEOUT_MS = 8000;
const PROBE_TIMEOUT_MS = 3000;

export class RemoteConnection {
  /**
   * handlers: onConnect(), onDisconnect(reason), onRefused({error, message}), onEvent(name, data)
   */
  constructor({ origin, token, handlers }) {
    this.handlers = handlers;
    this.stopped = false;
    this.socket = io(origin, {
      transports: ["websocket"],
      auth: { token },
      reconnection: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: 4000,
      timeout: 8000,
      autoConnect: false,
    });
    this.socket.on("connect", () => handlers.onConnect());
    this.socket.on("disconnect", (reason) => handlers.onDisconnect(reason));
    this.socket.on("connect_error", (err) => {
      const refusal = refusalOf(err);
      if (refusal) {
        this.stopped = true;
        handlers.onRefused(refusal);
      }
    });
    this.socket.onAny((name, data) => handlers.onEvent(name, data));
  }

  start() {
    this.socket.connect();
  }

  get connected() {
    return this.socket.connected;
  }

  /** Emit with an ack; resolves to the ack, or to an `unavailable` answer after `timeoutMs`. */
  request(event, data = {}, timeoutMs = ACK_TIMEOUT_MS) {
    return new Promise((resolve) => {
      if (!this.socket.connected) {
        resolve({ ok: false, error: "unavailable", message: "Not connected; reconnecting…" });
        return;
      }
      this.socket.timeout(timeoutMs).emit(event, data, (err, ack) => {
        if (err) resolve({ ok: false, error: "unavailable", message: "No answer from the server; try again" });
        else resolve(ack && typeof ack === "object" ? ack : { ok: false, error: "internal", message: "Bad answer" });
      });
    });
  }

  /**
   * After sleep, a network change or coming back online: make sure the socket is alive.
   * Returns "reconnecting" or "alive".
   */
  async revive() {
    if (this.stopped) return "stopped";
    if (!this.socket.connected) {
      this.socket.connect();
      return "reconnecting";
    }
    const probe = await this.request("time.sync", { client_ms: Date.now() }, PROBE_TIMEOUT_MS);
    if (probe.ok) return "alive";
    // The socket looked connected but nobody answered: start a fresh one.
    this.socket.disconnect();
    this.socket.connect();
    return "reconnecting";
  }

  /** Connect again after the server dropped us (socket.io does not retry that by itself). */
  reconnect() {
    if (!this.stopped && !this.socket.connected) this.socket.connect();
  }

  stop() {
    this.stopped = true;
    this.socket.disconnect();
  }
}

/** {error, message} when the server refused the connection itself (bad or revoked token). */
export function refusalOf(err) {
  if (!err) return null;
  const data = err.data && typeof err.data === "object" ? err.data : null;
  if (data?.error) return { error: data.error, message: data.message || err.message };
  // python-socketio sends a refusal with one argument as its string form in `message`.
  const text = String(err.message || "");
  const match = text.match(/'error':\s*'([a-z_]+)'(?:.*'message':\s*'([^']*)')?/);
  if (match) return { error: match[1], message: match[2] || "Connection refused" };
  if (/unauthori[sz]ed|revoked|expired token/i.test(text)) return { error: "unauthorized", message: text };
  return null; // a network problem: socket.io keeps retrying by itself
}
