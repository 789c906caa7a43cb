// Is an ad playing in this YouTube player? Decided from a plain snapshot of the page that the
// YouTube adapter takes, so the rules are testable without a DOM. Pure.
//
// snapshot = {
//   playerClasses: [string],     // class list of #movie_player
//   hasAdOverlay: boolean,       // .ytp-ad-player-overlay (or its -layout variant) is present
//   adModuleChildren: number,    // child elements inside .ytp-ad-module
//   adTextPresent: boolean,      // an ad badge/skip button/"Ad" text is visible in the player
//   videoSrcChanged: boolean,    // the <video> source switched away from the watched video
// }

const AD_PLAYER_CLASSES = ["ad-showing", "ad-interrupting"];

/** The reasons an ad is deemed active (empty when none); useful in logs. */
export function adSignals(snapshot) {
  if (!snapshot) return [];
  const signals = [];
  const classes = new Set(snapshot.playerClasses || []);
  for (const name of AD_PLAYER_CLASSES) if (classes.has(name)) signals.push(name);
  if (snapshot.hasAdOverlay) signals.push("ad-overlay");
  if ((snapshot.adModuleChildren || 0) > 0 && snapshot.adTextPresent) {
    signals.push("ad-module");
  }
  return signals;
}

/**
 * True while an ad plays. The player's own classes or the ad overlay are proof enough; the
 * ad module alone is not (YouTube keeps an empty one around, and fills it for banners), so it
 * counts only together with ad text. A changed video source alone is not an ad either.
 */
export function isAdActive(snapshot) {
  if (!snapshot) return false;
  const signals = adSignals(snapshot);
  if (signals.length > 0) return true;
  return Boolean(snapshot.videoSrcChanged && snapshot.adTextPresent);
}
