// The sync loop and the player's rate (extension/src/content/sync_loop.js), with a stand-in
// <video> and page: a `ratechange` is a task of its own, queued when the rate is set, so the
// loop's tick can run between a person's speed key and the event that tells of it. Whatever runs
// first, the person's press becomes the room's rate and is not put back; a rate nobody pressed
// for still is. (A browser test cannot pick that order; here each order is taken in turn.)

import assert from "node:assert/strict";
import { test } from "node:test";

import { expectedPositionMs } from "../../clients/core/room_position.js";
import { SyncLoop } from "../../extension/src/content/sync_loop.js";

const VIDEO_ID = "stRateRace1";

function page({ rate = 1.25 } = {}) {
  const emitted = [];
  const video = { currentTime: 10, paused: false, playbackRate: rate, seeking: false, readyState: 4, ended: false };
  const room = {
    playback: {
      state: "playing", entry_id: 1, video_id: VIDEO_ID, position_ms: 10_000, anchor_ms: Date.now(),
      rate, version: 3, duration_ms: 60_000,
    },
    settings: {},
  };
  const person = { acting: false };
  const adapter = {
    video,
    videoId: VIDEO_ID,
    videoState: () => ({
      currentTimeMs: video.currentTime * 1000, paused: video.paused, playbackRate: video.playbackRate,
      seeking: video.seeking, readyState: video.readyState, ended: video.ended, durationMs: 60_000, adActive: false,
    }),
    suppressAutonav() {},
    msSinceBound: () => 60_000,
    userIsActing: () => person.acting,
    adActive: () => false,
    adReasons: () => [],
    metadata: () => ({ durationMs: 60_000 }),
  };
  const transport = {
    emit(event, payload) {
      emitted.push({ event, payload });
      return new Promise(() => {}); // the answer never comes: a command stays in flight
    },
  };
  const loop = new SyncLoop({
    adapter, transport, getView: () => room, getSelfId: () => 7,
    onPlayback() {}, onBlocked() {}, onNotice() {},
  });
  const tick = () => {
    // the video is where the room is (no drift to correct)
    video.currentTime = expectedPositionMs(room.playback, Date.now()) / 1000;
    loop.tick();
  };
  const rateCommands = () => emitted.filter((message) => message.event === "rate").map((message) => message.payload.rate);
  return { loop, video, room, person, adapter, tick, rateCommands };
}

test("a speed key whose ratechange comes after a tick is still the person's: sent, not put back", () => {
  const { loop, video, person, tick, rateCommands } = page();
  tick(); // steady: the room's rate, 1.25
  person.acting = true;
  video.playbackRate = 1.5; // YouTube's Shift+. ; its ratechange is queued, not yet run
  tick(); // a tick runs first
  assert.equal(video.playbackRate, 1.5, "the tick put the room's rate back over the person's press");
  assert.deepEqual(rateCommands(), [1.5]);
  loop.onMediaEvent("ratechange", video); // the event, late: already accounted for
  tick();
  assert.deepEqual(rateCommands(), [1.5], "one press, one command");
  assert.equal(loop.commands.queued.size, 0);
  assert.equal(video.playbackRate, 1.5, "hands off while the command is on its way");
  loop.stop();
});

test("a speed key whose ratechange comes first is the person's too (the usual order)", () => {
  const { loop, video, person, tick, rateCommands } = page();
  tick();
  person.acting = true;
  video.playbackRate = 1.5;
  loop.onMediaEvent("ratechange", video);
  tick();
  assert.deepEqual(rateCommands(), [1.5]);
  assert.equal(video.playbackRate, 1.5);
  loop.stop();
});

test("a rate nobody pressed for is put back, whichever runs first, and sends nothing", () => {
  for (const eventFirst of [false, true]) {
    const { loop, video, tick, rateCommands } = page();
    tick();
    video.playbackRate = 2; // another extension, or the page restoring its own speed
    if (eventFirst) loop.onMediaEvent("ratechange", video);
    tick();
    assert.equal(video.playbackRate, 1.25, `eventFirst=${eventFirst}`);
    loop.onMediaEvent("ratechange", video); // the event of the change (or of ours putting it back)
    loop.onMediaEvent("ratechange", video);
    tick();
    assert.equal(video.playbackRate, 1.25);
    assert.deepEqual(rateCommands(), [], `eventFirst=${eventFirst}`);
    loop.stop();
  }
});

test("the loop's own nudge is not a command, even when its ratechange comes late", () => {
  const { loop, video, room, person, rateCommands } = page();
  video.currentTime = (expectedPositionMs(room.playback, Date.now()) + 400) / 1000; // 400 ms ahead
  loop.tick();
  assert.ok(video.playbackRate < 1.25, `nudged: ${video.playbackRate}`);
  person.acting = true; // the person happens to be using the page
  loop.onMediaEvent("ratechange", video);
  loop.engine.echoes.clear(); // an echo that came too late to be expected any more
  loop.onMediaEvent("ratechange", video);
  assert.deepEqual(rateCommands(), []);
  loop.stop();
});

test("steering another video and coming back does not take the page's speed for a press", () => {
  const { loop, video, adapter, person, tick, rateCommands } = page();
  tick();
  adapter.videoId = "stOtherVid1"; // the tab shows another video: the loop lets it be
  tick();
  video.playbackRate = 1; // the person's speed there (YouTube keeps it across videos)
  person.acting = true; // ... and a click brings the room's video back
  adapter.videoId = VIDEO_ID;
  tick();
  assert.deepEqual(rateCommands(), [], "a click on a link is not a speed key");
  assert.equal(video.playbackRate, 1.25, "the room's rate on the room's video");
  loop.stop();
});
