// The overlay on youtube.com: a pill that expands into a panel, all inside an OPEN shadow root
// (YouTube's CSS and ours never mix; tests can reach in). It sits outside the player, top
// right under the masthead, so it never covers YouTube's own controls. Keys typed into it do
// not reach YouTube's shortcuts. In fullscreen (where only the player is drawn) the player
// layer (player_layer.js) carries the banners, "Join playback", toasts and a chat input.
// It follows YouTube's theme: YouTube sets `dark` on <html>, the host gets data-theme="dark".
// From the keyboard: Shift+Tab from the top of the page reaches the pill (the overlay is the
// last thing in the document), Enter or Space opens the panel, Escape closes it and puts the
// focus back on the pill.

import { AccountSection } from "./account_section.js";
import { BansSection } from "./bans_section.js";
import { ChatSection } from "./chat_section.js";
import { h } from "./dom.js";
import { InviteConfirm } from "./invite_confirm.js";
import { KnocksSection } from "./knocks_section.js";
import { PlayedSection } from "./played_section.js";
import { QueueSection } from "./queue_section.js";
import { RemotesSection } from "./remotes_section.js";
import { RoomHeader } from "./room_header.js";
import { RosterSection } from "./roster_section.js";
import { SettingsSection } from "./settings_section.js";
import { SocialSection } from "./social_section.js";
import { PlayerLayer } from "./player_layer.js";
import { OVERLAY_CSS } from "./styles.js";
import { memberCount } from "../../../../clients/core/roster.js";

export const OVERLAY_HOST_ID = "sharetube-overlay";

export class Overlay {
  constructor(actions) {
    this.actions = actions;
    this.open = false;
    this.host = h("div", { id: OVERLAY_HOST_ID });
    this.shadow = this.host.attachShadow({ mode: "open" });
    this.pillLabel = h("span", { text: "ShareTube" });
    this.pill = h("button", {
      testid: "st-panel-toggle", class: "pill", "aria-expanded": "false", "aria-controls": "st-panel",
      onClick: () => this.setOpen(!this.open),
    }, h("span", { class: "dot" }), this.pillLabel);
    this.notice = h("div", { class: "notice", role: "status", hidden: true });
    this.sections = [
      new InviteConfirm(actions),
      new KnocksSection(actions),
      new RoomHeader(actions),
      new SocialSection(actions),
      new AccountSection(actions),
      new RosterSection(actions),
      new BansSection(actions),
      new RemotesSection(actions),
      new QueueSection(actions),
      new PlayedSection(actions),
      new ChatSection(actions),
      new SettingsSection(actions),
    ];
    this.panel = h("div", { id: "st-panel", class: "panel", hidden: true, role: "region", "aria-label": "ShareTube" },
      ...this.sections.filter((section) => !section.alwaysVisible?.includes(section.element)).map((section) => section.element));
    const outside = this.sections.flatMap((section) => section.alwaysVisible || []);
    this.root = h("div", { class: "root" }, this.pill, ...outside, this.notice, this.panel);
    this.shadow.append(h("style", { text: OVERLAY_CSS }), this.root);
    for (const type of ["keydown", "keyup", "keypress"]) {
      // YouTube listens for k, j, l, space… on the document: typing a chat line must not seek.
      this.host.addEventListener(type, (event) => event.stopPropagation());
    }
    this.playerLayer = new PlayerLayer(actions);
    this.host.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && this.open) {
        this.setOpen(false);
        this.pill.focus();
      }
    });
    this.themeObserver = new MutationObserver(() => this.followTheme());
  }

  mount() {
    if (!this.host.isConnected) document.documentElement.append(this.host);
    this.followTheme();
    this.themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ["dark"] });
    this.playerLayer.start();
  }

  unmount() {
    this.themeObserver.disconnect();
    this.host.remove();
    this.playerLayer.stop();
  }

  /** YouTube's dark theme is the `dark` attribute on <html> (set and cleared live). */
  followTheme() {
    const theme = document.documentElement.hasAttribute("dark") ? "dark" : "light";
    if (this.host.dataset.theme !== theme) this.host.dataset.theme = theme;
  }

  /** True for events that happened inside the overlay or its player layer (not YouTube's player). */
  contains(event) {
    return event.composedPath().includes(this.host) || this.playerLayer.contains(event);
  }

  setOpen(open) {
    this.open = open;
    this.panel.hidden = !open;
    this.pill.setAttribute("aria-expanded", String(open));
  }

  update(model) {
    const { view } = model;
    if (view) {
      const online = memberCount(view.members, view.membersTotal);
      this.pillLabel.textContent = `ShareTube · ${view.code} · ${online}`;
    } else {
      this.pillLabel.textContent = model.signedIn ? "ShareTube" : "ShareTube · sign in";
    }
    this.notice.hidden = !model.notice;
    this.notice.textContent = model.notice || "";
    for (const section of this.sections) section.update(model);
    this.playerLayer.update(model);
  }
}
