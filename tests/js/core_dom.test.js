import assert from "node:assert/strict";
import { test } from "node:test";

import { createDom } from "../../clients/core/dom.js";
import { createFakeDocument } from "./helpers/fake_dom.js";

test("text goes in as text, never as markup", () => {
  const { h } = createDom(createFakeDocument());
  const line = h("p", { class: "chat" }, "<img src=x onerror=alert(1)>", 42, null, false, undefined, [" a", [" b"]]);
  assert.equal(line.textContent, "<img src=x onerror=alert(1)>42 a b");
  assert.equal(line.children.length, 0, "no element was made from the string");
  assert.equal(h("b", { text: "<i>x</i>" }).textContent, "<i>x</i>");
});

test("one props API: class, testid, handlers, live properties, attributes; null/false skipped", () => {
  const { h } = createDom(createFakeDocument());
  const clicks = [];
  const button = h("button", {
    class: "btn small", testid: "go", onClick: (ev) => clicks.push(ev.type), disabled: true, hidden: false,
    "aria-label": "Go", "data-user-id": 7, title: null, autofocus: true, type: "button",
  });
  assert.equal(button.className, "btn small");
  assert.equal(button.getAttribute("data-testid"), "go");
  assert.equal(button.disabled, true);
  assert.equal(button.hidden, false);
  assert.equal(button.getAttribute("aria-label"), "Go");
  assert.equal(button.dataset.userId, "7");
  assert.equal(button.hasAttribute("title"), false);
  assert.equal(button.getAttribute("autofocus"), "");
  button.dispatch("click");
  assert.deepEqual(clicks, ["click"]);
  const drags = [];
  h("div", { onPointerdown: () => drags.push(1) }).dispatch("pointerdown");
  assert.deepEqual(drags, [1], "onPointerdown listens to pointerdown");
});

test("svg elements are made in the SVG namespace; fill replaces children", () => {
  const { h, svg, fill } = createDom(createFakeDocument());
  const icon = svg("svg", { viewBox: "0 0 24 24", class: "icon" }, svg("path", { d: "M0 0" }));
  assert.equal(icon.namespaceURI, "http://www.w3.org/2000/svg");
  assert.equal(icon.getAttribute("viewBox"), "0 0 24 24", "attribute case kept");
  assert.equal(icon.children[0].getAttribute("d"), "M0 0");
  const list = h("ul", {}, h("li", {}, "old"));
  assert.equal(fill(list, [h("li", {}, "a"), h("li", {}, "b")], null), list);
  assert.deepEqual(list.children.map((li) => li.textContent), ["a", "b"]);
});
