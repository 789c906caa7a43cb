// People's input never lost: what each input (as YouTube applied it to the <video>) becomes
// in the room, in quick succession, during holds and corrections. The last input wins.
import assert from "node:assert/strict";
import { test } from "node:test";

import { COMMAND_ACK_TIMEOUT_MS, SEEK_SETTLE_MS } from "../../extension/src/constants.js";
import { UserCommands } from "../../extension/src/lib/user_commands.js";

const PLAYING = { playing: true, holding: false, rate: 1 };
const PAUSED = { playing: false, holding: false, rate: 1 };
const HOLDING = { playing: true, holding: true, rate: 1 }; // scheduled start: video held paused
const MIDROLL = { playing: false, holding: false, rate: 1 }; // starting / midroll / paused rooms

const v = (positionMs, paused = false, rate = 1) => ({ positionMs, paused, rate });

/**
 * Runs a script of steps against UserCommands with a fake room that answers each command
 * `rttMs` after it was sent. Returns the commands in the order the room received them.
 * step: {at, input: [kind, video, view]} | {at, tick: video} (the 250 ms loop / seeked)
 */
function run(steps, { rttMs = 50, refuse = false } = {}) {
  const commands = new UserCommands();
  const sent = [];
  let inFlight = null; // {answerAt, command}
  const events = [...steps].sort((a, b) => a.at - b.at);
  let lastVideo = v(0);
  for (let now = 0; now <= 5_000; now += 5) {
    if (inFlight && now >= inFlight.answerAt) {
      commands.answered(inFlight.command, !refuse);
      inFlight = null;
    }
    for (const step of events.filter((s) => s.at === now)) {
      if (step.input) {
        const [kind, video, view] = step.input;
        lastVideo = video;
        step.result = commands.input(kind, video, view, now);
      }
      if (step.tick) lastVideo = step.tick;
    }
    commands.poll(lastVideo, now, false);
    const next = commands.take(now);
    if (next) {
      sent.push(next);
      inFlight = { answerAt: now + rttMs, command: next };
    }
  }
  return { sent, commands };
}

const events = (sent) => sent.map((c) => c.event);

for (const gap of [100, 300, 600]) {
  test(`seek then pause ${gap} ms later: the room ends paused at the seek target`, () => {
    const { sent, commands } = run([
      { at: 0, input: ["seek", v(20_000), PLAYING] },
      { at: gap, input: ["pause", v(20_000 + gap, true), PLAYING] },
    ]);
    const last = sent.at(-1);
    assert.ok(last.event === "pause" || (last.event === "seek" && last.payload.play === false), JSON.stringify(sent));
    if (last.event === "seek") assert.equal(last.payload.position_ms, 20_000 + gap);
    assert.ok(sent.some((c) => c.event === "seek"), "the seek is not lost either");
    assert.equal(commands.busy(5_000), false);
  });
}

test("seek then pause within the settle time becomes ONE seek with play: false", () => {
  const { sent } = run([
    { at: 0, input: ["seek", v(20_000), PLAYING] },
    { at: SEEK_SETTLE_MS - 50, input: ["pause", v(20_000, true), PLAYING] },
  ]);
  assert.deepEqual(sent, [{ event: "seek", payload: { position_ms: 20_000, play: false } }]);
});

test("scrubbing: many seeks while dragging become one seek to where the drag ended", () => {
  const steps = [];
  for (let i = 0; i < 12; i += 1) steps.push({ at: i * 40, input: ["seek", v(5_000 + i * 1_000), PLAYING] });
  const { sent } = run(steps);
  assert.deepEqual(sent, [{ event: "seek", payload: { position_ms: 16_000, play: true } }]);
});

test("a pause while a seek is in flight is sent after its answer, not at the same time", () => {
  const { sent } = run([
    { at: 0, input: ["seek", v(20_000), PLAYING] },
    { at: SEEK_SETTLE_MS + 20, input: ["pause", v(20_030, true), PLAYING] },
  ], { rttMs: 200 });
  assert.deepEqual(events(sent), ["seek", "pause"]);
});

test("double-click on a playing video (pause, play): the room ends playing", () => {
  const { sent } = run([
    { at: 0, input: ["pause", v(9_000, true), PLAYING] },
    { at: 120, input: ["play", v(9_000), PAUSED] },
  ], { rttMs: 200 });
  assert.deepEqual(events(sent), ["pause", "play"]);
});

test("double-click faster than one round trip: only the latest intent waits in the queue", () => {
  const { sent } = run([
    { at: 0, input: ["pause", v(9_000, true), PLAYING] },
    { at: 50, input: ["play", v(9_000), PAUSED] },
    { at: 100, input: ["pause", v(9_000, true), PAUSED] },
  ], { rttMs: 300 });
  assert.deepEqual(events(sent), ["pause", "pause"], "the queued play was replaced by the last pause");
});

test("play on a paused room: sent, and the video waits paused for the room's start", () => {
  const { sent, commands } = run([{ at: 0, input: ["play", v(4_000), PAUSED] }]);
  assert.deepEqual(sent, [{ event: "play", payload: {} }]);
  const again = new UserCommands();
  assert.deepEqual(again.input("play", v(4_000), PAUSED, 0), { keepPaused: true });
  assert.equal(commands.busy(5_000), false);
});

test("play during a hold (starting, midroll): the room is asked to play once the hold ends", () => {
  const commands = new UserCommands();
  assert.deepEqual(commands.input("play", v(0), MIDROLL, 0), { keepPaused: true });
  assert.deepEqual(commands.take(0), { event: "play", payload: {} });
});

test("a toggle during a scheduled start (the video held paused by the extension) pauses the room", () => {
  const commands = new UserCommands();
  assert.deepEqual(commands.input("play", v(7_000), HOLDING, 0), { keepPaused: true });
  assert.deepEqual(commands.take(0), { event: "pause", payload: {} });
});

test("pause during a scheduled start (the video still playing) pauses the room at the video's position", () => {
  const commands = new UserCommands();
  commands.input("pause", v(7_020, true), { ...HOLDING, holding: false }, 0);
  assert.deepEqual(commands.take(0), { event: "pause", payload: { position_ms: 7_020 } });
});

test("play then toggle again while our play is in flight: the second is a pause (last input wins)", () => {
  const { sent } = run([
    { at: 0, input: ["play", v(4_000), PAUSED] },
    { at: 80, input: ["play", v(4_000), { ...PAUSED, holding: true }] },
  ], { rttMs: 200 });
  assert.deepEqual(events(sent), ["play", "pause"]);
});

test("a seek while held for a scheduled start keeps the room playing", () => {
  const { sent } = run([{ at: 0, input: ["seek", v(12_000, true), HOLDING] }]);
  assert.deepEqual(sent, [{ event: "seek", payload: { position_ms: 12_000, play: true } }]);
});

test("a seek on a paused room stays paused", () => {
  const { sent } = run([{ at: 0, input: ["seek", v(12_000, true), PAUSED] }]);
  assert.deepEqual(sent, [{ event: "seek", payload: { position_ms: 12_000, play: false } }]);
});

test("rate from the speed menu or < > becomes a rate command; back to the room's rate cancels it", () => {
  const { sent } = run([{ at: 0, input: ["rate", v(1_000, false, 1.5), PLAYING] }]);
  assert.deepEqual(sent, [{ event: "rate", payload: { rate: 1.5 } }]);
  const commands = new UserCommands();
  commands.input("rate", v(1_000, false, 1), PLAYING, 0);
  assert.equal(commands.take(0), null, "the room's own rate: nothing to send");
});

test("a pause on a paused room or a play on a playing room sends nothing", () => {
  const commands = new UserCommands();
  commands.input("pause", v(0, true), PAUSED, 0);
  commands.input("play", v(0), PLAYING, 0);
  assert.equal(commands.take(0), null);
  assert.equal(commands.busy(0), false);
});

test("while input is settling, queued or in flight the engine keeps its hands off (busy)", () => {
  const commands = new UserCommands();
  commands.input("seek", v(3_000), PLAYING, 0);
  assert.equal(commands.busy(10), true, "settling");
  commands.poll(v(3_000), SEEK_SETTLE_MS + 1, false);
  assert.equal(commands.busy(SEEK_SETTLE_MS + 1), true, "queued");
  commands.take(SEEK_SETTLE_MS + 1);
  assert.equal(commands.busy(SEEK_SETTLE_MS + 2), true, "in flight");
  assert.equal(commands.busy(SEEK_SETTLE_MS + COMMAND_ACK_TIMEOUT_MS + 10), false, "an answer that never comes stops blocking");
});

test("a late answer to a command that timed out does not free the next one's slot", () => {
  const commands = new UserCommands();
  commands.input("pause", v(1_000, true), PLAYING, 0);
  const first = commands.take(0);
  commands.input("play", v(1_000), PAUSED, 10);
  const second = commands.take(COMMAND_ACK_TIMEOUT_MS + 100); // the first timed out
  assert.equal(second.event, "play");
  commands.answered(first, true); // ... and answers now
  commands.input("pause", v(1_100, true), PAUSED, COMMAND_ACK_TIMEOUT_MS + 200);
  assert.equal(commands.take(COMMAND_ACK_TIMEOUT_MS + 200), null, "the play is still in flight");
  commands.answered(second, true);
  assert.equal(commands.take(COMMAND_ACK_TIMEOUT_MS + 300).event, "pause");
});

test("a seek still moving (seeking) does not settle", () => {
  const commands = new UserCommands();
  commands.input("seek", v(3_000), PLAYING, 0);
  commands.poll(v(3_000), 1_000, true);
  assert.equal(commands.take(1_000), null);
});

test("a refused command drops what was queued: the engine snaps back to the room", () => {
  const { sent, commands } = run([
    { at: 0, input: ["pause", v(9_000, true), PLAYING] },
    { at: 20, input: ["seek", v(15_000, true), PLAYING] },
    { at: 30, input: ["rate", v(15_000, true, 2), PLAYING] },
  ], { rttMs: 400, refuse: true });
  assert.deepEqual(events(sent), ["pause"], JSON.stringify(sent));
  assert.equal(commands.busy(5_000), false);
});
