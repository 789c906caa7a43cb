// Everything the extension knows about YouTube's page, and nothing else: the real player
// <video> (#movie_player, not previews nor the miniplayer), the watched video's id, title,
// channel and duration, ads, YouTube's SPA navigation and its autonav. It reports changes
// through callbacks; listeners are attached once per element and undone through Cleanup.

import { adSignals, isAdActive } from "../lib/ad_rules.js";
import { personCaused } from "../lib/input_cause.js";
import { Cleanup } from "./cleanup.js";

const PLAYER = "#movie_player";
const MAIN_VIDEO_IN_PLAYER = "video.html5-main-video";
const TITLE = "h1.ytd-watch-metadata yt-formatted-string";
const MEDIA_EVENTS = [
  "play", "pause", "seeking", "seeked", "ratechange", "playing", "waiting", "ended",
  "loadedmetadata", "durationchange", "canplay", "emptied",
];
const MEDIA_SESSION_EVENT = "sharetube:media-session";
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

/** Rendered with a box (not display:none, nor inside a hidden ancestor). */
function isRendered(el) {
  const rect = el.getBoundingClientRect();
  return rect.width > 0 && rect.height > 0;
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
    this.staleTitle = null; // the title area's text when the page's video last changed
  }

  start() {
    const { cleanup } = this;
    cleanup.listen(document, "yt-navigate-finish", () => this.refresh());
    cleanup.listen(window, "popstate", () => this.refresh());
    for (const type of INPUT_EVENTS) {
      cleanup.listen(window, type, (event) => this.noteInput(event), { capture: true, passive: true });
    }
    // Media keys / Chrome's media controls (media_session_bridge.js, in the page's world).
    cleanup.listen(document, MEDIA_SESSION_EVENT, () => { this.lastInputAt = performance.now(); });
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

  /** True when a media event now is most likely the user's doing (not autoplay, not us, not
   * the page restoring the video after an ad last seen at `adSeenAtMs`: lib/input_cause.js). */
  userIsActing(adSeenAtMs = -Infinity) {
    return personCaused({
      nowMs: performance.now(),
      lastInputAtMs: this.lastInputAt,
      pointerDown: this.pointerDown,
      adSeenAtMs,
    });
  }

  /**
   * The video id of the watch page; on any other page null, unless YouTube's miniplayer keeps
   * playing the watched video while the viewer browses (the same #movie_player, moved there).
   */
  pageVideoId() {
    if (location.pathname === "/watch") return new URLSearchParams(location.search).get("v");
    const mini = document.querySelector(`ytd-miniplayer ${PLAYER}`);
    return mini && isRendered(mini) ? this.videoId : null;
  }

  refresh() {
    const videoId = this.pageVideoId();
    if (videoId !== this.videoId) {
      // What the title area shows right now belongs to the previous video until YouTube
      // re-renders it (it may do so late): metadata() does not take it for the new one.
      if (this.videoId || this.staleTitle !== null) this.staleTitle = textOf(TITLE);
      else if (videoId) this.staleTitle = ""; // a fresh page: its title area is this video's
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

  /**
   * The watched <video>: inside #movie_player (also in the miniplayer; never an inline
   * preview). The bound element is kept while it stays in the player: an ad may play in a
   * second <video> there, in front of it. A removed element is replaced by the new one.
   */
  findVideo() {
    if (!this.videoId) return null;
    const player = document.querySelector(PLAYER);
    if (!player || player.closest("#inline-preview-player, ytd-video-preview")) return null;
    if (this.video && this.video.isConnected && player.contains(this.video)) return this.video;
    return player.querySelector(MAIN_VIDEO_IN_PLAYER) || player.querySelector("video");
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

  /**
   * Title, channel and duration of the watched video (best effort; YouTube's markup moves and
   * renders late). A title area still empty or still showing the previous video's title says
   * nothing: the title is left out ("" — the server asks oEmbed).
   */
  metadata() {
    let title = textOf(TITLE) || textOf("#title h1");
    let channel = textOf("ytd-watch-metadata ytd-channel-name a") || textOf("#owner #channel-name a");
    if (!title || title === this.staleTitle) {
      title = "";
      channel = "";
    }
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
