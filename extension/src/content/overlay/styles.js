// The overlay's CSS, inside its shadow root: YouTube's styles and ours never mix.

import { REACTION_FLOAT_MS } from "../../constants.js";

export const OVERLAY_CSS = `
:host { all: initial; }
* { box-sizing: border-box; font-family: Roboto, Arial, sans-serif; }
.root { position: fixed; top: 64px; right: 16px; z-index: 2147483000; display: flex;
  flex-direction: column; align-items: flex-end; gap: 8px; font-size: 13px; color: #0f0f0f; }
button { font: inherit; cursor: pointer; border: 1px solid #ccc; border-radius: 16px;
  background: #fff; padding: 4px 10px; color: inherit; }
button:hover { background: #f2f2f2; }
button:focus-visible, input:focus-visible, select:focus-visible { outline: 2px solid #065fd4; outline-offset: 1px; }
button.primary { background: #e52d27; color: #fff; border-color: #e52d27; }
button.primary:hover { background: #c9221d; }
button.small { padding: 2px 8px; font-size: 12px; }
button:disabled { opacity: .5; cursor: default; }
input, select { font: inherit; border: 1px solid #ccc; border-radius: 6px; padding: 4px 6px; min-width: 0; }
.pill { display: flex; align-items: center; gap: 6px; border-radius: 20px; padding: 6px 12px;
  background: #e52d27; color: #fff; border: none; box-shadow: 0 2px 8px rgba(0,0,0,.3); }
.pill:hover { background: #c9221d; }
.pill .dot { width: 8px; height: 8px; border-radius: 50%; background: #fff; opacity: .9; }
.panel { width: 340px; max-height: calc(100vh - 140px); overflow-y: auto; background: #fff;
  border-radius: 12px; box-shadow: 0 4px 20px rgba(0,0,0,.35); padding: 10px; display: flex;
  flex-direction: column; gap: 10px; }
[hidden] { display: none !important; }
section { display: flex; flex-direction: column; gap: 6px; }
h3 { margin: 0; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: #606060; }
.row { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
.row > input { flex: 1; }
.muted { color: #606060; font-size: 12px; }
.root > .notice, .root > .banner { width: 340px; box-shadow: 0 2px 8px rgba(0,0,0,.25); }
.notice { background: #fff4e5; border: 1px solid #f0b46a; border-radius: 8px; padding: 6px 8px; }
.banner { background: #e8f0fe; border: 1px solid #8ab4f8; border-radius: 8px; padding: 8px; }
.resume { font-size: 15px; padding: 10px 16px; box-shadow: 0 2px 8px rgba(0,0,0,.3); }
.code { font-family: monospace; font-size: 15px; font-weight: bold; }
a { color: #065fd4; word-break: break-all; }
ul { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 4px; }
li { display: flex; align-items: center; gap: 6px; padding: 4px; border-radius: 6px; }
li.current { background: #fdecea; }
li.drop-target { outline: 2px dashed #065fd4; }
li .grow { flex: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.health { width: 10px; height: 10px; border-radius: 50%; flex: none; }
.health.green { background: #1e8e3e; } .health.yellow { background: #f9ab00; } .health.red { background: #d93025; }
.health.settling { background: #9aa0a6; } .health.none { background: transparent; border: 2px solid #9aa0a6; }
.tag { font-size: 11px; border-radius: 8px; padding: 0 6px; background: #eee; }
.chat-log { max-height: 180px; overflow-y: auto; display: flex; flex-direction: column; gap: 2px;
  border: 1px solid #eee; border-radius: 6px; padding: 4px; }
.chat-line.system { color: #606060; font-style: italic; }
.chat-line b { margin-right: 4px; }
.dialog { border: 1px solid #ccc; border-radius: 8px; padding: 8px; background: #fafafa; }
.qr { display: flex; flex-direction: column; gap: 6px; align-items: flex-start; }
.qr img { width: 200px; height: 200px; background: #fff; align-self: center; }
.warning { background: #fce8e6; border: 1px solid #d93025; color: #a50e0e; border-radius: 8px;
  padding: 6px 8px; font-weight: 500; }
code.url { font-family: monospace; font-size: 11px; word-break: break-all; user-select: all;
  background: #fff; border: 1px solid #eee; border-radius: 4px; padding: 2px 4px; }
li.remote { flex-wrap: wrap; }
li.remote .confirm { flex-basis: 100%; display: flex; flex-direction: column; gap: 4px; }
label { display: flex; gap: 6px; align-items: center; }
fieldset.segments { border: 1px solid #eee; border-radius: 6px; padding: 4px 8px; display: grid;
  grid-template-columns: 1fr 1fr; gap: 2px 8px; margin: 0; }
fieldset.segments legend { font-size: 12px; color: #606060; padding: 0 4px; }
button.react { font-size: 18px; padding: 2px 6px; line-height: 1.2; }
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
button.primary { background: #e52d27; border-color: #e52d27; }
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
