// Runs in the PAGE's world (manifest: "world": "MAIN", document_start), before YouTube's own
// script. Media keys, headset buttons and Chrome's media controls reach a page only through
// the MediaSession action handlers it registers (no DOM input event at all), so the content
// script could not tell "the person pressed pause on their keyboard" from "something paused the
// video". This wraps navigator.mediaSession.setActionHandler so that each play/pause/seek action
// first announces itself with a DOM event the content script (isolated world) hears, then runs
// the page's handler unchanged. Nothing else is touched; it imports nothing.
//
// Note: any page script can dispatch the same event; it only makes the page's next media event
// count as the person's (a claim; the server checks every command against the room's rules).

(() => {
  const EVENT = "sharetube:media-session";
  const ACTIONS = new Set(["play", "pause", "stop", "seekbackward", "seekforward", "seekto"]);
  const proto = globalThis.MediaSession?.prototype;
  if (!proto || proto.setActionHandler.sharetubeBridge) return;
  const original = proto.setActionHandler;
  function setActionHandler(action, handler) {
    if (typeof handler !== "function" || !ACTIONS.has(action)) return original.call(this, action, handler);
    return original.call(this, action, function announced(details) {
      document.dispatchEvent(new CustomEvent(EVENT, { detail: { action } }));
      return handler.call(this, details);
    });
  }
  setActionHandler.sharetubeBridge = true;
  proto.setActionHandler = setActionHandler;
})();
