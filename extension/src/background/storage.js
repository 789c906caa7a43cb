// A small typed wrapper over chrome.storage with defaults. The worker keeps no state in
// globals: what must survive a worker restart lives here.
//   local   (survives browser restarts): serverUrl, guestName, joinedRooms [code] (rooms this
//           browser joined before: an invite link to one of them joins without asking)
//   session (survives worker restarts, not browser restarts; not readable by content scripts):
//           token, user, tabRooms {tabId: code}, roomPasswords {code: password},
//           roomInvites {code: invite secret}

import { DEFAULT_SERVER_URL } from "../constants.js";

const LOCAL_DEFAULTS = { serverUrl: DEFAULT_SERVER_URL, guestName: "", joinedRooms: [] };
const SESSION_DEFAULTS = { token: null, user: null, tabRooms: {}, roomPasswords: {}, roomInvites: {} };
const JOINED_ROOMS_KEPT = 200;

async function read(area, defaults) {
  const stored = await chrome.storage[area].get(Object.keys(defaults));
  return { ...defaults, ...stored };
}

export const local = {
  get: () => read("local", LOCAL_DEFAULTS),
  set: (values) => chrome.storage.local.set(values),
};

export const session = {
  get: () => read("session", SESSION_DEFAULTS),
  set: (values) => chrome.storage.session.set(values),
};

/** Everything the worker knows, from both areas. */
export async function readAll() {
  const [localValues, sessionValues] = await Promise.all([local.get(), session.get()]);
  return { ...localValues, ...sessionValues };
}

// Updates of tabRooms go through one queue so two quick changes cannot overwrite each other.
let tabRoomsQueue = Promise.resolve();

/** Applies `change(tabRooms)` (which mutates and may return a value) atomically. */
export function updateTabRooms(change) {
  const run = tabRoomsQueue.then(async () => {
    const { tabRooms } = await session.get();
    const result = change(tabRooms);
    await session.set({ tabRooms });
    return result;
  });
  tabRoomsQueue = run.catch(() => {});
  return run;
}

export function tabsInRoom(tabRooms, code) {
  return Object.entries(tabRooms)
    .filter(([, roomCode]) => roomCode === code)
    .map(([tabId]) => Number(tabId));
}

/** Remembers that this browser joined room `code` (most recent last, bounded). */
export async function rememberJoinedRoom(code) {
  const { joinedRooms } = await local.get();
  if (joinedRooms.at(-1) === code) return;
  const next = [...joinedRooms.filter((known) => known !== code), code].slice(-JOINED_ROOMS_KEPT);
  await local.set({ joinedRooms: next });
}

export async function hasJoinedRoom(code) {
  const { joinedRooms } = await local.get();
  return joinedRooms.includes(code);
}
