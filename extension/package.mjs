// Zips the built extension (extension/dist/) into extension/ShareTube-extension.zip for the
// Chrome Web Store. Run `npm run package` (it builds first).

import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

import { buildZip } from "./tools/zip.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");
const target = join(here, "ShareTube-extension.zip");

async function listFiles(dir) {
  const found = [];
  for (const name of (await readdir(dir)).sort()) {
    const path = join(dir, name);
    if ((await stat(path)).isDirectory()) found.push(...(await listFiles(path)));
    else found.push(path);
  }
  return found;
}

const paths = await listFiles(dist);
if (!paths.some((path) => path.endsWith("manifest.json"))) {
  console.error("extension/dist has no manifest.json: run `npm run build` first");
  process.exit(1);
}
const files = await Promise.all(
  paths.map(async (path) => ({ name: relative(dist, path).split("\\").join("/"), data: await readFile(path) })),
);
await writeFile(target, buildZip(files));
console.log(`wrote ${target} (${files.length} files)`);
