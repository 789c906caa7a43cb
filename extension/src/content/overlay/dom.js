// Tiny DOM helpers for the overlay. Text always goes in through textContent (never innerHTML):
// names, titles and chat come from other people.

/** h("button", {testid: "st-x", text: "Go", onClick}, ...children) */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") element.textContent = String(value);
    else if (key === "testid") element.setAttribute("data-testid", value);
    else if (key === "class") element.className = value;
    else if (/^on[A-Z]/.test(key)) element.addEventListener(key.slice(2).toLowerCase(), value);
    else if (["value", "checked", "disabled", "draggable", "hidden"].includes(key)) element[key] = value;
    else element.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

export function replaceChildren(element, children) {
  element.replaceChildren(...children.filter(Boolean));
}

/** 754000 → "12:34"; 3723000 → "1:02:03"; null → "" */
export function formatDuration(ms) {
  if (!Number.isFinite(ms) || ms < 0) return "";
  const total = Math.floor(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}` : `${minutes}:${seconds}`;
}

/** Runs `render` only when `key` (a string of what it depends on) changed since last time. */
export function memo() {
  let last;
  return (key, render) => {
    if (key === last) return;
    last = key;
    render();
  };
}
