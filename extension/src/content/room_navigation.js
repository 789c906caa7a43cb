// Keeps the tab on the room's video. When the room moves to a new entry the tab goes there;
// when the user opens another video while in the room, they choose (play it for everyone,
// queue it, or leave) — never a silent hijack, never a silent leave. YouTube's own autonav
// (a new video without the user's input) is undone. What the tab last saw of the room
// survives page loads in sessionStorage, so a reload is not mistaken for "the user left".

import { watchUrl } from "../lib/youtube_ids.js";

const LAST_ENTRY_KEY = "sharetube:lastEntry";

export class RoomNavigation {
  /**
   * @param {{adapter: object, getView: () => object|null, setChoice: (choice: object|null) => void}} deps
   */
  constructor(deps) {
    Object.assign(this, deps);
    this.lastEntry = sessionStorage.getItem(LAST_ENTRY_KEY);
  }

  remember(entryKey) {
    this.lastEntry = entryKey;
    try {
      sessionStorage.setItem(LAST_ENTRY_KEY, entryKey);
    } catch {
      // storage full or disabled: only reload detection suffers
    }
  }

  /** The room's playback changed (or a snapshot arrived). */
  roomChanged() {
    const playback = this.getView()?.playback;
    const roomVideo = playback?.video_id;
    if (!roomVideo) return;
    const entryKey = `${playback.entry_id}:${roomVideo}`;
    const pageVideo = this.adapter.videoId;
    if (entryKey !== this.lastEntry) {
      this.remember(entryKey);
      this.setChoice(null);
      if (pageVideo !== roomVideo) this.go(roomVideo);
      return;
    }
    if (pageVideo && pageVideo !== roomVideo) this.offerChoice(pageVideo);
  }

  /** The page's video changed (SPA navigation or a fresh page). */
  pageChanged(pageVideo) {
    const roomVideo = this.getView()?.playback?.video_id;
    if (!roomVideo || !pageVideo || pageVideo === roomVideo) {
      this.setChoice(null);
      return;
    }
    if (!this.adapter.userIsActing()) {
      this.go(roomVideo); // YouTube's autoplay/autonav moved on by itself
      return;
    }
    this.offerChoice(pageVideo);
  }

  offerChoice(videoId) {
    this.setChoice({ videoId, title: this.adapter.metadata().title });
  }

  go(videoId) {
    if (this.adapter.videoId === videoId) return;
    location.assign(watchUrl(videoId));
  }

  /** "Add to queue" was chosen: back to what the room plays. */
  backToRoom() {
    const roomVideo = this.getView()?.playback?.video_id;
    if (roomVideo) this.go(roomVideo);
  }
}
