// Room chat: the log (system lines in italics), who is typing, and a box to write in.
// Links to YouTube videos in a message become queue entries on the server.

import { MAX_CHAT_CHARS, TYPING_SEND_INTERVAL_MS } from "../../constants.js";
import { typingNames } from "../../lib/room_view.js";
import { h, memo } from "./dom.js";

export class ChatSection {
  constructor(actions) {
    this.actions = actions;
    this.changed = memo();
    this.typingSentAt = 0;
    // Focusable, so the keyboard can scroll it (a scrolling region without a focusable child).
    this.log = h("div", {
      testid: "st-chat-log", class: "chat-log", role: "log", "aria-live": "polite", "aria-label": "Chat messages", tabindex: "0",
    });
    this.typing = h("div", { class: "muted" });
    this.input = h("input", {
      testid: "st-chat-input", placeholder: "Say something (YouTube links join the queue)",
      "aria-label": "Chat message", maxlength: MAX_CHAT_CHARS,
      onKeydown: (event) => {
        if (event.key === "Enter") this.send();
        else this.noteTyping();
      },
    });
    this.element = h("section", {},
      h("h3", { text: "Chat" }), this.log, this.typing,
      h("div", { class: "row" }, this.input, h("button", { testid: "st-chat-send", class: "small", text: "Send", onClick: () => this.send() })),
    );
  }

  noteTyping() {
    const now = performance.now();
    if (now - this.typingSentAt < TYPING_SEND_INTERVAL_MS) return;
    this.typingSentAt = now;
    this.actions.typing();
  }

  async send() {
    const text = this.input.value.trim();
    if (!text) return;
    if (await this.actions.sendChat(text)) this.input.value = "";
  }

  update(model) {
    const { view } = model;
    this.element.hidden = !view;
    if (!view) return;
    const names = typingNames(view, Date.now(), model.selfId);
    this.typing.textContent = names.length ? `${names.join(", ")} ${names.length > 1 ? "are" : "is"} typing…` : "";
    const last = view.chat[view.chat.length - 1];
    this.changed(`${view.chat.length}|${last?.id}`, () => {
      const atBottom = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 24;
      this.log.replaceChildren(...view.chat.map((line) => this.renderLine(line)));
      if (atBottom) this.log.scrollTop = this.log.scrollHeight;
    });
  }

  renderLine(line) {
    if (line.kind === "system") return h("div", { class: "chat-line system", text: line.text });
    return h("div", { class: "chat-line", "data-message-id": line.id }, h("b", { text: line.name }), line.text);
  }
}
