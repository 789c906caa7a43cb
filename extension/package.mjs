// Zips a built extension into a versioned package: ShareTube-extension-<version>.zip.
//
//   node extension/package.mjs [--dist DIR] [--out DIR]
//
// --dist is the build to pack (default extension/dist), --out where the zip goes (default
// extension/). Older ShareTube-extension-*.zip files in --out are removed, so the server's
// homepage offers exactly one package: the one built for it (RESTART.sh puts it in the instance
// folder). `npm run package` builds and packs for $BACKEND_BASE_URL.

import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

import { buildZip } from "./tools/zip.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const PACKAGE_NAME = /^ShareTube-extension(-[0-9A-Za-z.+-]+)?\.zip$/;

async function listFiles(dir) {
  const found = [];
  for (const name of (await readdir(dir)).sort()) {
    const path = join(dir, name);
    if ((await stat(path)).isDirectory()) found.push(...(await listFiles(path)));
    else found.push(path);
  }
  return found;
}

const { values } = parseArgs({ options: { dist: { type: "string" }, out: { type: "string" } } });
const dist = values.dist ? resolve(values.dist) : join(here, "dist");
const outDir = values.out ? resolve(values.out) : here;

const paths = await listFiles(dist).catch(() => []);
const manifestPath = paths.find((path) => relative(dist, path) === "manifest.json");
if (!manifestPath) {
  console.error(`${dist} has no manifest.json: build the extension first (node extension/build.mjs)`);
  process.exit(1);
}
const manifest = JSON.parse(await readFile(manifestPath, "utf8"));
const files = await Promise.all(
  paths.map(async (path) => ({ name: relative(dist, path).split("\\").join("/"), data: await readFile(path) })),
);
await mkdir(outDir, { recursive: true });
const target = join(outDir, `ShareTube-extension-${manifest.version}.zip`);
for (const name of await readdir(outDir)) {
  if (PACKAGE_NAME.test(name) && join(outDir, name) !== target) await rm(join(outDir, name), { force: true });
}
await writeFile(`${target}.tmp`, buildZip(files));
await rename(`${target}.tmp`, target); // the server never serves a half-written zip
console.log(`wrote ${target} (${files.length} files, for ${manifest.host_permissions.filter((p) => !p.includes("youtube.com")).join(" ")})`);
