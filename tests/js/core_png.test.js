import assert from "node:assert/strict";
import { test } from "node:test";
import { crc32 as zlibCrc32, inflateSync } from "node:zlib";

import { crc32, encodePng } from "../../clients/tools/png.mjs";

function chunks(png) {
  const out = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.toString("ascii", at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    out.push({ type, data, crc: png.readUInt32BE(at + 8 + length), body: png.subarray(at + 4, at + 8 + length) });
    at += 12 + length;
  }
  return out;
}

test("the CRC-32 is the standard one (PNG chunks and ZIP entries share it)", () => {
  assert.equal(crc32(Buffer.from("123456789")), 0xcbf43926);
  if (typeof zlibCrc32 === "function") assert.equal(crc32(Buffer.from("ShareTube")), zlibCrc32(Buffer.from("ShareTube")));
});

test("a PNG decodes back to the pixels it was given", () => {
  const rgba = Buffer.from([255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 0, 9, 9, 9, 9, 1, 2, 3, 4, 5, 6, 7, 8]);
  const png = encodePng(3, 2, rgba);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const parts = chunks(png);
  assert.deepEqual(parts.map((c) => c.type), ["IHDR", "IDAT", "IEND"]);
  for (const part of parts) assert.equal(part.crc, crc32(part.body), `${part.type} checksum`);
  const ihdr = parts[0].data;
  assert.deepEqual([ihdr.readUInt32BE(0), ihdr.readUInt32BE(4), ...ihdr.subarray(8)], [3, 2, 8, 6, 0, 0, 0]);
  const raw = inflateSync(parts[1].data);
  assert.equal(raw.length, 2 * (3 * 4 + 1));
  assert.deepEqual([raw[0], raw[13]], [0, 0], "filter byte 'none' on each row");
  assert.deepEqual(Buffer.concat([raw.subarray(1, 13), raw.subarray(14)]), rgba);
  assert.throws(() => encodePng(2, 2, Buffer.alloc(3)), RangeError);
});
