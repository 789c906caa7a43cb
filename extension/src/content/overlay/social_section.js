// Vote-skip and reactions in the panel. A member the control mode keeps from skipping votes
// ("Vote to skip", with the count the room needs); owners and operators see the count and may
// clear it (a veto) — they skip with the queue's own Skip. The reaction buttons pin an emoji to
// the moment of the video this viewer is at (the reaction layer floats them over the player).

import { REACTION_EMOJI } from "../../../../clients/core/constants.js";
import { voteCountText } from "../../../../clients/core/vote_skip.js";
import { canControl, skipVotes } from "../../lib/room_view.js";
import { h, keepFocusOnHide } from "./dom.js";

export class SocialSection {
  constructor(actions) {
    this.voteButton = h("button", {
      testid: "st-vote-skip", class: "small", "aria-pressed": "false", text: "Vote to skip",
      onClick: () => actions.voteSkip(),
    });
    this.voteCount = h("span", { testid: "st-vote-count", class: "muted", role: "status" });
    this.clearButton = h("button", {
      testid: "st-vote-clear", class: "small", text: "Clear votes", "aria-label": "Clear the votes to skip",
      onClick: () => actions.clearVotes(),
    });
    this.voteRow = h("div", { class: "row", testid: "st-votes" }, this.voteButton, this.voteCount, this.clearButton);
    this.reactButtons = REACTION_EMOJI.map((emoji) => h("button", {
      testid: "st-react", class: "react", "data-emoji": emoji, "aria-label": `React ${emoji} at this moment`,
      text: emoji, onClick: () => actions.react(emoji),
    }));
    this.element = h("section", { testid: "st-social", "aria-label": "Vote and react" },
      this.voteRow, h("div", { class: "row reactions", role: "group", "aria-label": "Reactions" }, ...this.reactButtons));
  }

  update(model) {
    // A vote (its button disabled) or cleared votes (their button hidden) keep the focus in the row.
    keepFocusOnHide(this.element, () => this.render(model), () => [this.voteButton, ...this.reactButtons]);
  }

  render(model) {
    const { view, selfId } = model;
    const playing = Boolean(view) && view.playback.state !== "idle" && view.playback.entry_id !== null && view.playback.entry_id !== undefined;
    this.element.hidden = !playing;
    if (!playing) return;
    const tally = skipVotes(view, selfId);
    const controls = canControl(view, selfId);
    this.voteButton.hidden = controls; // they skip outright
    this.voteButton.disabled = tally.voted;
    this.voteButton.textContent = tally.voted ? "Voted to skip" : "Vote to skip";
    this.voteButton.setAttribute("aria-pressed", String(tally.voted));
    this.voteCount.textContent = voteCountText(tally);
    this.clearButton.hidden = !(model.isOperator && tally.votes > 0);
    this.voteRow.hidden = controls && !tally.votes;
  }
}
