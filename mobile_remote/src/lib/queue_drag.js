// Touch reorder of the queue: where a dragged row lands. Pure.

/**
 * The index a row dragged to `pointerY` lands at, given the vertical middles of every row
 * (in order, including the dragged row itself at `fromIndex`).
 */
export function dropIndex(pointerY, middles, fromIndex) {
  let index = 0;
  for (let i = 0; i < middles.length; i += 1) {
    if (i === fromIndex) continue;
    if (pointerY > middles[i]) index += 1;
  }
  return Math.min(index, Math.max(0, middles.length - 1));
}

/** The order after moving `fromIndex` to `toIndex` (what the server will answer, shown at once). */
export function moved(items, fromIndex, toIndex) {
  const out = items.slice();
  const [item] = out.splice(fromIndex, 1);
  out.splice(toIndex, 0, item);
  return out;
}
