// The content script's line to the service worker: a chrome.runtime port (the worker holds the
// socket; see DESIGN.md). Calls get their answer back over the same port; when the worker is
// stopped the port closes and this reconnects at once, and the worker greets it with the state
// and the room's snapshot again.

import { PORT_RECONNECT_MAX_MS, PORT_RECONNECT_MIN_MS, TAB_PORT_NAME } from "../constants.js";
import { failure } from "../lib/ack_messages.js";

export class Transport {
  /** @param {{onMessage: (message: object) => void, onDead?: () => void}} handlers */
  constructor({ onMessage, onDead = () => {} }) {
    this.onMessage = onMessage;
    this.onDead = onDead;
    this.port = null;
    this.nextId = 1;
    this.pending = new Map(); // id → resolve
    this.retryMs = PORT_RECONNECT_MIN_MS;
    this.stopped = false;
  }

  connect() {
    if (this.stopped) return;
    if (!chrome.runtime?.id) {
      this.stop(); // the extension was reloaded or removed: this script is an orphan now
      this.onDead();
      return;
    }
    let port;
    try {
      port = chrome.runtime.connect({ name: TAB_PORT_NAME });
    } catch {
      this.stop();
      this.onDead();
      return;
    }
    this.port = port;
    port.onMessage.addListener((message) => {
      this.retryMs = PORT_RECONNECT_MIN_MS;
      if (message?.type === "reply") {
        this.pending.get(message.id)?.(message.result);
        this.pending.delete(message.id);
        return;
      }
      this.onMessage(message);
    });
    port.onDisconnect.addListener(() => {
      this.port = null;
      for (const resolve of this.pending.values()) resolve(failure("unavailable", "Reconnecting…"));
      this.pending.clear();
      const delay = this.retryMs;
      this.retryMs = Math.min(this.retryMs * 2, PORT_RECONNECT_MAX_MS);
      setTimeout(() => this.connect(), delay);
    });
  }

  /** Asks the worker; resolves with an ack-shaped result, never rejects. */
  call(method, args = {}) {
    if (!this.port) return Promise.resolve(failure("unavailable", "Reconnecting to ShareTube…"));
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      try {
        this.port.postMessage({ type: "call", id, method, args });
      } catch {
        this.pending.delete(id);
        resolve(failure("unavailable", "Reconnecting to ShareTube…"));
      }
    });
  }

  /** Sends a room request (PROTOCOL.md) through the worker's socket. */
  emit(event, payload = {}) {
    return this.call("emit", { event, payload });
  }

  stop() {
    this.stopped = true;
    try {
      this.port?.disconnect();
    } catch {
      // already gone
    }
    this.port = null;
  }
}
