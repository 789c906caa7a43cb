// Where the room's video should be, from a Playback and the server's time (DESIGN.md,
// "The room clock"). Pure.

/** True while the room plays, but its anchor is still ahead: everyone holds at position_ms. */
export function isScheduledStart(playback, serverNowMs) {
  return playback?.state === "playing" && serverNowMs < playback.anchor_ms;
}

/** Whether the room's clock runs at `serverNowMs`: playing, and the anchor has passed. */
export function roomClockRuns(playback, serverNowMs) {
  return playback?.state === "playing" && Number.isFinite(playback.anchor_ms) && serverNowMs >= playback.anchor_ms;
}

/**
 * The room position at server time `serverNowMs`, in ms: position_ms + (t - anchor_ms) * rate
 * while playing, never below position_ms (nor above the known duration); position_ms otherwise.
 */
export function expectedPositionMs(playback, serverNowMs) {
  if (!playback) return 0;
  const base = Number(playback.position_ms) || 0;
  if (playback.state !== "playing") return base;
  const rate = Number(playback.rate) || 1;
  const anchor = Number.isFinite(playback.anchor_ms) ? playback.anchor_ms : serverNowMs;
  const position = base + Math.max(0, serverNowMs - anchor) * rate;
  const duration = playback.duration_ms;
  if (Number.isFinite(duration) && duration > 0 && position > duration) {
    return Math.max(duration, base);
  }
  return position;
}
