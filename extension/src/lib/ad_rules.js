// Is an ad playing in this YouTube player? Decided from what the viewer SEES, from a plain
// snapshot of the page that the YouTube adapter takes, so the rules are testable without a DOM.
// Pure.
//
// YouTube keeps ad markup in its player between ads (and before the first one), hidden, and
// fills or empties it as it likes; it also shows banner ads over a normal video. So:
// - primary: #movie_player's own ad state (`ad-showing`, `ad-interrupting`);
// - secondary: the ad overlay, an ad badge/"Ad" text, a skip button, the ad module — each
//   counts only while it is rendered and visible inside the player. The ad module (banners
//   live there too) counts only together with a visible badge or skip button.
//
// snapshot = {
//   playerClasses: [string],            // class list of #movie_player
//   overlay: [Box], badge: [Box], skip: [Box], module: [Box],   // elements found per kind
// }
// Box = {width, height, display, visibility, opacity, inPlayer, children?}
//   display/visibility: computed values (display "none" when the element or an ancestor up
//   to the player hides it); opacity: the product of the opacities up to the player;
//   inPlayer: the box overlaps the player's box; children: visible child elements (module).

const AD_PLAYER_CLASSES = ["ad-showing", "ad-interrupting"];
const MIN_OPACITY = 0.05; // fainter than this is not seen

/** True when the element described by `box` is rendered and can be seen inside the player. */
export function isShown(box) {
  if (!box) return false;
  return (
    box.width > 0 &&
    box.height > 0 &&
    box.display !== "none" &&
    box.visibility !== "hidden" &&
    box.visibility !== "collapse" &&
    (box.opacity ?? 1) >= MIN_OPACITY &&
    box.inPlayer !== false
  );
}

const anyShown = (boxes) => (boxes || []).some(isShown);

/** The reasons an ad is deemed active (empty when none); useful in logs. */
export function adSignals(snapshot) {
  if (!snapshot) return [];
  const signals = [];
  const classes = new Set(snapshot.playerClasses || []);
  for (const name of AD_PLAYER_CLASSES) if (classes.has(name)) signals.push(name);
  if (anyShown(snapshot.overlay)) signals.push("ad-overlay");
  const badge = anyShown(snapshot.badge);
  const skip = anyShown(snapshot.skip);
  if (badge) signals.push("ad-badge");
  if (skip) signals.push("skip-button");
  const module = (snapshot.module || []).some((box) => isShown(box) && (box.children || 0) > 0);
  if (module && (badge || skip)) signals.push("ad-module");
  return signals;
}

/** True while an ad shows: any primary signal, or any visible secondary one. */
export function isAdActive(snapshot) {
  return adSignals(snapshot).length > 0;
}
