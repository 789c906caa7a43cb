import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

import { REACTION_EMOJI } from "../../clients/core/constants.js";
import { voteCountText } from "../../clients/core/vote_skip.js";
import { ReactionTimeline, markFractions } from "../../extension/src/lib/reaction_timeline.js";
import { entryReactions, reduceRoom, skipVotes } from "../../extension/src/lib/room_view.js";
import { RoomState } from "../../mobile_remote/src/lib/room_state.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const PYTHON = [join(ROOT, ".venv", "bin", "python"), "python3"].find((path) => path === "python3" || existsSync(path));

const r = (id, positionMs, entryId = 7) => ({ id, entry_id: entryId, position_ms: positionMs, emoji: "🔥", name: "Bob" });

test("the clients offer exactly the server's reactions", () => {
  const server = JSON.parse(execFileSync(PYTHON, ["-c",
    "import json; from server.domain.constants import REACTION_EMOJI as E; print(json.dumps(list(E)))"],
  { cwd: ROOT, encoding: "utf8" }));
  assert.deepEqual([...REACTION_EMOJI], server);
});

test("a reaction shows once as the player passes its moment, not before", () => {
  const t = new ReactionTimeline();
  const all = [r(1, 10_000), r(2, 10_500)];
  assert.deepEqual(t.advance(7, 9_900, all), [], "the first look only sets where we are");
  assert.deepEqual(t.advance(7, 9_960, all), []);
  assert.deepEqual(t.advance(7, 10_000, all).map((x) => x.id), [1], "at its moment exactly");
  assert.deepEqual(t.advance(7, 10_040, all), [], "once");
  assert.deepEqual(t.advance(7, 10_520, all).map((x) => x.id), [2]);
});

test("seeking back replays what is passed again; seeking forward shows nothing jumped over", () => {
  const t = new ReactionTimeline();
  const all = [r(1, 10_000), r(2, 30_000)];
  t.advance(7, 9_990, all);
  assert.equal(t.advance(7, 10_030, all).length, 1);
  assert.deepEqual(t.advance(7, 25_000, all), [], "a seek forward over nothing due");
  assert.deepEqual(t.advance(7, 31_000, all), [], "a jump of seconds is a seek too (30 000 skipped)");
  assert.deepEqual(t.advance(7, 9_000, all), [], "back: nothing at once");
  assert.deepEqual(t.advance(7, 9_990, all), [], "jump of under JUMP_MS but nothing crossed yet");
  assert.deepEqual(t.advance(7, 10_020, all).map((x) => x.id), [1], "replayed");
  assert.deepEqual(t.advance(7, 10_000, all), [], "a jitter of a few ms back is not a seek back");
  assert.deepEqual(t.advance(7, 10_060, all), [], "and replays nothing");
});

test("a live reaction just behind the player shows at once; an old one waits for a replay", () => {
  const t = new ReactionTimeline();
  t.advance(7, 12_000, []);
  t.advance(7, 12_040, []);
  assert.deepEqual(t.arrive(r(5, 12_010), 12_040).map((x) => x.id), [5]);
  assert.deepEqual(t.arrive(r(5, 12_010), 12_040), [], "once");
  assert.deepEqual(t.arrive(r(6, 5_000), 12_040), [], "too old");
  assert.deepEqual(t.arrive(r(7, 12_500), 12_040), [], "ahead: due when the player gets there");
  assert.deepEqual(t.advance(7, 12_520, [r(7, 12_500)]).map((x) => x.id), [7]);
  assert.deepEqual(t.arrive(r(8, 12_510, 99), 12_520), [], "another entry's");
});

test("a new entry starts over", () => {
  const t = new ReactionTimeline();
  t.advance(7, 1_000, [r(1, 1_010)]);
  assert.equal(t.advance(7, 1_050, [r(1, 1_010)]).length, 1);
  assert.deepEqual(t.advance(8, 1_020, [r(1, 1_010, 8)]), [], "the first look at the new entry");
  assert.equal(t.advance(8, 1_060, [r(2, 1_040, 8)]).length, 1);
});

test("marks sit at their share of the duration", () => {
  assert.deepEqual(markFractions([r(1, 15_000), r(2, 90_000)], 60_000).map((m) => m.fraction), [0.25, 1]);
  assert.deepEqual(markFractions([r(1, 1)], 0), []);
});

const ROOM = {
  code: "ab12cd", owner_id: 1, settings: { control_mode: "owner_only" }, queue: [], members: [], chat: [],
  playback: { state: "playing", entry_id: 7, video_id: "aaaaaaaaaa1", version: 3, skip_votes: [] },
  vote: { entry_id: 7, votes: 0, needed: 2, watching: 3, voters: [] }, reactions: [r(1, 500)],
};

test("the overlay's view folds vote.state and reactions, for the playing entry only", () => {
  let view = reduceRoom(null, { type: "room", payload: ROOM });
  assert.deepEqual(skipVotes(view, 2), { votes: 0, needed: 2, voted: false });
  view = reduceRoom(view, { type: "vote.state", payload: { entry_id: 7, votes: 1, needed: 2, watching: 3, voters: [2] } });
  assert.deepEqual(skipVotes(view, 2), { votes: 1, needed: 2, voted: true });
  assert.deepEqual(skipVotes(view, 3), { votes: 1, needed: 2, voted: false });
  view = reduceRoom(view, { type: "reaction", payload: r(2, 900) });
  assert.equal(reduceRoom(view, { type: "reaction", payload: r(2, 900) }), view, "a reaction seen twice (own ack, broadcast)");
  assert.deepEqual(entryReactions(view).map((x) => x.id), [1, 2]);
  view = reduceRoom(view, { type: "room.playback", payload: { ...ROOM.playback, entry_id: 8, version: 4 } });
  assert.deepEqual(entryReactions(view), [], "the next entry has none yet");
  assert.equal(skipVotes(view, 2).votes, 0, "votes of the previous entry do not count");
  view = reduceRoom(view, { type: "reaction", payload: r(3, 100, 8) });
  assert.deepEqual(view.reactions.map((x) => x.id), [3], "the previous entry's are dropped");
});

test("the remote's state folds votes the same way", () => {
  const state = new RoomState();
  state.setRoom(ROOM, { userId: 2, role: "participant" });
  assert.deepEqual(state.skipVotes(), { votes: 0, needed: 2, voted: false });
  assert.equal(state.applyVote({ entry_id: 7, votes: 1, needed: 2, voters: [2] }), true);
  assert.deepEqual(state.skipVotes(), { votes: 1, needed: 2, voted: true });
  assert.equal(state.applyVote(null), false);
  state.applyPlayback({ ...ROOM.playback, entry_id: 8, version: 4 });
  assert.deepEqual(state.skipVotes(), { votes: 0, needed: null, voted: false });
});

test("the count reads the same in every client, and says nothing before the first vote", () => {
  assert.equal(voteCountText({ votes: 1, needed: 2, voted: true }), "1 / 2 votes to skip");
  assert.equal(voteCountText({ votes: 2, needed: null, voted: false }), "2 votes to skip");
  assert.equal(voteCountText({ votes: 0, needed: 2, voted: false }), "");
  assert.equal(voteCountText(null), "");
});
