// The overlay's CSS, inside its shadow root: YouTube's styles and ours never mix.

import { REACTION_FLOAT_MS } from "../../constants.js";

// Colours are variables: YouTube's light theme by default, its dark theme (YouTube sets `dark`
// on <html>; overlay.js mirrors it as data-theme="dark" on the host) below. Text colours keep
// a contrast of at least 4.5:1 on their backgrounds in both (axe-core checks it in the tests).
export const OVERLAY_CSS = `
:host { all: initial;
  --st-bg: #ffffff; --st-fg: #0f0f0f; --st-muted: #5f5f5f; --st-border: #c6c6c6; --st-soft: #e5e5e5;
  --st-button: #ffffff; --st-button-hover: #f2f2f2; --st-accent: #c4221c; --st-accent-hover: #a51a15;
  --st-on-accent: #ffffff; --st-link: #065fd4; --st-focus: #065fd4; --st-tag: #ececec;
  --st-current: #fdecea; --st-notice: #fff4e5; --st-notice-border: #f0b46a; --st-banner: #e8f0fe;
  --st-banner-border: #8ab4f8; --st-dialog: #fafafa; --st-warning: #fce8e6; --st-warning-fg: #a50e0e;
  --st-warning-border: #d93025; --st-input: #ffffff; --st-shadow: rgba(0,0,0,.35); }
:host([data-theme="dark"]) {
  --st-bg: #282828; --st-fg: #f1f1f1; --st-muted: #aaaaaa; --st-border: #5c5c5c; --st-soft: #3d3d3d;
  --st-button: #303030; --st-button-hover: #3d3d3d; --st-accent: #cc0000; --st-accent-hover: #a80000;
  --st-on-accent: #ffffff; --st-link: #3ea6ff; --st-focus: #3ea6ff; --st-tag: #3d3d3d;
  --st-current: #3a2322; --st-notice: #3b2f17; --st-notice-border: #8a6a2a; --st-banner: #1c2a40;
  --st-banner-border: #3b5b8a; --st-dialog: #1f1f1f; --st-warning: #3c1414; --st-warning-fg: #ff9a94;
  --st-warning-border: #a33a32; --st-input: #121212; --st-shadow: rgba(0,0,0,.6); }
* { box-sizing: border-box; font-family: Roboto, Arial, sans-serif; }
.root { position: fixed; top: 64px; right: 16px; z-index: 2147483000; display: flex;
  flex-direction: column; align-items: flex-end; gap: 8px; font-size: 13px; color: var(--st-fg); }
button { font: inherit; cursor: pointer; border: 1px solid var(--st-border); border-radius: 16px;
  background: var(--st-button); padding: 4px 10px; color: inherit; }
button:hover { background: var(--st-button-hover); }
button:focus-visible, input:focus-visible, select:focus-visible, a:focus-visible, [tabindex]:focus-visible {
  outline: 2px solid var(--st-focus); outline-offset: 1px; }
button.primary { background: var(--st-accent); color: var(--st-on-accent); border-color: var(--st-accent); }
button.primary:hover { background: var(--st-accent-hover); }
button.small { padding: 2px 8px; font-size: 12px; }
button:disabled { opacity: .5; cursor: default; }
input, select { font: inherit; border: 1px solid var(--st-border); border-radius: 6px; padding: 4px 6px; min-width: 0;
  background: var(--st-input); color: var(--st-fg); }
input[type="checkbox"] { accent-color: var(--st-accent); }
.pill { display: flex; align-items: center; gap: 6px; border-radius: 20px; padding: 6px 12px;
  background: var(--st-accent); color: var(--st-on-accent); border: none; box-shadow: 0 2px 8px rgba(0,0,0,.3); }
.pill:hover { background: var(--st-accent-hover); }
.pill:focus-visible { outline: 2px solid var(--st-focus); outline-offset: 2px; }
.pill .dot { width: 8px; height: 8px; border-radius: 50%; background: #fff; opacity: .9; }
.panel { width: 340px; max-height: calc(100vh - 140px); overflow-y: auto; background: var(--st-bg);
  border-radius: 12px; box-shadow: 0 4px 20px var(--st-shadow); padding: 10px; display: flex;
  flex-direction: column; gap: 10px; color: var(--st-fg); }
[hidden] { display: none !important; }
section { display: flex; flex-direction: column; gap: 6px; }
h3 { margin: 0; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--st-muted); }
.row { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
.row > input { flex: 1; }
.muted { color: var(--st-muted); font-size: 12px; }
.root > .notice, .root > .banner { width: 340px; box-shadow: 0 2px 8px rgba(0,0,0,.25); }
.notice { background: var(--st-notice); border: 1px solid var(--st-notice-border); border-radius: 8px; padding: 6px 8px; }
.banner { background: var(--st-banner); border: 1px solid var(--st-banner-border); border-radius: 8px; padding: 8px; }
.resume { font-size: 15px; padding: 10px 16px; box-shadow: 0 2px 8px rgba(0,0,0,.3); }
.code { font-family: monospace; font-size: 15px; font-weight: bold; }
a { color: var(--st-link); word-break: break-all; }
ul { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 4px; }
li { display: flex; align-items: center; gap: 6px; padding: 4px; border-radius: 6px; }
li.current { background: var(--st-current); }
li.drop-target { outline: 2px dashed var(--st-focus); }
li .grow { flex: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.health { width: 10px; height: 10px; border-radius: 50%; flex: none; }
.health.green { background: #1e8e3e; } .health.yellow { background: #f9ab00; } .health.red { background: #d93025; }
.health.settling { background: #9aa0a6; } .health.none { background: transparent; border: 2px solid #9aa0a6; }
.tag { font-size: 11px; border-radius: 8px; padding: 0 6px; background: var(--st-tag); }
.chat-log { max-height: 180px; overflow-y: auto; display: flex; flex-direction: column; gap: 2px;
  border: 1px solid var(--st-soft); border-radius: 6px; padding: 4px; }
.chat-line.system { color: var(--st-muted); font-style: italic; }
.chat-line b { margin-right: 4px; }
.dialog { border: 1px solid var(--st-border); border-radius: 8px; padding: 8px; background: var(--st-dialog); }
.qr { display: flex; flex-direction: column; gap: 6px; align-items: flex-start; }
.qr img { width: 200px; height: 200px; background: #fff; align-self: center; }
.warning { background: var(--st-warning); border: 1px solid var(--st-warning-border); color: var(--st-warning-fg);
  border-radius: 8px; padding: 6px 8px; font-weight: 500; }
code.url { font-family: monospace; font-size: 11px; word-break: break-all; user-select: all;
  background: var(--st-input); border: 1px solid var(--st-soft); border-radius: 4px; padding: 2px 4px; }
li.remote { flex-wrap: wrap; }
li.remote .confirm { flex-basis: 100%; display: flex; flex-direction: column; gap: 4px; }
label { display: flex; gap: 6px; align-items: center; }
fieldset.segments { border: 1px solid var(--st-soft); border-radius: 6px; padding: 4px 8px; display: grid;
  grid-template-columns: 1fr 1fr; gap: 2px 8px; margin: 0; }
fieldset.segments legend { font-size: 12px; color: #606060; padding: 0 4px; }
button.react { font-size: 18px; padding: 2px 6px; line-height: 1.2; }
fieldset.segments legend { font-size: 12px; color: var(--st-muted); padding: 0 4px; }
`;

// The layer inside YouTube's player while it is fullscreen (player_layer.js). The layer itself
// lets clicks through (YouTube toggles play on a click on the video); its cards take them.
export const PLAYER_LAYER_CSS = `
:host { all: initial; }
* { box-sizing: border-box; font-family: Roboto, Arial, sans-serif; }
[hidden] { display: none !important; }
.layer { position: absolute; top: 16px; left: 16px; right: 16px; bottom: 72px; z-index: 60;
  display: flex; flex-direction: column; justify-content: space-between; pointer-events: none;
  font-size: 15px; color: #fff; }
.top { display: flex; flex-direction: column; align-items: flex-end; gap: 8px; }
.bottom { display: flex; flex-direction: column; align-items: flex-start; gap: 6px; max-width: 50%; }
.card, button, input, .toast { pointer-events: auto; }
.card { background: rgba(20,20,20,.85); border-radius: 10px; padding: 10px 12px; max-width: 420px;
  display: flex; flex-direction: column; gap: 8px; align-items: flex-start; }
.banner { border: 1px solid #8ab4f8; }
.notice { border: 1px solid #f0b46a; }
button { font: inherit; cursor: pointer; border: 1px solid #888; border-radius: 18px;
  background: rgba(20,20,20,.85); color: #fff; padding: 6px 14px; }
button.primary { background: #cc0000; border-color: #cc0000; } /* white on it: 5.9:1 (#e52d27 was 4.4:1) */
button:focus-visible, input:focus-visible { outline: 2px solid #8ab4f8; outline-offset: 1px; }
.resume { font-size: 17px; padding: 10px 18px; }
.toasts { display: flex; flex-direction: column; gap: 4px; }
.toast { background: rgba(20,20,20,.8); border-radius: 8px; padding: 6px 10px; max-width: 100%;
  overflow-wrap: anywhere; }
.toast b { margin-right: 6px; }
.toast.system { font-style: italic; color: #ddd; }
.row { display: flex; gap: 6px; align-items: center; }
input { font: inherit; border: 1px solid #888; border-radius: 16px; padding: 6px 10px; width: 280px;
  background: rgba(20,20,20,.85); color: #fff; }
.social-wrap section { background: rgba(20,20,20,.85); border-radius: 10px; padding: 8px 10px;
  display: flex; flex-direction: column; gap: 6px; pointer-events: auto; }
.social-wrap .muted { color: #ddd; }
.social-wrap button.react { font-size: 20px; padding: 2px 8px; }
.social-wrap .reactions { flex-wrap: wrap; }
`;

// Reactions over the video (reaction_layer.js): everything lets clicks through to YouTube.
export const REACTION_LAYER_CSS = `
:host { all: initial; position: absolute; inset: 0; z-index: 59; pointer-events: none; overflow: hidden; }
* { box-sizing: border-box; font-family: Roboto, Arial, sans-serif; pointer-events: none; }
.floats { position: absolute; inset: 0; }
.float { position: absolute; bottom: 22%; display: flex; flex-direction: column; align-items: center;
  animation: st-rise ${REACTION_FLOAT_MS}ms ease-out forwards; text-shadow: 0 1px 3px rgba(0,0,0,.6); }
.float .emoji { font-size: 36px; line-height: 1; }
.float .who { font-size: 12px; color: #fff; background: rgba(0,0,0,.55); border-radius: 8px; padding: 0 6px; }
@keyframes st-rise { from { transform: translateY(0); opacity: 1; } 80% { opacity: 1; }
  to { transform: translateY(-180px); opacity: 0; } }
@media (prefers-reduced-motion: reduce) { .float { animation: none; } }
.marks { position: absolute; height: 14px; }
.mark { position: absolute; top: 0; transform: translateX(-50%); font-size: 11px; line-height: 14px; opacity: .85; }
`;
