// The overlay's room settings: "List on the homepage" (setting `listed`, issue 16 item 7) shows the
// room's value, sends just that field when ticked, and says when the room cannot be listed.

import assert from "node:assert/strict";
import { test } from "node:test";

import { createFakeDocument } from "./helpers/fake_dom.js";

globalThis.document = createFakeDocument();
const { SettingsSection } = await import("../../extension/src/content/overlay/settings_section.js");

function section(settings) {
  const saved = [];
  const view = { settings: { control_mode: "operators", ad_sync_mode: "pause_all", buffer_policy: "catch_up",
    skip_segments: [], autoadvance: true, queue_locked: false, is_private: false, has_password: false,
    listed: false, ...settings } };
  const settingsSection = new SettingsSection({ saveSettings: async (partial) => saved.push(partial) });
  settingsSection.update({ view, isOperator: true });
  return { settingsSection, saved };
}

test("the listed box shows the room's setting and sends {listed} alone when ticked", () => {
  const { settingsSection, saved } = section({ listed: false });
  const box = settingsSection.listed;
  assert.equal(box.getAttribute("name"), "listed");
  assert.equal(box.checked, false);
  box.checked = true;
  box.dispatch("change", { target: box });
  assert.deepEqual(saved, [{ listed: true }]);
  assert.equal(section({ listed: true }).settingsSection.listed.checked, true);
});

test("a listed room that is private or has a password says it is not shown", () => {
  assert.equal(section({ listed: true }).settingsSection.listedNote.hidden, true);
  for (const blocked of [{ is_private: true }, { has_password: true }]) {
    const note = section({ listed: true, ...blocked }).settingsSection.listedNote;
    assert.equal(note.hidden, false);
    assert.match(note.textContent, /private or has a password/);
  }
  assert.equal(section({ listed: false, is_private: true }).settingsSection.listedNote.hidden, true);
});

test("only owners and operators see the settings", () => {
  const settingsSection = new SettingsSection({ saveSettings: async () => true });
  settingsSection.update({ view: { settings: {} }, isOperator: false });
  assert.equal(settingsSection.element.hidden, true);
});
