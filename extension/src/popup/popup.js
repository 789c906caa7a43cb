// The toolbar popup: server address, sign-in (guest or Google), create / join / leave a room,
// copy the invite link. It only talks to the worker (chrome.runtime.sendMessage); the worker
// acts on the active YouTube tab (or ?tabId=N when given, e.g. by tests).

import { refusalMessage } from "../lib/ack_messages.js";
import { isDefaultOrigin, normalizeServerUrl, originPattern } from "../lib/server_url.js";

const $ = (id) => document.getElementById(id);
const tabHint = Number.parseInt(new URLSearchParams(location.search).get("tabId") || "", 10);
const tabId = Number.isInteger(tabHint) ? tabHint : undefined;

function ask(method, args = {}) {
  return chrome.runtime.sendMessage({ method, args: { tabId, ...args } });
}

function showStatus(text) {
  $("status").hidden = !text;
  $("status").textContent = text || "";
}

/** A refusal; when the server cannot be reached, the Server box opens to change the address. */
function showRefusal(answer) {
  showStatus(refusalMessage(answer));
  if (answer?.error === "unavailable") $("server-box").open = true;
}

async function refresh() {
  const answer = await ask("popupState");
  if (!answer?.ok) return showRefusal(answer);
  const { state } = answer;
  $("signed-out").hidden = state.signedIn;
  $("signed-in").hidden = !state.signedIn;
  $("who").textContent = state.user ? `Signed in as ${state.user.name}` : "";
  if (!$("name").value) $("name").value = state.guestName || "";
  if (document.activeElement !== $("server")) $("server").value = state.serverUrl;
  const room = state.room;
  $("no-room").hidden = !state.signedIn || Boolean(room);
  $("no-tab").hidden = answer.targetTabId !== null;
  $("in-room").hidden = !room;
  if (room) {
    $("room-code").textContent = room.code;
    $("invite").textContent = room.inviteLink;
    $("invite").href = room.inviteLink;
    $("members").textContent = room.memberCount ? `· ${room.memberCount} online` : "";
  }
  return undefined;
}

/** Runs a worker request from a button; shows a refusal, refreshes on success. */
async function run(method, args, onSuccess) {
  showStatus("");
  const answer = await ask(method, args);
  if (!answer?.ok) {
    showRefusal(answer);
    return;
  }
  await onSuccess?.(answer);
  await refresh();
}

async function copyInvite() {
  const link = $("invite").textContent;
  try {
    await navigator.clipboard.writeText(link);
    showStatus("Invite link copied.");
  } catch {
    showStatus(`Copy this link: ${link}`);
  }
}

async function saveServer() {
  const normalized = normalizeServerUrl($("server").value);
  if (!normalized.ok) return showStatus(normalized.message);
  if (!isDefaultOrigin(normalized.url)) {
    // Asked here, from the click: another server needs the user's permission at run time.
    const granted = await chrome.permissions.request({ origins: [originPattern(normalized.url)] });
    if (!granted) return showStatus("ShareTube needs permission to talk to that server.");
  }
  return run("setServerUrl", { serverUrl: normalized.url }, () => showStatus(`Server set to ${normalized.url}.`));
}

function onEnter(input, handler) {
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") handler();
  });
}

function bind() {
  const signIn = () => run("signInGuest", { name: $("name").value });
  const join = () => run("join", { input: $("join-code").value });
  $("signin").addEventListener("click", signIn);
  onEnter($("name"), signIn);
  $("google").addEventListener("click", () => run("signInGoogle"));
  $("signout").addEventListener("click", () => run("signOut"));
  $("create").addEventListener("click", () => run("createRoom"));
  $("join").addEventListener("click", join);
  onEnter($("join-code"), join);
  $("leave").addEventListener("click", () => run("leave"));
  $("copy").addEventListener("click", copyInvite);
  $("invite").addEventListener("click", (event) => {
    event.preventDefault();
    copyInvite();
  });
  $("save-server").addEventListener("click", saveServer);
  onEnter($("server"), saveServer);
}

bind();
refresh();
