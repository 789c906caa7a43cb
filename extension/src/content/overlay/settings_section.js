// Room settings, for the owner and operators: who controls playback, what ads do, auto-advance,
// queue lock, privacy, the homepage listing and a password. Each change is sent at once
// (room.settings with just that field).

import { REPEAT_MODES } from "../../../../clients/core/constants.js";
import { h, memo } from "./dom.js";

const CONTROL_MODES = [
  ["owner_only", "Only the owner"],
  ["operators", "Owner and operators"],
  ["any", "Everyone"],
];
const AD_MODES = [
  ["off", "Ignore ads"],
  ["pause_all", "Everyone waits for anyone's ad"],
  ["operators_only", "Wait only for operators' ads"],
  ["starting_only", "Wait for ads only at the start"],
];

const BUFFER_POLICIES = [
  ["catch_up", "A stalled viewer catches up"],
  ["wait", "Everyone waits for a stalled viewer"],
  ["ignore", "Nobody waits, nobody jumps"],
];
// SponsorBlock's categories, as the server's skip_segments setting names them.
const SEGMENT_CATEGORIES = [
  ["sponsor", "Sponsor"], ["selfpromo", "Self-promotion"], ["interaction", "Interaction reminder"],
  ["intro", "Intro"], ["outro", "Endcards/credits"], ["preview", "Preview/recap"],
  ["music_offtopic", "Non-music part"], ["filler", "Filler"],
];

// vote_skip_ratio (owner only): the share of watching members whose votes skip the entry
const VOTE_RATIOS = [["0.25", "A quarter"], ["0.5", "Half"], ["0.75", "Three quarters"], ["1", "Everyone"]];

// Each select sits inside a <label> with its words: that is its accessible name.
function select(name, options, onChange) {
  return h("select", { name, onChange: (event) => onChange(event.target.value) },
    options.map(([value, label]) => h("option", { value, text: label })));
}

export class SettingsSection {
  constructor(actions) {
    this.actions = actions;
    this.changed = memo();
    const save = (partial) => actions.saveSettings(partial);
    this.controlMode = select("control_mode", CONTROL_MODES, (value) => save({ control_mode: value }));
    this.adMode = select("ad_sync_mode", AD_MODES, (value) => save({ ad_sync_mode: value }));
    this.bufferPolicy = select("buffer_policy", BUFFER_POLICIES, (value) => save({ buffer_policy: value }));
    this.repeat = select("repeat", REPEAT_MODES, (value) => save({ repeat: value }));
    this.repeat.dataset.testid = "st-setting-repeat";
    this.voteRatio = select("vote_skip_ratio", VOTE_RATIOS, (value) => save({ vote_skip_ratio: Number(value) }));
    this.voteRatioLabel = h("label", {}, "Votes that skip a video", this.voteRatio);
    this.voteRatioValues = new Set(VOTE_RATIOS.map(([value]) => value)); // the options offered
    this.segmentBoxes = SEGMENT_CATEGORIES.map(([value, label]) => [value, h("input", {
      type: "checkbox", name: "skip_segments", value, onChange: () => save({ skip_segments: this.chosenSegments() }),
    }), label]);
    this.autoadvance = h("input", { type: "checkbox", name: "autoadvance", onChange: (event) => save({ autoadvance: event.target.checked }) });
    this.queueLocked = h("input", { type: "checkbox", name: "queue_locked", onChange: (event) => save({ queue_locked: event.target.checked }) });
    this.isPrivate = h("input", { type: "checkbox", name: "is_private", testid: "st-setting-private",
      onChange: (event) => save({ is_private: event.target.checked }) });
    this.listed = h("input", { type: "checkbox", name: "listed", testid: "st-setting-listed",
      onChange: (event) => save({ listed: event.target.checked }) });
    this.listedNote = h("span", { class: "muted", testid: "st-listed-note" });
    this.password = h("input", {
      type: "password", name: "password", placeholder: "New password", autocomplete: "new-password", "aria-label": "New password",
      onKeydown: (event) => event.key === "Enter" && this.password.value && this.setPassword(this.password.value),
    });
    this.passwordState = h("span", { class: "muted", testid: "st-password-state", role: "status" });
    this.element = h("section", { testid: "st-settings" },
      h("h3", { text: "Room settings" }),
      h("label", {}, "Playback control", this.controlMode),
      h("label", {}, "Ads", this.adMode),
      h("label", {}, "Buffering", this.bufferPolicy),
      h("label", {}, "Repeat", this.repeat),
      this.voteRatioLabel,
      h("fieldset", { class: "segments", testid: "st-skip-segments" },
        h("legend", { text: "Skip for everyone (SponsorBlock segments)" }),
        ...this.segmentBoxes.map(([, box, label]) => h("label", {}, box, label))),
      h("label", {}, this.autoadvance, "Play the next video automatically"),
      h("label", {}, this.queueLocked, "Only operators may add to the queue"),
      h("label", {}, this.isPrivate, "Private: newcomers need the invite link or your OK"),
      h("label", {}, this.listed, "List on the homepage (public rooms)"),
      this.listedNote,
      h("div", { class: "row" }, this.password,
        h("button", { class: "small", text: "Set", testid: "st-password-set", "aria-label": "Set the password",
          onClick: () => this.setPassword(this.password.value) }),
        h("button", { class: "small", text: "Clear", testid: "st-password-clear", "aria-label": "Clear the password",
          onClick: () => this.setPassword("") })),
      this.passwordState,
    );
  }

  chosenSegments() {
    return this.segmentBoxes.filter(([, box]) => box.checked).map(([value]) => value);
  }

  async setPassword(password) {
    if (await this.actions.saveSettings({ password })) this.password.value = "";
  }

  update(model) {
    const visible = Boolean(model.view) && model.isOperator;
    this.element.hidden = !visible;
    if (!visible) return;
    const settings = model.view.settings;
    this.voteRatioLabel.hidden = !(model.selfId !== null && model.selfId === model.view.ownerId); // the owner's
    this.changed(JSON.stringify(settings), () => {
      this.controlMode.value = settings.control_mode || "operators";
      this.adMode.value = settings.ad_sync_mode || "pause_all";
      this.autoadvance.checked = settings.autoadvance !== false;
      this.queueLocked.checked = Boolean(settings.queue_locked);
      this.isPrivate.checked = Boolean(settings.is_private);
      this.listed.checked = Boolean(settings.listed);
      this.listedNote.hidden = !(settings.listed && (settings.is_private || settings.has_password));
      this.listedNote.textContent = "Not shown while the room is private or has a password.";
      this.bufferPolicy.value = settings.buffer_policy || "catch_up";
      this.repeat.value = settings.repeat || "off";
      const ratio = String(settings.vote_skip_ratio ?? 0.5);
      if (!this.voteRatioValues.has(ratio)) { // a ratio set elsewhere (the API): offer it too
        this.voteRatioValues.add(ratio);
        this.voteRatio.append(h("option", { value: ratio, text: `${Math.round(Number(ratio) * 100)} %` }));
      }
      this.voteRatio.value = ratio;
      const skipped = new Set(settings.skip_segments || []);
      for (const [value, box] of this.segmentBoxes) box.checked = skipped.has(value);
      this.passwordState.textContent = settings.has_password ? "This room has a password." : "No password.";
    });
  }
}
