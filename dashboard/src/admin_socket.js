// The one `/admin` Socket.IO connection: the browser sends the HttpOnly session cookie with the
// websocket handshake (same origin), the server checks it and the Origin.

import { io } from "socket.io-client";

const ACK_TIMEOUT_MS = 10_000;

export function connectAdmin({ onStats, onHello, onStatus, onRefused, onSessionEnded }) {
  const socket = io("/admin", { transports: ["websocket"], withCredentials: true, reconnectionDelayMax: 5000 });

  socket.on("connect", () => onStatus("live"));
  socket.on("disconnect", (reason) => {
    onStatus(reason === "io client disconnect" ? "closed" : "reconnecting");
    if (reason === "io server disconnect") onSessionEnded({ reason: "disconnected" });
  });
  socket.on("connect_error", (err) => {
    const data = err && err.data;
    if (data && (data.error === "unauthorized" || data.error === "forbidden")) {
      socket.disconnect();
      onRefused(data);
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
  async function request(name, data = {}) {
    if (!socket.connected) return { ok: false, error: "unavailable", message: "Not connected to the server" };
    try {
      return await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(name, data);
    } catch {
      return { ok: false, error: "unavailable", message: "The server did not answer in time" };
    }
  }

  return { request, close: () => socket.disconnect(), socket };
}
