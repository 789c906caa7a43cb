// When each reaction of the room shows: at its moment of the video, as this player passes it.
// Pure (no DOM): the reaction layer feeds it the player's position every few tens of ms and the
// reactions as they arrive; it answers which ones float up now.
//   - playing forward over a reaction's position_ms shows it (once per pass);
//   - a jump back (the room seeks back) re-arms every reaction after the new position, so they
//     replay when the video passes them again;
//   - a jump forward (a seek) shows nothing it jumped over;
//   - a reaction arriving just after its moment (the sender's own clock is a few ms ahead of
//     ours) shows at once, if no more than LIVE_LATE_MS late; an older one waits for a replay;
//   - a new entry starts with nothing shown and nothing due before the current position.

import { REACTION_TIMELINE } from "../constants.js";

const { LIVE_LATE_MS, JUMP_MS, BACK_MS } = REACTION_TIMELINE;

export class ReactionTimeline {
  constructor() {
    this.entryId = null;
    this.lastMs = null;
    this.shown = new Set();
  }

  /** The entry playing changed (or the page shows another video): forget the passes. */
  reset(entryId, positionMs = null) {
    this.entryId = entryId;
    this.lastMs = positionMs;
    this.shown = new Set();
  }

  /**
   * The player is at `positionMs` of `entryId`; `reactions` are the room's for that entry.
   * Returns the reactions to show now, in position order.
   */
  advance(entryId, positionMs, reactions) {
    if (entryId !== this.entryId) this.reset(entryId, positionMs);
    if (this.lastMs === null || !Number.isFinite(positionMs)) {
      this.lastMs = Number.isFinite(positionMs) ? positionMs : null;
      return [];
    }
    const from = this.lastMs;
    this.lastMs = positionMs;
    if (positionMs < from - BACK_MS) {
      // seeked back: everything after the new position may play again
      for (const reaction of reactions) if (reaction.position_ms > positionMs) this.shown.delete(reaction.id);
      return [];
    }
    if (positionMs - from > JUMP_MS || positionMs <= from) return [];
    return this.take(reactions.filter((r) => r.entry_id === entryId && r.position_ms > from && r.position_ms <= positionMs));
  }

  /** A reaction just arrived while the player is at `positionMs` (null: unknown): show it now? */
  arrive(reaction, positionMs) {
    if (reaction.entry_id !== this.entryId || !Number.isFinite(positionMs) || this.lastMs === null) return [];
    const late = positionMs - reaction.position_ms;
    if (late < 0 || late > LIVE_LATE_MS || reaction.position_ms > this.lastMs) return []; // due later, or too old
    return this.take([reaction]);
  }

  take(reactions) {
    const due = reactions.filter((reaction) => !this.shown.has(reaction.id));
    for (const reaction of due) this.shown.add(reaction.id);
    return due.sort((a, b) => a.position_ms - b.position_ms);
  }
}

/** Where marks go on the progress bar: a fraction 0..1 of the duration, per reaction. */
export function markFractions(reactions, durationMs) {
  if (!Number.isFinite(durationMs) || durationMs <= 0) return [];
  return reactions.map((reaction) => ({
    id: reaction.id, emoji: reaction.emoji, fraction: Math.min(1, Math.max(0, reaction.position_ms / durationMs)),
  }));
}
