// Chat lines as toasts over the fullscreen video (content/overlay/player_layer.js). Pure.
//
// Only lines that arrive after the room was first seen become toasts (never the history a join
// or a room.sync brings); each stays FULLSCREEN_TOAST_MS; at most FULLSCREEN_CHAT_TOASTS show.

import { FULLSCREEN_CHAT_TOASTS, FULLSCREEN_TOAST_MS } from "../constants.js";

/**
 * @param {{seenId: number|null, toasts: Array<{line: object, untilMs: number}>}} state
 *   seenId: the newest chat id already seen (null: the room was not seen yet)
 * @param {{chat: object[]}|null} view the room view (null: not in a room)
 * @returns the next state
 */
export function nextToasts(state, view, nowMs) {
  const toasts = state.toasts.filter((toast) => toast.untilMs > nowMs);
  if (!view) return { seenId: null, toasts: [] };
  const ids = view.chat.map((line) => line.id).filter((id) => typeof id === "number");
  if (state.seenId === null) return { seenId: ids.length ? Math.max(...ids) : -1, toasts };
  const fresh = view.chat.filter((line) => typeof line.id === "number" && line.id > state.seenId);
  if (!fresh.length) return { seenId: state.seenId, toasts };
  const untilMs = nowMs + FULLSCREEN_TOAST_MS;
  return {
    seenId: Math.max(...fresh.map((line) => line.id)),
    toasts: [...toasts, ...fresh.map((line) => ({ line, untilMs }))].slice(-FULLSCREEN_CHAT_TOASTS),
  };
}
