// Writes homepage/static/favicon.ico (16, 32 and 48 px PNGs in one ICO container) from the
// extension's own icon drawing, so the site and the toolbar button look the same.
//   node scripts/make_favicon.mjs
/* global Buffer, console */

import { writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { drawIcon } from "../extension/tools/icon.mjs";

const SIZES = [16, 32, 48];
const target = join(dirname(fileURLToPath(import.meta.url)), "..", "homepage", "static", "favicon.ico");

/** ICO: a 6-byte header, a 16-byte entry per image, then the PNG images themselves. */
export function buildIco(images) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(images.length, 4);
  const entries = [];
  let offset = 6 + 16 * images.length;
  for (const { size, png } of images) {
    const entry = Buffer.alloc(16);
    entry.writeUInt8(size >= 256 ? 0 : size, 0);
    entry.writeUInt8(size >= 256 ? 0 : size, 1);
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += png.length;
    entries.push(entry);
  }
  return Buffer.concat([header, ...entries, ...images.map((image) => image.png)]);
}

await writeFile(target, buildIco(SIZES.map((size) => ({ size, png: drawIcon(size) }))));
console.log(`wrote ${target}`);
