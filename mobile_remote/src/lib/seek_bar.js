// The phone's seek controls: where the ±10 s buttons and a finger on the bar point. Pure.
// (The room clock itself, its position and time formatting come from clients/core.)

/** A seek target `deltaMs` away from `positionMs`, clamped to [0, duration - 1 s]. */
export function seekTarget(positionMs, deltaMs, durationMs) {
  let target = Math.max(0, Math.round(positionMs + deltaMs));
  if (Number.isFinite(durationMs) && durationMs > 0) target = Math.min(target, Math.max(0, durationMs - 1000));
  return target;
}

/** Where a pointer at `clientX` over a bar [left, left+width] points, in ms of `durationMs`. */
export function positionFromPointer(clientX, left, width, durationMs) {
  if (!(width > 0) || !(durationMs > 0)) return 0;
  const fraction = Math.min(1, Math.max(0, (clientX - left) / width));
  return Math.round(fraction * durationMs);
}
