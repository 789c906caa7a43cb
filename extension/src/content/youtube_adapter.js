// Everything the extension knows about YouTube's page, and nothing else: the real player
// <video> (#movie_player, not previews nor the miniplayer), the watched video's id, title,
// channel and duration, ads, YouTube's SPA navigation and its autonav. It reports changes
// through callbacks; listeners are attached once per element and undone through Cleanup.

import { USER_INPUT_WINDOW_MS } from "../constants.js";
import { adSignals, isAdActive } from "../lib/ad_rules.js";
import { Cleanup } from "./cleanup.js";

const PLAYER = "#movie_player";
const MAIN_VIDEO = "#movie_player video.html5-main-video, #movie_player video";
const MEDIA_EVENTS = [
  "play", "pause", "seeking", "seeked", "ratechange", "playing", "waiting", "ended",
  "loadedmetadata", "durationchange", "canplay", "emptied",
];
const INPUT_EVENTS = ["pointerdown", "pointerup", "keydown", "keyup", "click"];
const POLL_MS = 500;

const AD_SELECTORS = {
  overlay: ".ytp-ad-player-overlay, .ytp-ad-player-overlay-layout",
  badge: ".ytp-ad-text, .ytp-ad-simple-ad-badge, .ytp-ad-badge, .ytp-ad-preview-container",
  skip: ".ytp-skip-ad-button, .ytp-ad-skip-button, .ytp-ad-skip-button-modern",
  module: ".ytp-ad-module",
};

/** How `el` renders inside `player` (lib/ad_rules.js: Box): hidden ancestors and opacity count. */
function elementBox(el, player, playerBox) {
  const rect = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  let display = style.display;
  let opacity = Number(style.opacity);
  for (let node = el.parentElement; node && node !== player; node = node.parentElement) {
    const up = getComputedStyle(node);
    if (up.display === "none") display = "none";
    opacity *= Number(up.opacity);
  }
  const inPlayer = rect.right > playerBox.left && rect.left < playerBox.right
    && rect.bottom > playerBox.top && rect.top < playerBox.bottom;
  const children = [...el.children].filter((child) => {
    const box = child.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(child).visibility !== "hidden";
  }).length;
  return { width: rect.width, height: rect.height, display, visibility: style.visibility, opacity, inPlayer, children };
}

function textOf(selector) {
  return document.querySelector(selector)?.textContent?.trim() || "";
}

export class YouTubeAdapter {
  /**
   * @param {{onVideo: (video: HTMLVideoElement|null) => void,
   *          onMediaEvent: (type: string, video: HTMLVideoElement) => void,
   *          onNavigate: (videoId: string|null) => void,
   *          isOwnUi: (event: Event) => boolean}} callbacks
   */
  constructor(callbacks) {
    this.callbacks = callbacks;
    this.cleanup = new Cleanup();
    this.videoCleanup = new Cleanup();
    this.video = null;
    this.videoId = null;
    this.lastInputAt = -Infinity;
    this.pointerDown = false;
    this.boundAt = 0;
    this.bindTimer = null;
  }

  start() {
    const { cleanup } = this;
    cleanup.listen(document, "yt-navigate-finish", () => this.refresh());
    cleanup.listen(window, "popstate", () => this.refresh());
    for (const type of INPUT_EVENTS) {
      cleanup.listen(window, type, (event) => this.noteInput(event), { capture: true, passive: true });
    }
    cleanup.interval(() => this.refresh(), POLL_MS); // history changes YouTube makes silently
    cleanup.observe(new MutationObserver(() => this.bindSoon()), document.documentElement, {
      childList: true,
      subtree: true,
    });
    this.refresh();
  }

  stop() {
    clearTimeout(this.bindTimer);
    this.videoCleanup.dispose();
    this.cleanup.dispose();
  }

  noteInput(event) {
    if (!event.isTrusted || this.callbacks.isOwnUi(event)) return;
    if (event.type === "pointerdown") this.pointerDown = true;
    if (event.type === "pointerup") this.pointerDown = false;
    this.lastInputAt = performance.now();
  }

  /** True when a media event now is most likely the user's doing (not autoplay, not us). */
  userIsActing() {
    return this.pointerDown || performance.now() - this.lastInputAt < USER_INPUT_WINDOW_MS;
  }

  /** The video id of the watch page, or null on any other page. */
  pageVideoId() {
    if (location.pathname !== "/watch") return null;
    return new URLSearchParams(location.search).get("v");
  }

  refresh() {
    const videoId = this.pageVideoId();
    if (videoId !== this.videoId) {
      this.videoId = videoId;
      this.callbacks.onNavigate(videoId);
    }
    this.bindVideo();
  }

  /** YouTube mutates its page constantly: look for a new <video> at most every 100 ms. */
  bindSoon() {
    if (this.bindTimer) return;
    this.bindTimer = setTimeout(() => {
      this.bindTimer = null;
      this.bindVideo();
    }, 100);
  }

  findVideo() {
    if (!this.videoId) return null;
    const player = document.querySelector(PLAYER);
    if (!player || player.closest("ytd-miniplayer, #inline-preview-player, ytd-video-preview")) return null;
    return document.querySelector(MAIN_VIDEO);
  }

  bindVideo() {
    const video = this.findVideo();
    if (video === this.video) return;
    this.videoCleanup.dispose();
    this.video = video;
    this.boundAt = performance.now();
    if (video) {
      for (const type of MEDIA_EVENTS) {
        this.videoCleanup.listen(video, type, () => this.callbacks.onMediaEvent(type, video));
      }
    }
    this.callbacks.onVideo(video);
  }

  /** The plain snapshot lib/ad_rules.js decides on: what shows, not what is present. */
  adSnapshot() {
    const player = document.querySelector(PLAYER);
    if (!player) return null;
    const playerBox = player.getBoundingClientRect();
    const boxes = (selector) => [...player.querySelectorAll(selector)].map((el) => elementBox(el, player, playerBox));
    return {
      playerClasses: [...player.classList],
      overlay: boxes(AD_SELECTORS.overlay),
      badge: boxes(AD_SELECTORS.badge),
      skip: boxes(AD_SELECTORS.skip),
      module: boxes(AD_SELECTORS.module),
    };
  }

  adActive() {
    return isAdActive(this.adSnapshot());
  }

  adReasons() {
    return adSignals(this.adSnapshot());
  }

  /** Title, channel and duration of the watched video (best effort; YouTube's markup moves). */
  metadata() {
    const title =
      textOf("h1.ytd-watch-metadata yt-formatted-string") ||
      textOf("#title h1") ||
      document.title.replace(/^\(\d+\)\s*/, "").replace(/ - YouTube$/, "");
    const channel = textOf("ytd-watch-metadata ytd-channel-name a") || textOf("#owner #channel-name a") || textOf("#channel-name");
    const duration = this.video && !this.adActive() ? this.video.duration : NaN;
    return {
      videoId: this.videoId,
      title,
      channel,
      durationMs: Number.isFinite(duration) && duration > 0 ? Math.round(duration * 1000) : null,
    };
  }

  /** While in a room, YouTube must not move on to its own "up next". */
  suppressAutonav() {
    const toggle = document.querySelector('.ytp-autonav-toggle-button[aria-checked="true"]');
    toggle?.click(); // YouTube's own button turns autonav off (an untrusted click: not "user input")
    document.querySelector(".ytp-autonav-endscreen-upnext-cancel-button")?.click();
  }

  /** Milliseconds since the current <video> element was bound. */
  msSinceBound() {
    return performance.now() - this.boundAt;
  }

  /** The video's state as the sync engine reads it. */
  videoState() {
    const video = this.video;
    if (!video) return null;
    return {
      currentTimeMs: video.currentTime * 1000,
      paused: video.paused,
      playbackRate: video.playbackRate,
      seeking: video.seeking,
      readyState: video.readyState,
      ended: video.ended,
      durationMs: Number.isFinite(video.duration) ? video.duration * 1000 : null,
      adActive: this.adActive(), // the page's claim; the sync loop judges it (lib/ad_verdict.js)
    };
  }
}
