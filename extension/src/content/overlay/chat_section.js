// Room chat: the log (system lines in italics), who is typing, and a box to write in.
// Links to YouTube videos in a message become queue entries on the server. Scrolling to the top
// of the log (or "Older messages", for the keyboard) loads the page before it (chat.history);
// the lines in view stay where they were.

import { MAX_CHAT_CHARS, TYPING_SEND_INTERVAL_MS } from "../../constants.js";
import { typingNames } from "../../lib/room_view.js";
import { h, keepFocusOnHide, memo } from "./dom.js";

const OLDER_AT_PX = 8; // scrolled this close to the top: the page before is asked for

export class ChatSection {
  constructor(actions) {
    this.actions = actions;
    this.changed = memo();
    this.typingSentAt = 0;
    // Focusable, so the keyboard can scroll it (a scrolling region without a focusable child).
    this.log = h("div", {
      testid: "st-chat-log", class: "chat-log", role: "log", "aria-live": "polite", "aria-label": "Chat messages", tabindex: "0",
      onScroll: () => this.log.scrollTop < OLDER_AT_PX && this.loadOlder(),
    });
    this.older = h("button", { testid: "st-chat-older", class: "small", text: "Older messages", hidden: true,
      "aria-label": "Older messages: load earlier chat lines", onClick: () => this.loadOlder() });
    this.loadingOlder = false;
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
      h("h3", { text: "Chat" }), this.older, this.log, this.typing,
      h("div", { class: "row" }, this.input, h("button", { testid: "st-chat-send", class: "small", text: "Send", onClick: () => this.send() })),
    );
  }

  async loadOlder() {
    if (this.loadingOlder || !this.view?.chatMore) return;
    this.loadingOlder = true;
    try {
      await this.actions.loadOlderChat();
    } finally {
      this.loadingOlder = false;
    }
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
    this.view = view;
    this.element.hidden = !view;
    if (!view) return;
    // The last older page loaded: "Older messages" goes, the focus moves to the log it filled.
    keepFocusOnHide(this.element, () => { this.older.hidden = !view.chatMore; }, () => [this.log]);
    const names = typingNames(view, Date.now(), model.selfId);
    this.typing.textContent = names.length ? `${names.join(", ")} ${names.length > 1 ? "are" : "is"} typing…` : "";
    const last = view.chat[view.chat.length - 1];
    const first = view.chat[0];
    this.changed(`${view.chat.length}|${first?.id}|${last?.id}`, () => {
      const atBottom = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 24;
      const olderCame = this.firstId !== undefined && first?.id !== this.firstId && last?.id === this.lastId;
      const fromBottom = this.log.scrollHeight - this.log.scrollTop;
      this.firstId = first?.id;
      this.lastId = last?.id;
      this.log.replaceChildren(...view.chat.map((line) => this.renderLine(line)));
      if (olderCame) this.log.scrollTop = this.log.scrollHeight - fromBottom; // keep the lines in view still
      else if (atBottom) this.log.scrollTop = this.log.scrollHeight;
    });
  }

  renderLine(line) {
    if (line.kind === "system") return h("div", { class: "chat-line system", text: line.text });
    return h("div", { class: "chat-line", "data-message-id": line.id }, h("b", { text: line.name }), line.text);
  }
}
