// The ban list and the played list share one way of showing a list that may not be loaded yet
// (dom.js fillList): "Loading…" while unknown, a sentence when empty, else one row per item.

import assert from "node:assert/strict";
import { test } from "node:test";

import { createFakeDocument } from "./helpers/fake_dom.js";

globalThis.document = createFakeDocument();
const { fillList, h } = await import("../../extension/src/content/overlay/dom.js");

test("a list not fetched yet says Loading…, an empty one its sentence, else a row per item", () => {
  const list = h("ul", {});
  const row = (item) => h("li", { text: item.name });
  fillList(list, null, "Nobody is banned.", row);
  assert.deepEqual(list.children.map((li) => [li.textContent, li.className]), [["Loading…", "muted"]]);
  fillList(list, [], "Nobody is banned.", row);
  assert.deepEqual(list.children.map((li) => li.textContent), ["Nobody is banned."]);
  fillList(list, [{ name: "Dave" }, { name: "Eve" }], "Nobody is banned.", row);
  assert.deepEqual(list.children.map((li) => li.textContent), ["Dave", "Eve"]);
});
