// The one DOM builder of every client (overlay, phone remote, dashboard). Text always goes in
// through textContent or text nodes, never innerHTML: names, titles and chat come from other
// people. It takes the `document` to build in, so this module uses no globals (and node --test
// can hand it a stand-in).
//
//   const { h, svg, fill } = createDom(document);
//   h("button", {class: "btn", testid: "go", text: "Go", onClick, disabled: true, "aria-label": "Go"}, ...children)
//
// props: `text` (textContent), `class`, `testid` (data-testid), `onEvent` handlers (onClick →
// "click", onPointerdown → "pointerdown"), the live properties in PROPERTIES; anything else is
// an attribute (true → present and empty). null, undefined and false are skipped, as props and
// as children; children nest in arrays; strings and numbers become text nodes.

const SVG_NS = "http://www.w3.org/2000/svg";
const PROPERTIES = new Set(["value", "checked", "disabled", "draggable", "hidden", "selected", "multiple", "open"]);

function isNode(value) {
  return typeof value === "object" && value !== null && typeof value.nodeType === "number";
}

export function createDom(doc) {
  function setProps(element, props) {
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "text") element.textContent = String(value);
      else if (key === "testid") element.setAttribute("data-testid", String(value));
      else if (key === "class") element.setAttribute("class", String(value));
      else if (/^on[A-Z]/.test(key)) element.addEventListener(key.slice(2).toLowerCase(), value);
      else if (PROPERTIES.has(key)) element[key] = value;
      else element.setAttribute(key, value === true ? "" : String(value));
    }
  }

  function append(element, children) {
    for (const child of children) {
      if (child === undefined || child === null || child === false) continue;
      if (Array.isArray(child)) append(element, child);
      else element.append(isNode(child) ? child : doc.createTextNode(String(child)));
    }
    return element;
  }

  /** An HTML element with props and children. */
  function h(tag, props = {}, ...children) {
    const element = doc.createElement(tag);
    setProps(element, props);
    return append(element, children);
  }

  /** An SVG element (same props; attributes keep their case). */
  function svg(tag, props = {}, ...children) {
    const element = doc.createElementNS(SVG_NS, tag);
    setProps(element, props);
    return append(element, children);
  }

  /** Replaces everything inside `element` with `children` (same rules as h's children). */
  function fill(element, ...children) {
    element.replaceChildren();
    return append(element, children);
  }

  return { h, svg, fill };
}
