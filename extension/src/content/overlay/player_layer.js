// The room inside YouTube's fullscreen. In fullscreen only the fullscreen element's subtree is
// drawn (YouTube fullscreens #movie_player), so the overlay beside the masthead disappears with
// everything it says. This layer lives INSIDE the player, in its own open shadow root, and shows
// while the player is (inside) the fullscreen element: the waiting / ad banner with who is
// waited for and "Start now", "Join playback", notices, chat lines as toasts, a small chat
// input behind a toggle, and vote-skip and the reaction buttons behind another (the panel's
// own SocialSection, a second instance: one code for both places). It keeps clear of YouTube's own bottom bar (measured, not assumed) and
// lets clicks on the empty video through to YouTube.

import { MAX_CHAT_CHARS, TYPING_SEND_INTERVAL_MS } from "../../constants.js";
import { nextToasts } from "../../lib/chat_toasts.js";
import { h } from "./dom.js";
import { SocialSection } from "./social_section.js";
import { PLAYER_LAYER_CSS } from "./styles.js";
import { waitingText } from "./waiting_text.js";

export const PLAYER_LAYER_HOST_ID = "sharetube-player-layer";
const PLAYER = "#movie_player"; // what YouTube fullscreens (youtube_adapter.js finds the same)
const BOTTOM_BAR = ".ytp-chrome-bottom";
const BOTTOM_GAP_PX = 8; // between our lowest line and the top of YouTube's bottom bar
const FALLBACK_BOTTOM_PX = 72; // when the page shows no bottom bar we can measure

/** The player element to draw into while the page is fullscreen, else null. */
export function fullscreenPlayer(doc = document) {
  const full = doc.fullscreenElement;
  if (!full || full.tagName === "VIDEO") return null; // a bare <video> in fullscreen draws nothing else
  if (full.matches(PLAYER)) return full;
  return full.querySelector(PLAYER) || full;
}

/** Pixels from the player's bottom edge our layer must stay above (YouTube's bar, if shown). */
export function bottomClearancePx(player) {
  const bar = player.querySelector(BOTTOM_BAR);
  const box = bar?.getBoundingClientRect();
  const shown = bar && box.height > 0 && getComputedStyle(bar).display !== "none";
  if (!shown) return FALLBACK_BOTTOM_PX;
  return Math.max(0, player.getBoundingClientRect().bottom - box.top) + BOTTOM_GAP_PX;
}

export class PlayerLayer {
  constructor(actions) {
    this.actions = actions;
    this.model = null;
    this.chatToasts = { seenId: null, toasts: [] }; // lib/chat_toasts.js
    this.typingSentAt = -Infinity;
    this.host = h("div", { id: PLAYER_LAYER_HOST_ID });
    this.shadow = this.host.attachShadow({ mode: "open" });
    this.waitingText = h("div");
    this.startNow = h("button", {
      testid: "st-fs-start-now", class: "primary", text: "Start now", onClick: () => actions.startNow(),
    });
    this.waiting = h("div", { testid: "st-fs-waiting", class: "card banner", role: "status" }, this.waitingText, this.startNow);
    this.resume = h("button", {
      testid: "st-fs-resume-playback", class: "primary resume", text: "▶ Join playback", onClick: () => actions.resume(),
    });
    this.notice = h("div", { testid: "st-fs-notice", class: "card notice", role: "status" });
    this.toastList = h("div", { testid: "st-fs-toasts", class: "toasts", "aria-live": "polite" });
    this.input = h("input", {
      testid: "st-fs-chat-input", placeholder: "Message the room", "aria-label": "Chat message", maxlength: MAX_CHAT_CHARS,
      onKeydown: (event) => {
        if (event.key === "Enter") this.send();
        else if (event.key === "Escape") {
          this.setChatOpen(false);
          this.chatToggle.focus(); // the input hides: the focus goes back to its toggle, not out of the layer
        }
        else this.noteTyping();
      },
    });
    this.chatToggle = h("button", {
      testid: "st-fs-chat-toggle", class: "chat-toggle", text: "💬 Chat", "aria-expanded": "false",
      onClick: () => this.setChatOpen(this.input.hidden),
    });
    this.input.hidden = true;
    this.social = new SocialSection(actions);
    for (const el of [this.social.element, ...this.social.element.querySelectorAll("[data-testid]")]) {
      el.dataset.testid = el.dataset.testid.replace(/^st-/, "st-fs-"); // st-fs-*, as the rest of this layer
    }
    this.socialToggle = h("button", {
      testid: "st-fs-social-toggle", class: "chat-toggle", text: "😀 React", "aria-expanded": "false",
      "aria-label": "React or vote to skip", onClick: () => this.setSocialOpen(!this.socialOpen),
    });
    this.socialOpen = false;
    this.socialRow = h("div", { class: "social-wrap" }, this.social.element);
    this.socialRow.hidden = true;
    this.top = h("div", { class: "top" }, this.resume, this.waiting, this.notice);
    this.bottom = h("div", { class: "bottom" }, this.toastList, this.socialRow,
      h("div", { class: "row" }, this.chatToggle, this.socialToggle, this.input));
    this.layer = h("div", { class: "layer" }, this.top, this.bottom);
    this.shadow.append(h("style", { text: PLAYER_LAYER_CSS }), this.layer);
    for (const type of ["keydown", "keyup", "keypress"]) {
      // YouTube's shortcuts (k, f, j, l, space…) listen on the document: typing here must not seek.
      this.host.addEventListener(type, (event) => event.stopPropagation());
    }
    this.onFullscreenChange = () => this.model && this.update(this.model);
  }

  start() {
    document.addEventListener("fullscreenchange", this.onFullscreenChange);
  }

  stop() {
    document.removeEventListener("fullscreenchange", this.onFullscreenChange);
    this.host.remove();
  }

  contains(event) {
    return event.composedPath().includes(this.host);
  }

  setChatOpen(open) {
    this.input.hidden = !open;
    this.chatToggle.setAttribute("aria-expanded", String(open));
    if (open) this.input.focus();
  }

  setSocialOpen(open) {
    this.socialOpen = open;
    this.socialToggle.setAttribute("aria-expanded", String(open));
    if (this.model) this.render(this.model);
    if (open) this.socialRow.querySelector("button:not([hidden]):not([disabled])")?.focus();
  }

  noteTyping() {
    const now = performance.now();
    if (now - this.typingSentAt < TYPING_SEND_INTERVAL_MS) return;
    this.typingSentAt = now;
    this.actions.typing();
  }

  async send() {
    const text = this.input.value.trim();
    if (text && (await this.actions.sendChat(text))) this.input.value = "";
  }

  update(model) {
    this.model = model;
    this.collectToasts(model.view, Date.now());
    const player = model.view ? fullscreenPlayer() : null;
    if (!player) {
      this.host.style.display = "none"; // inline: the page's CSS cannot bring it back
      return;
    }
    if (this.host.parentNode !== player) player.append(this.host); // YouTube may rebuild its player
    this.host.style.display = "";
    this.layer.style.bottom = `${bottomClearancePx(player)}px`;
    this.render(model);
  }

  render(model) {
    const { view } = model;
    const playback = view.playback;
    const holding = ["starting", "midroll"].includes(playback.state);
    this.waiting.hidden = !holding;
    if (holding) {
      this.waitingText.textContent = waitingText(view);
      this.startNow.hidden = !model.isOperator;
    }
    this.resume.hidden = !model.blocked;
    this.notice.hidden = !model.notice;
    this.notice.textContent = model.notice || "";
    this.social.update(model);
    const social = !this.social.element.hidden; // something to vote on or react to
    this.socialToggle.hidden = !social;
    this.socialRow.hidden = !(social && this.socialOpen);
    this.toastList.replaceChildren(...this.chatToasts.toasts.map(({ line }) => this.renderToast(line)));
  }

  /** New chat lines become toasts (lib/chat_toasts.js); history never does. */
  collectToasts(view, nowMs) {
    this.chatToasts = nextToasts(this.chatToasts, view, nowMs);
  }

  renderToast(line) {
    if (line.kind === "system") return h("div", { testid: "st-fs-toast", class: "toast system", text: line.text });
    return h("div", { testid: "st-fs-toast", class: "toast", "data-message-id": line.id }, h("b", { text: line.name }), line.text);
  }
}
