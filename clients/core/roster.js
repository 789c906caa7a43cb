// How many people a roster stands for, as every client shows it. Pure.
//
// A room read by one member (the join ack, room.sync) of a big room carries only its first rows
// (owner and operators first, the reader's own row always) and `members_total`; presence.update
// carries everyone (no total: its rows are the count). Every member the server lists is connected.

/** The number of connected members: `total` when the server said it, else the rows' count. */
export function memberCount(members, total) {
  const rows = Array.isArray(members) ? members.filter((member) => member.connected !== false).length : 0;
  return Number.isInteger(total) && total >= rows ? total : rows;
}

/** "and 900 more" when the rows are only the first of `total`, else "". */
export function moreMembersText(members, total) {
  const shown = Array.isArray(members) ? members.length : 0;
  const more = memberCount(members, total) - shown;
  return more > 0 ? `and ${more.toLocaleString("en-US")} more (the whole list arrives in a moment)` : "";
}

/** The total a roster payload stands for: `members_total` (a room read), else how many rows it has (presence.update). */
export function totalOf(payload) {
  if (Number.isInteger(payload?.members_total)) return payload.members_total;
  return Array.isArray(payload?.members) ? payload.members.length : 0;
}
