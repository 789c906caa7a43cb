// The remote's one Socket.IO connection: websocket only, token in `auth` (never in the URL),
// acks as promises with a timeout (clients/core/socket_request), and a way to revive the
// socket after sleep or a network change (a socket that looks connected may be dead after the
// phone slept).

import { io } from "socket.io-client";

import { ACK_TIMEOUT_MS } from "../../clients/core/constants.js";
import { connectRefusal, requestAck } from "../../clients/core/socket_request.js";

const REQUEST_WORDS = {
  notConnected: "Not connected; reconnecting…",
  noAnswer: "No answer from the server; try again",
};
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
      const refusal = connectRefusal(err);
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
    return requestAck(this.socket, event, data, { timeoutMs, words: REQUEST_WORDS });
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
