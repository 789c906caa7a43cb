// Whose doing is a media event: the person's, or the page's? Pure.
//
// A play / pause / seek / rate change counts as the person's only right after their own input
// (a key, a click, a media key, or while a pointer is held down). An ad breaks that link:
// when a midroll ends, YouTube reloads the room's video at its position (a seek, a pause or a
// play), and that can land within the input window of a key pressed just before the ad began.
// Input made before an ad last showed cannot have caused what the page does after it; it only
// counts when it came after the ad (e.g. the viewer seeks once the ad is over).

import { USER_INPUT_WINDOW_MS } from "../constants.js";

/**
 * @param {{nowMs: number, lastInputAtMs: number, pointerDown: boolean, adSeenAtMs?: number}} input
 *   adSeenAtMs: the last instant an ad was seen showing (-Infinity: none on this page)
 * @returns {boolean} true when the event is most likely the person's doing
 */
export function personCaused({ nowMs, lastInputAtMs, pointerDown, adSeenAtMs = -Infinity }) {
  const recent = pointerDown || nowMs - lastInputAtMs < USER_INPUT_WINDOW_MS;
  return recent && lastInputAtMs > adSeenAtMs;
}
