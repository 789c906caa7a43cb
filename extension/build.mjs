// Builds the unpacked extension into extension/dist/ (what "Load unpacked" takes):
// manifest.json, background.js, content.js, presence.js, popup.{html,css,js}, icons/*.png.

import { copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import * as esbuild from "esbuild";

import { drawIcon } from "./tools/icon.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");
const ICON_SIZES = [16, 32, 48, 128];
const ENTRIES = {
  background: "src/background/index.js",
  content: "src/content/index.js",
  presence: "src/content/presence.js",
  media_session_bridge: "src/content/media_session_bridge.js", // page world (manifest)
  popup: "src/popup/popup.js",
};
const STATIC_FILES = ["static/popup.html", "static/popup.css"];

async function main() {
  const pkg = JSON.parse(await readFile(join(here, "..", "package.json"), "utf8"));
  await rm(dist, { recursive: true, force: true });
  await mkdir(join(dist, "icons"), { recursive: true });

  await esbuild.build({
    entryPoints: Object.fromEntries(
      Object.entries(ENTRIES).map(([name, path]) => [name, join(here, path)]),
    ),
    outdir: dist,
    bundle: true,
    format: "iife",
    target: ["chrome116"],
    platform: "browser",
    legalComments: "linked",
    logLevel: "warning",
    define: { "process.env.NODE_ENV": '"production"' },
  });

  const manifest = JSON.parse(await readFile(join(here, "manifest.json"), "utf8"));
  manifest.version = pkg.version;
  await writeFile(join(dist, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const file of STATIC_FILES) await copyFile(join(here, file), join(dist, file.split("/").pop()));
  for (const size of ICON_SIZES) await writeFile(join(dist, "icons", `${size}.png`), drawIcon(size));
  console.log(`built ${dist} (ShareTube ${pkg.version})`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
