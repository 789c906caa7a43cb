// A small stand-in for the browser's document, enough for the clients' view code under
// node --test: elements with attributes, children, text, class lists, datasets, listeners and
// a query by attribute. Not a browser: layout, CSS and focus do not exist here.

const kebab = (name) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const camel = (name) => name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());

class FakeNode {
  constructor(doc, nodeType) {
    this.ownerDocument = doc;
    this.nodeType = nodeType;
    this.parentNode = null;
    this.childNodes = [];
  }

  get firstChild() {
    return this.childNodes[0] || null;
  }

  get textContent() {
    return this.nodeType === 3 ? this.data : this.childNodes.map((child) => child.textContent).join("");
  }

  set textContent(value) {
    if (this.nodeType === 3) this.data = String(value);
    else this.replaceChildren(this.ownerDocument.createTextNode(String(value)));
  }

  remove() {
    if (!this.parentNode) return;
    const siblings = this.parentNode.childNodes;
    siblings.splice(siblings.indexOf(this), 1);
    this.parentNode = null;
  }

  append(...nodes) {
    for (const node of nodes) {
      const child = typeof node === "object" && node?.nodeType ? node : this.ownerDocument.createTextNode(String(node));
      child.remove();
      child.parentNode = this;
      this.childNodes.push(child);
    }
  }

  appendChild(node) {
    this.append(node);
    return node;
  }

  replaceChildren(...nodes) {
    for (const child of [...this.childNodes]) child.remove();
    this.append(...nodes);
  }
}

class FakeElement extends FakeNode {
  constructor(doc, tagName, namespaceURI = "http://www.w3.org/1999/xhtml") {
    super(doc, 1);
    this.tagName = tagName.toUpperCase();
    this.namespaceURI = namespaceURI;
    this.attributes = new Map();
    this.listeners = {};
    this.style = {};
    const element = this;
    this.dataset = new Proxy({}, {
      get: (_, key) => element.getAttribute(`data-${kebab(String(key))}`) ?? undefined,
      set: (_, key, value) => {
        element.setAttribute(`data-${kebab(String(key))}`, value);
        return true;
      },
      ownKeys: () => [...element.attributes.keys()].filter((k) => k.startsWith("data-")).map((k) => camel(k.slice(5))),
      getOwnPropertyDescriptor: () => ({ enumerable: true, configurable: true }),
    });
    this.classList = {
      add: (...names) => element.setAttribute("class", [...new Set([...element.classNames(), ...names])].join(" ")),
      remove: (...names) => element.setAttribute("class", element.classNames().filter((n) => !names.includes(n)).join(" ")),
      contains: (name) => element.classNames().includes(name),
      toggle: (name, force) => {
        const on = force ?? !element.classList.contains(name);
        if (on) element.classList.add(name);
        else element.classList.remove(name);
        return on;
      },
    };
  }

  classNames() {
    return (this.getAttribute("class") || "").split(/\s+/).filter(Boolean);
  }

  get className() {
    return this.getAttribute("class") || "";
  }

  set className(value) {
    this.setAttribute("class", value);
  }

  setAttribute(name, value) {
    this.attributes.set(String(name), String(value));
  }

  getAttribute(name) {
    return this.attributes.has(name) ? this.attributes.get(name) : null;
  }

  hasAttribute(name) {
    return this.attributes.has(name);
  }

  removeAttribute(name) {
    this.attributes.delete(name);
  }

  // Reflected properties the clients set directly.
  get hidden() { return this.hasAttribute("hidden"); }
  set hidden(on) { if (on) this.setAttribute("hidden", ""); else this.removeAttribute("hidden"); }
  get disabled() { return this.hasAttribute("disabled"); }
  set disabled(on) { if (on) this.setAttribute("disabled", ""); else this.removeAttribute("disabled"); }
  get title() { return this.getAttribute("title") || ""; }
  set title(value) { this.setAttribute("title", value); }
  get id() { return this.getAttribute("id") || ""; }
  set id(value) { this.setAttribute("id", value); }

  addEventListener(type, handler) {
    (this.listeners[type] ||= []).push(handler);
  }

  removeEventListener(type, handler) {
    this.listeners[type] = (this.listeners[type] || []).filter((fn) => fn !== handler);
  }

  /** Calls the listeners of `type` with a minimal event. */
  dispatch(type, fields = {}) {
    const event = { type, target: this, currentTarget: this, preventDefault() {}, stopPropagation() {}, ...fields };
    for (const handler of this.listeners[type] || []) handler(event);
  }

  get children() {
    return this.childNodes.filter((node) => node.nodeType === 1);
  }

  /** Every descendant element (depth first). */
  descendants() {
    return this.children.flatMap((child) => [child, ...child.descendants()]);
  }

  /** Only `[attr]` and `[attr="value"]` selectors (what the tests need). */
  querySelectorAll(selector) {
    const match = selector.match(/^\[([\w-]+)(?:="([^"]*)")?\]$/);
    if (!match) throw new Error(`fake DOM: unsupported selector ${selector}`);
    const [, name, value] = match;
    return this.descendants().filter((el) => el.hasAttribute(name) && (value === undefined || el.getAttribute(name) === value));
  }

  querySelector(selector) {
    return this.querySelectorAll(selector)[0] || null;
  }

  getBoundingClientRect() {
    return { left: 0, top: 0, width: 0, height: 0 };
  }

  focus() {}
}

export function createFakeDocument() {
  const doc = {
    createElement: (tag) => new FakeElement(doc, tag),
    createElementNS: (ns, tag) => new FakeElement(doc, tag, ns),
    createTextNode: (text) => {
      const node = new FakeNode(doc, 3);
      node.data = String(text);
      return node;
    },
    addEventListener() {},
    hidden: false,
  };
  doc.body = doc.createElement("body");
  doc.documentElement = doc.createElement("html");
  return doc;
}
