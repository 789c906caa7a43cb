import assert from "node:assert/strict";
import { test } from "node:test";

import { ACK_TIMEOUT_MS } from "../../clients/core/constants.js";
import { connectRefusal, requestAck } from "../../clients/core/socket_request.js";

/** A socket.io-client Socket as far as requestAck uses it; `answer(event, data)` plays the server. */
function fakeSocket(answer, { connected = true } = {}) {
  const sent = [];
  return {
    connected,
    sent,
    timeout(ms) {
      return {
        emitWithAck: async (event, data) => {
          sent.push({ event, data, ms });
          return answer(event, data);
        },
      };
    },
  };
}

test("an answered request resolves to the server's ack, with the ack timeout applied", async () => {
  const socket = fakeSocket((event, data) => ({ ok: true, echo: [event, data] }));
  assert.deepEqual(await requestAck(socket, "seek", { position_ms: 5 }), { ok: true, echo: ["seek", { position_ms: 5 }] });
  assert.deepEqual(socket.sent, [{ event: "seek", data: { position_ms: 5 }, ms: ACK_TIMEOUT_MS }]);
  await requestAck(socket, "time.sync", {}, { timeoutMs: 3_000 });
  assert.equal(socket.sent[1].ms, 3_000);
  const refused = fakeSocket(() => ({ ok: false, error: "forbidden", message: "Only the room owner controls playback in this room" }));
  assert.equal((await requestAck(refused, "play")).error, "forbidden", "a refusal passes through unchanged");
});

test("no connection, no answer in time, or a broken answer: a failure in the ack shape, never a throw", async () => {
  const offline = fakeSocket(() => assert.fail("must not emit while disconnected"), { connected: false });
  assert.deepEqual(await requestAck(offline, "play", {}, { words: { notConnected: "Reconnecting…" } }),
    { ok: false, error: "unavailable", message: "Reconnecting…" });
  const silent = fakeSocket(() => {
    throw new Error("operation has timed out");
  });
  const late = await requestAck(silent, "play");
  assert.equal(late.ok, false);
  assert.equal(late.error, "unavailable");
  assert.match(late.message, /did not answer/);
  for (const bad of [undefined, "ok", 1, { result: 1 }]) {
    const ack = await requestAck(fakeSocket(() => bad), "play");
    assert.deepEqual([ack.ok, ack.error], [false, "internal"], JSON.stringify(bad));
  }
  assert.equal((await requestAck(null, "play")).error, "unavailable");
});

test("a refused connection is told apart from a network problem", () => {
  assert.deepEqual(connectRefusal({ message: "x", data: { error: "unauthorized", message: "Sign in again" } }),
    { error: "unauthorized", message: "Sign in again" });
  assert.deepEqual(connectRefusal({ message: "{'error': 'forbidden', 'message': 'You are not an admin'}" }),
    { error: "forbidden", message: "You are not an admin" });
  assert.equal(connectRefusal({ message: "Token revoked" }).error, "unauthorized");
  assert.equal(connectRefusal({ message: "websocket error" }), null);
  assert.equal(connectRefusal(null), null);
});
