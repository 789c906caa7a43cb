// Where the room's video should be, from a Playback and the server's time (DESIGN.md,
// "The room clock"). Pure.

/** True while the room plays, but its anchor is still ahead: everyone holds at position_ms. */
export function isScheduledStart(playback, serverNowMs) {
  return playback?.state === "playing" && serverNowMs < playback.anchor_ms;
}

/**
 * The room position at server time `serverNowMs`, in ms: position_ms + (t - anchor_ms) * rate
 * while playing, never below position_ms (nor above the known duration); position_ms otherwise.
 */
export function expectedPositionMs(playback, serverNowMs) {
  if (!playback) return 0;
  const base = playback.position_ms ?? 0;
  if (playback.state !== "playing") return base;
  const rate = playback.rate || 1;
  const elapsed = Math.max(0, serverNowMs - (playback.anchor_ms ?? serverNowMs)) * rate;
  const position = base + elapsed;
  const duration = playback.duration_ms;
  if (Number.isFinite(duration) && duration > 0 && position > duration) {
    return Math.max(duration, base);
  }
  return position;
}
