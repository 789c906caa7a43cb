// Chat: messages rendered as text only; a send box.

import { h } from "./dom.js";

export function createChatView({ state, actions }) {
  const list = h("ol", { class: "chat-list", "aria-label": "Chat messages", "aria-live": "polite", testid: "chat-list" });
  const input = h("input", {
    class: "text-input",
    id: "chat-input", type: "text", maxlength: "500", autocomplete: "off", enterkeyhint: "send", "aria-label": "Message", placeholder: "Say something…", testid: "chat-input",
  });
  const send = h("button", { class: "btn btn-primary", text: "Send", type: "submit", "aria-label": "Send message", testid: "chat-send" });
  const form = h("form", { class: "chat-form", "aria-label": "Send a message" }, input, send);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    send.disabled = true;
    const ack = await actions.command("chat.send", { text });
    send.disabled = false;
    if (ack.ok) input.value = "";
  });
  const section = h("section", { class: "view view-chat", id: "view-chat", role: "tabpanel", "aria-labelledby": "tab-chat", hidden: true },
    list, form);

  let shown = 0; // how many of state.chat are in the list

  function message(m) {
    const time = new Date(m.created_ms || Date.now()).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    if (m.kind === "system") return h("li", { class: "msg msg-system", text: `${m.text} · ${time}` });
    const mine = m.user_id === state.userId;
    return h("li", { class: `msg${mine ? " msg-mine" : ""}`, testid: "chat-message" },
      h("span", { class: "msg-name", text: mine ? "You" : m.name }),
      h("span", { class: "msg-text", text: m.text }),
      h("span", { class: "msg-time", text: time }));
  }

  function render({ full = false } = {}) {
    const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    if (full || shown > state.chat.length || list.children.length !== shown) {
      list.replaceChildren(...state.chat.map(message));
    } else {
      for (const m of state.chat.slice(shown)) list.append(message(m));
    }
    shown = state.chat.length;
    if (nearBottom || full) list.scrollTop = list.scrollHeight;
  }

  return { section, render, scrollToEnd: () => { list.scrollTop = list.scrollHeight; } };
}
