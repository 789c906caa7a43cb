// Builds the phone remote into mobile_remote/dist/ (served by the server at /mobile-remote):
// index.html, app.js (bundled with socket.io-client), app.css, manifest.webmanifest, icons/.
// Runs standalone: `node mobile_remote/build.mjs` (esbuild from the repo's node_modules).

import { copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import * as esbuild from "esbuild";

import { drawIcon } from "./tools/icon_png.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");

async function main() {
  await rm(dist, { recursive: true, force: true });
  await mkdir(join(dist, "icons"), { recursive: true });
  await esbuild.build({
    entryPoints: { app: join(here, "src", "main.js") },
    outdir: dist,
    bundle: true,
    format: "esm",
    target: ["chrome100", "safari15", "firefox100"],
    platform: "browser",
    minify: true,
    sourcemap: "linked",
    legalComments: "linked",
    logLevel: "warning",
    define: { "process.env.NODE_ENV": '"production"' },
  });
  await esbuild.build({
    entryPoints: { app: join(here, "src", "app.css") },
    outdir: dist,
    bundle: true,
    minify: true,
    target: ["chrome100", "safari15"],
    logLevel: "warning",
  });
  await copyFile(join(here, "static", "index.html"), join(dist, "index.html"));
  await copyFile(join(here, "static", "icon.svg"), join(dist, "icons", "icon.svg"));
  const manifest = JSON.parse(await readFile(join(here, "static", "manifest.template.json"), "utf8"));
  await writeFile(join(dist, "manifest.webmanifest"), `${JSON.stringify(manifest, null, 2)}\n`);
  await writeFile(join(dist, "icons", "icon-192.png"), drawIcon(192));
  await writeFile(join(dist, "icons", "icon-512.png"), drawIcon(512));
  await writeFile(join(dist, "icons", "icon-maskable-512.png"), drawIcon(512, { maskable: true }));
  console.log(`built ${dist}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
