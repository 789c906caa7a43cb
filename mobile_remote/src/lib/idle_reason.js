// The remote's "nothing queued" state: why Play and the speed are off. Pure.

export const NOTHING_QUEUED = "Nothing is queued yet: add a video in the Queue tab, then press Play.";

/** Why the transport is off, or null: with no current entry and nothing queued, Play has nothing to play. */
export function idleReason(state) {
  if (state.playback?.entry_id) return null;
  return state.upcoming().length ? null : NOTHING_QUEUED;
}
