// Echo suppression: a media event that the engine itself caused (it called play(), pause(),
// set currentTime or playbackRate) must not be sent back to the room as a user's command.
// The engine announces each change it makes with expect(); the adapter asks isEcho() for every
// play / pause / seek / rate event it sees. A matching expectation is used up once. Pure.

import { ECHO_SEEK_TOLERANCE_MS, RATE_EPSILON } from "../constants.js";

export const ECHO_KINDS = ["play", "pause", "seek", "rate"];

function matches(expectation, event) {
  if (expectation.kind !== event.kind) return false;
  if (event.kind === "seek") {
    return Math.abs(expectation.value - event.value) <= ECHO_SEEK_TOLERANCE_MS;
  }
  if (event.kind === "rate") return Math.abs(expectation.value - event.value) < RATE_EPSILON;
  return true;
}

export class EchoGuard {
  constructor() {
    this.pending = [];
  }

  /** The engine is about to cause `kind` (with `value`: ms for seek, rate for rate). */
  expect(kind, value, untilMs) {
    if (!ECHO_KINDS.includes(kind)) throw new Error(`unknown echo kind ${kind}`);
    this.pending.push({ kind, value: value ?? null, untilMs });
  }

  /** True (and the expectation is used up) when `event` {kind, value, atMs} is our own echo. */
  isEcho(event) {
    this.pending = this.pending.filter((expectation) => expectation.untilMs >= event.atMs);
    const index = this.pending.findIndex((expectation) => matches(expectation, event));
    if (index < 0) return false;
    this.pending.splice(index, 1);
    return true;
  }

  clear() {
    this.pending = [];
  }
}
