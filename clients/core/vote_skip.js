// Vote-skip as every client shows it (overlay, phone remote): the playing entry's votes from the
// room's vote.state (or, before one arrived, from the playback's skip_votes), and its words.
// Pure: no DOM, no I/O.

/** {votes, needed (null until the server said), voted (by `selfId`)}, or null when nothing plays. */
export function skipVoteTally(playback, vote, selfId) {
  const entryId = playback?.entry_id;
  if (entryId === null || entryId === undefined) return null;
  const current = vote && vote.entry_id === entryId ? vote : null; // another entry's count is void
  const voters = current?.voters || playback.skip_votes || [];
  return {
    votes: current ? current.votes : voters.length,
    needed: current ? current.needed : null,
    voted: selfId !== null && selfId !== undefined && voters.includes(selfId),
  };
}

/** "1 / 2 votes to skip"; nothing while nobody voted. */
export function voteCountText(tally) {
  if (!tally || !tally.votes) return "";
  return tally.needed ? `${tally.votes} / ${tally.needed} votes to skip` : `${tally.votes} votes to skip`;
}
