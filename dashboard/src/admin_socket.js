// The one `/admin` Socket.IO connection: the browser sends the HttpOnly session cookie with the
// websocket handshake (same origin), the server checks it and the Origin.

import { io } from "socket.io-client";

import { connectRefusal, requestAck } from "../../clients/core/socket_request.js";

const ACK_TIMEOUT_MS = 10_000; // admin queries read more than a room event does
const REQUEST_WORDS = { notConnected: "Not connected to the server", noAnswer: "The server did not answer in time" };

export function connectAdmin({ onStats, onHello, onStatus, onRefused, onSessionEnded }) {
  const socket = io("/admin", { transports: ["websocket"], withCredentials: true, reconnectionDelayMax: 5000 });

  socket.on("connect", () => onStatus("live"));
  socket.on("disconnect", (reason) => {
    onStatus(reason === "io client disconnect" ? "closed" : "reconnecting");
    if (reason === "io server disconnect") onSessionEnded({ reason: "disconnected" });
  });
  socket.on("connect_error", (err) => {
    const refusal = connectRefusal(err);
    if (refusal && (refusal.error === "unauthorized" || refusal.error === "forbidden")) {
      socket.disconnect();
      onRefused(refusal);
    } else {
      onStatus("reconnecting");
    }
  });
  socket.on("admin.hello", (msg) => onHello(msg));
  socket.on("admin.stats", (stats) => onStats(stats));
  socket.on("session.ended", (msg) => {
    socket.disconnect();
    onSessionEnded(msg || {});
  });

  /** Send a request; resolves with the ack ({ok: true, …} or {ok: false, error, message}). */
  function request(name, data = {}) {
    return requestAck(socket, name, data, { timeoutMs: ACK_TIMEOUT_MS, words: REQUEST_WORDS });
  }

  return { request, close: () => socket.disconnect(), socket };
}
