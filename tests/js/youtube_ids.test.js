import assert from "node:assert/strict";
import { test } from "node:test";

import {
  findVideoLinks,
  parseStartMs,
  parseVideoInput,
  parseYouTubeUrl,
  watchUrl,
} from "../../extension/src/lib/youtube_ids.js";

const ID = "dQw4w9WgXcQ";

const GOOD = [
  [`https://www.youtube.com/watch?v=${ID}`, 0],
  [`http://www.youtube.com/watch?v=${ID}`, 0],
  [`https://youtube.com/watch?v=${ID}&list=PL123&index=2`, 0],
  [`https://m.youtube.com/watch?v=${ID}`, 0],
  [`https://music.youtube.com/watch?v=${ID}&feature=share`, 0],
  [`https://www.youtube.com/watch?feature=share&v=${ID}&t=90`, 90_000],
  [`https://www.youtube.com/watch?v=${ID}&t=1m30s`, 90_000],
  [`https://www.youtube.com/watch?v=${ID}&t=1h2m3s`, 3_723_000],
  [`https://www.youtube.com/watch?v=${ID}#t=45`, 45_000],
  [`https://www.youtube.com/watch?v=${ID}&start=12`, 12_000],
  [`https://youtu.be/${ID}`, 0],
  [`https://youtu.be/${ID}?t=42`, 42_000],
  [`https://youtu.be/${ID}?si=abcDEF&t=2m`, 120_000],
  [`https://www.youtube.com/shorts/${ID}`, 0],
  [`https://youtube.com/shorts/${ID}?feature=share`, 0],
  [`https://www.youtube.com/embed/${ID}?start=30`, 30_000],
  [`https://www.youtube-nocookie.com/embed/${ID}`, 0],
  [`https://www.youtube.com/live/${ID}?si=x`, 0],
  [`https://www.youtube.com/v/${ID}`, 0],
  [`https://WWW.YOUTUBE.COM/watch?v=${ID}`, 0],
  [`youtube.com/watch?v=${ID}`, 0],
  [`www.youtube.com/watch?v=${ID}&t=5s`, 5_000],
  [`youtu.be/${ID}`, 0],
  [`  https://youtu.be/${ID}  `, 0],
];

const BAD = [
  "",
  "   ",
  "hello world",
  ID.slice(0, 10),
  `https://www.youtube.com/watch?v=${ID.slice(0, 10)}`,
  `https://www.youtube.com/watch?v=${ID}x`,
  `https://www.youtube.com/watch?v=dQw4w9WgX$Q`,
  "https://www.youtube.com/watch",
  "https://www.youtube.com/",
  "https://www.youtube.com/playlist?list=PL1234567890",
  "https://www.youtube.com/@SomeChannel",
  "https://www.youtube.com/channel/UC1234567890",
  `https://youtube.com.evil.example/watch?v=${ID}`,
  `https://evilyoutube.com/watch?v=${ID}`,
  `https://www.youtube.com@evil.example/watch?v=${ID}`,
  `https://user:pass@www.youtube.com/watch?v=${ID}`,
  `https://www.youtube.com:8443/watch?v=${ID}`,
  `javascript:alert(1)//youtube.com/watch?v=${ID}`,
  `ftp://www.youtube.com/watch?v=${ID}`,
  `data:text/html,https://youtu.be/${ID}`,
  `https://vimeo.com/${ID}`,
  `https://youtu.be/${ID}/extra`,
  `https://youtu.be/`,
  `https://www.youtube-nocookie.com/watch?v=${ID}`,
  `https://www.youtube.com/shorts/`,
  `https://www.youtube.com/watch?v=${ID}\u200b`,
  `https://www.yоutube.com/watch?v=${ID}`, // Cyrillic "о"
  `https://www.youtube.com/watch?v= ${ID}`,
  `https://www.youtube.com/embed/${ID}/more`,
  `https://${"a".repeat(2_100)}.youtube.com/watch?v=${ID}`,
  null,
  42,
];

test("every YouTube link form gives the video id and its start time", () => {
  for (const [url, startMs] of GOOD) {
    assert.deepEqual(parseYouTubeUrl(url), { videoId: ID, startMs }, url);
  }
});

test(`${BAD.length} things that are not YouTube video links are refused`, () => {
  assert.ok(BAD.length >= 20);
  for (const text of BAD) assert.equal(parseYouTubeUrl(text), null, String(text));
});

test("'add a video' also takes a bare 11-character id", () => {
  assert.deepEqual(parseVideoInput(` ${ID} `), { videoId: ID, startMs: 0 });
  assert.equal(parseVideoInput("not-an-id"), null);
});

test("start times in their written forms", () => {
  assert.equal(parseStartMs("90"), 90_000);
  assert.equal(parseStartMs("90s"), 90_000);
  assert.equal(parseStartMs("2m"), 120_000);
  assert.equal(parseStartMs("1h"), 3_600_000);
  assert.equal(parseStartMs("12.5"), 12_000);
  assert.equal(parseStartMs("soon"), 0);
});

test("links inside a chat line are found, with punctuation around them removed", () => {
  const text = `watch this (https://youtu.be/${ID}?t=10), and https://www.youtube.com/watch?v=aaaaaaaaaaa! ` +
    `again https://youtu.be/${ID} but not https://evil.example/watch?v=bbbbbbbbbbb`;
  const found = findVideoLinks(text);
  assert.deepEqual(found.map((link) => [link.videoId, link.startMs]), [[ID, 10_000], ["aaaaaaaaaaa", 0]]);
  assert.deepEqual(findVideoLinks("no links here"), []);
});

test("the tab is sent to the canonical watch page, with the start in seconds", () => {
  assert.equal(watchUrl(ID), `https://www.youtube.com/watch?v=${ID}`);
  assert.equal(watchUrl(ID, 61_500), `https://www.youtube.com/watch?v=${ID}&t=61s`);
});
