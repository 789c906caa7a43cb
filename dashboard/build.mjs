// Builds the admin dashboard into dashboard/dist/ (served by the server at /dashboard):
// index.html, app.js (bundled ES module: socket.io-client, uPlot, our code), app.css.
// Run from anywhere: `node dashboard/build.mjs` (add --watch to rebuild on change).

import { copyFile, mkdir, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");
const watch = process.argv.includes("--watch");

const options = {
  entryPoints: { app: join(here, "src", "main.js") },
  outdir: dist,
  bundle: true,
  format: "esm",
  target: ["chrome111", "firefox115", "safari16"],
  platform: "browser",
  minify: !watch,
  sourcemap: watch ? "inline" : false,
  legalComments: "linked",
  logLevel: "warning",
  define: { "process.env.NODE_ENV": '"production"' },
};

async function main() {
  await rm(dist, { recursive: true, force: true });
  await mkdir(dist, { recursive: true });
  await copyFile(join(here, "index.html"), join(dist, "index.html"));
  if (watch) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
    console.log(`watching; building into ${dist}`);
    return;
  }
  await esbuild.build(options);
  console.log(`built ${dist}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
