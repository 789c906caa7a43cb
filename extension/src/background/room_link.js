// One room's Socket.IO connection (websocket only, auth {token}). On every (re)connect it joins
// the room again and hands the fresh Room snapshot on, so a server restart or a worker restart
// resumes by itself. Room events go to `onRoomEvent`; commands go out through `emit`.

import { io } from "socket.io-client";

import { connectRefusal, requestAck } from "../../../clients/core/socket_request.js";
import { TimeSyncRunner } from "../../../clients/core/time_sync.js";
import { SOCKET_RECONNECT_MAX_MS, SOCKET_RECONNECT_MIN_MS } from "../constants.js";
import { snapshotOf } from "../lib/room_view.js";

const REQUEST_WORDS = {
  notConnected: "Reconnecting to the ShareTube server…",
  noAnswer: "The ShareTube server did not answer in time.",
};

/** Server → client events forwarded to the room's tabs. */
export const ROOM_EVENTS = [
  "room.playback",
  "presence.update",
  "queue.update",
  "chat.message",
  "chat.typing",
  "room.settings",
  "room.kicked",
  "room.closed",
  "room.knock",
  "room.knocks",
  "room.bans",
  "vote.state",
  "reaction",
];

export class RoomLink {
  /**
   * @param {{serverUrl: string, token: string, code: string, password?: string, invite?: string,
   *          onRoomEvent: (event: string, payload: object) => void,
   *          onJoined: (room: object) => void, onJoinRefused: (ack: object) => void,
   *          onClock: (estimate: object) => void, onStatus: (status: string) => void,
   *          onHello: (hello: object) => void, onUnauthorized: () => void}} options
   */
  constructor(options) {
    this.options = options;
    this.code = options.code;
    this.joined = false;
    this.knocking = false;
    this.closed = false;
    this.socket = io(options.serverUrl, {
      transports: ["websocket"],
      auth: { token: options.token },
      reconnectionDelay: SOCKET_RECONNECT_MIN_MS,
      reconnectionDelayMax: SOCKET_RECONNECT_MAX_MS,
    });
    this.timeSync = new TimeSyncRunner({
      request: (event, payload, timeoutMs) => requestAck(this.socket, event, payload, { timeoutMs }),
      onEstimate: (estimate) => options.onClock(estimate),
    });
    this.bindSocket();
  }

  bindSocket() {
    const { socket, options } = this;
    socket.on("connect", () => {
      console.info(`room=${this.code} event=connect sid=${socket.id}`);
      options.onStatus("connected");
      this.timeSync.start();
      this.knocking = false; // a knock belongs to the old socket: ask again on this one
      this.join();
    });
    socket.on("disconnect", (reason) => {
      console.info(`room=${this.code} event=disconnect reason=${reason}`);
      this.joined = false;
      this.timeSync.stop();
      if (!this.closed) options.onStatus("reconnecting");
    });
    socket.on("connect_error", (error) => {
      if (connectRefusal(error)?.error === "unauthorized") {
        console.warn(`room=${this.code} event=connect_error unauthorized`);
        this.close();
        options.onUnauthorized();
        return;
      }
      options.onStatus("offline");
    });
    socket.on("hello", (hello) => options.onHello(hello));
    socket.on("room.knock_answer", (answer) => this.onKnockAnswer(answer));
    for (const event of ROOM_EVENTS) {
      socket.on(event, (payload) => options.onRoomEvent(event, payload));
    }
  }

  async join() {
    const payload = { code: this.code };
    if (this.options.password) payload.password = this.options.password;
    if (this.options.invite) payload.invite = this.options.invite;
    const ack = await this.emit("join", payload);
    if (this.closed) return;
    if (ack.ok && ack.room) {
      this.joined = true;
      this.knocking = false;
      console.info(`room=${this.code} event=joined v=${ack.room.playback?.version}`);
      // The owner's and operators' extras (a private room's invite secret, who is knocking).
      this.options.onJoined(snapshotOf(ack));
    } else if (ack.needs_approval && !this.knocking) {
      await this.knock();
    } else if (ack.error !== "unavailable") {
      console.warn(`room=${this.code} event=join_refused error=${ack.error}`);
      this.options.onJoinRefused(ack);
    }
  }

  /** A private room without its invite secret: ask to be let in, and wait for the answer. */
  async knock() {
    const ack = await this.emit("room.knock", { code: this.code });
    if (this.closed) return;
    if (ack.ok && ack.admitted) return this.join();
    if (!ack.ok) return this.options.onJoinRefused(ack);
    this.knocking = true;
    console.info(`room=${this.code} event=knocking knock=${ack.knock_id}`);
    this.options.onStatus("knocking");
  }

  onKnockAnswer(answer) {
    if (!this.knocking || answer?.code !== this.code) return;
    this.knocking = false;
    if (answer.admitted) this.join();
    else this.options.onJoinRefused({ ok: false, error: "forbidden", message: answer.message || "You were not let in." });
  }

  /** Emits a client→server event and resolves with its ack (or a failure ack). */
  emit(event, payload = {}) {
    return requestAck(this.socket, event, payload, { words: REQUEST_WORDS });
  }

  get clock() {
    return this.timeSync.estimate;
  }

  /** Leaves the room on the server (best effort), then closes the socket. */
  async leave() {
    if (this.socket.connected && this.joined) await this.emit("leave", {});
    this.close();
  }

  close() {
    this.closed = true;
    this.timeSync.stop();
    this.socket.disconnect();
  }
}
