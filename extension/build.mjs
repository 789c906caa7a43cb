// Builds the unpacked extension (what "Load unpacked" takes): manifest.json, background.js,
// content.js, presence.js, popup.{html,css,js}, icons/*.png.
//
//   node extension/build.mjs [--server URL] [--out DIR]
//
// The build is made for one ShareTube server (--server, else $BACKEND_BASE_URL, else
// http://127.0.0.1:5077): it becomes the popup's default server, a host permission and the
// match of the presence script (which tells that server's join page the extension is here).
// Other servers stay reachable through the popup's Server box (optional host permission).
// --out defaults to extension/dist.

import { copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

import * as esbuild from "esbuild";

import { drawIcon } from "./tools/icon.mjs";
import { serverOrigins } from "./tools/server_origin.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const FALLBACK_SERVER = "http://127.0.0.1:5077";
const ICON_SIZES = [16, 32, 48, 128];
const ENTRIES = {
  background: "src/background/index.js",
  content: "src/content/index.js",
  presence: "src/content/presence.js",
  media_session_bridge: "src/content/media_session_bridge.js", // page world (manifest)
  popup: "src/popup/popup.js",
};
const STATIC_FILES = ["static/popup.html", "static/popup.css"];

/** The manifest for a server: its origins become host permissions and the presence matches. */
export function manifestFor(template, version, origins) {
  const manifest = structuredClone(template);
  manifest.version = version;
  const patterns = origins.map((origin) => `${origin}/*`);
  manifest.host_permissions = [
    ...manifest.host_permissions.filter((pattern) => pattern.startsWith("https://www.youtube.com/")),
    ...patterns,
  ];
  for (const script of manifest.content_scripts) {
    if (script.js.includes("presence.js")) script.matches = patterns;
  }
  return manifest;
}

async function main() {
  const { values } = parseArgs({ options: { server: { type: "string" }, out: { type: "string" } } });
  const raw = values.server || process.env.BACKEND_BASE_URL || FALLBACK_SERVER;
  const { server, origins } = serverOrigins(raw);
  const dist = values.out ? resolve(values.out) : join(here, "dist");
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
    define: {
      "process.env.NODE_ENV": '"production"',
      __SHARETUBE_DEFAULT_SERVER__: JSON.stringify(server),
      __SHARETUBE_DEFAULT_ORIGINS__: JSON.stringify(origins),
    },
  });

  const template = JSON.parse(await readFile(join(here, "manifest.json"), "utf8"));
  const manifest = manifestFor(template, pkg.version, origins);
  await writeFile(join(dist, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const file of STATIC_FILES) await copyFile(join(here, file), join(dist, file.split("/").pop()));
  for (const size of ICON_SIZES) await writeFile(join(dist, "icons", `${size}.png`), drawIcon(size));
  console.log(`built ${dist} (ShareTube ${pkg.version} for ${server})`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error.message || error);
    process.exit(1);
  });
}
