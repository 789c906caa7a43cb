// The imitation YouTube watch page's own script (page world, like YouTube's).
// SPA navigation with yt-navigate-start / yt-navigate-finish, keyboard shortcuts, the control
// bar and the player API on #movie_player, autonav at the end of a video, theater mode, the
// miniplayer, MediaSession handlers, and midroll ads that tests start with
// window.__fakeYT.startAd(ms). The page's VARIANT flags (harness/page_variants.py) switch on
// real youtube.com behaviours. Nothing here belongs to ShareTube.
(() => {
  "use strict";
  const $ = (selector, root = document) => root.querySelector(selector);
  const player = $("#movie_player");
  const container = $("#movie_player .html5-video-container");
  let video = $("#movie_player video.html5-main-video");
  const previewVideo = $("ytd-video-preview video");
  const autonavToggle = $(".ytp-autonav-toggle-button");
  const countdown = $(".ytp-autonav-endscreen-countdown-overlay");
  const state = {
    data: JSON.parse($("#fake-yt-data").textContent),
    ad: null, // {resumeAt, wasPlaying, timer, adVideo} while an ad plays
    autonavTimer: null,
    metadataTimer: null,
    navigations: 0,
  };
  const V = state.data.variant || {};
  const API_DELAY_MS = 40; // the player API's effect lands this late (player_api_controls)
  const SPEEDS = [0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2];
  const AUTONAV_MS = V.autonav_countdown ? 2000 : 1000;

  const clock = (s) => {
    const t = Math.max(0, Math.floor(s || 0));
    return `${Math.floor(t / 60)}:${String(t % 60).padStart(2, "0")}`;
  };

  function showMode() {
    const ended = video.ended && !state.ad;
    player.classList.toggle("playing-mode", !video.paused && !ended);
    player.classList.toggle("paused-mode", video.paused && !ended);
    player.classList.toggle("ended-mode", ended);
    const label = video.paused ? "Play (k)" : "Pause (k)";
    $(".ytp-play-button").setAttribute("aria-label", label);
    $(".ytp-play-button").dataset.titleNoTooltip = video.paused ? "Play" : "Pause";
  }

  function showProgress() {
    const duration = Number.isFinite(video.duration) ? video.duration : 0;
    const bar = $(".ytp-progress-bar");
    bar.setAttribute("aria-valuemax", String(Math.round(duration)));
    bar.setAttribute("aria-valuenow", String(Math.round(video.currentTime)));
    $(".ytp-play-progress").style.width = duration ? `${(100 * video.currentTime) / duration}%` : "0";
    $(".ytp-time-current").textContent = clock(video.currentTime);
    $(".ytp-time-duration").textContent = clock(duration);
  }

  function renderMetadata(data) {
    document.title = `${data.title} - YouTube`;
    $("h1.ytd-watch-metadata yt-formatted-string").textContent = data.title;
    const channel = $("ytd-channel-name #text a");
    channel.textContent = data.channel;
    channel.setAttribute("href", data.channelUrl);
    const items = $("#related #items");
    items.replaceChildren(...data.related.map((item) => {
      const renderer = document.createElement("ytd-compact-video-renderer");
      const link = document.createElement("a");
      link.className = "yt-simple-endpoint style-scope ytd-compact-video-renderer";
      link.href = `/watch?v=${item.videoId}`;
      link.dataset.videoId = item.videoId;
      const title = document.createElement("span");
      title.id = "video-title";
      title.textContent = item.title;
      link.append(title);
      const channel = document.createElement("div");
      channel.className = "channel";
      channel.textContent = item.channel;
      renderer.append(link, channel);
      return renderer;
    }));
  }

  /** late_metadata_ms: the title area keeps what it showed (or nothing) for a while. */
  function render(data, { fresh = false } = {}) {
    $("ytd-watch-flexy").setAttribute("video-id", data.videoId);
    clearTimeout(state.metadataTimer);
    if (!V.late_metadata_ms) return renderMetadata(data);
    if (fresh) {
      document.title = "YouTube";
      $("h1.ytd-watch-metadata yt-formatted-string").textContent = "";
      $("ytd-channel-name #text a").textContent = "";
    }
    state.metadataTimer = setTimeout(() => renderMetadata(data), V.late_metadata_ms);
    return undefined;
  }

  // --- the playlist panel (watch?v=…&list=…): YouTube renders it after the page, often late ------
  function renderPlaylistPanel(data) {
    const host = $("#playlist-container");
    const list = data.playlist;
    if (!host || !list || V.playlist_panel === false) return;
    const panel = document.createElement("ytd-playlist-panel-renderer");
    panel.id = "playlist";
    const header = document.createElement("h3");
    header.textContent = list.title;
    const items = document.createElement("div");
    items.id = "items";
    list.items.forEach((item, index) => {
      const row = document.createElement("ytd-playlist-panel-video-renderer");
      if (item.videoId === data.videoId) row.setAttribute("selected", "");
      const link = document.createElement("a");
      link.id = "wc-endpoint";
      link.className = "yt-simple-endpoint style-scope ytd-playlist-panel-video-renderer";
      link.href = `/watch?v=${item.videoId}&list=${list.playlistId}&index=${index + 1}`;
      const title = document.createElement("span");
      title.id = "video-title";
      title.title = item.title;
      title.textContent = item.title;
      link.append(title);
      row.append(link);
      items.append(row);
    });
    panel.append(header, items);
    host.replaceChildren(panel);
  }

  // --- the <video> element ---------------------------------------------------------------
  function bindVideo(el) {
    for (const name of ["play", "pause", "playing", "ended", "emptied", "loadedmetadata"]) {
      el.addEventListener(name, () => el === video && showMode());
    }
    for (const name of ["timeupdate", "durationchange", "seeked"]) {
      el.addEventListener(name, () => el === video && showProgress());
    }
    el.addEventListener("ended", () => el === video && onEnded());
    el.addEventListener("click", () => togglePlay());
  }

  /** replace_video_on_navigation: the player gets a new <video>, the old one is removed. */
  function replaceVideo() {
    const fresh = document.createElement("video");
    fresh.className = video.className;
    fresh.setAttribute("playsinline", "");
    fresh.tabIndex = -1;
    video.replaceWith(fresh);
    video = fresh;
    bindVideo(fresh);
  }

  function tryPlay() {
    return video.play().catch(() => showMode()); // the autoplay policy may refuse
  }

  function loadMain(data, { autoplay, startAt = 0 }) {
    video.loop = false;
    video.src = data.src;
    if (startAt > 0) {
      const target = video;
      target.addEventListener("loadedmetadata", () => { target.currentTime = startAt; }, { once: true });
    }
    if (autoplay) tryPlay();
    showMode();
  }

  function fire(name, detail) {
    document.dispatchEvent(new CustomEvent(name, { bubbles: true, detail }));
  }

  async function navigate(videoId, { push = true } = {}) {
    cancelAutonav();
    if (state.ad) endAd({ resume: false });
    const url = `/watch?v=${encodeURIComponent(videoId)}`;
    fire("yt-navigate-start", { url, pageType: "watch" });
    const response = await fetch(`/api/video?v=${encodeURIComponent(videoId)}`);
    const data = await response.json();
    if (push) history.pushState({ videoId }, "", url);
    state.data = { ...data, variant: V };
    showWatch();
    render(data);
    if (V.replace_video_on_navigation) replaceVideo();
    loadMain(data, { autoplay: true });
    state.navigations += 1;
    fire("yt-page-data-updated", { pageType: "watch" });
    fire("yt-navigate-finish", { pageType: "watch", url, endpoint: { watchEndpoint: { videoId } } });
  }

  // --- the player API (#movie_player), which YouTube's own controls use --------------------
  function later(fn) {
    if (V.player_api_controls) setTimeout(fn, API_DELAY_MS); else fn();
  }

  function seekNow(seconds) {
    if (state.ad) return; // no seeking inside an ad, as on YouTube
    const end = Number.isFinite(video.duration) ? video.duration : seconds;
    video.currentTime = Math.min(Math.max(0, seconds), end);
  }

  Object.assign(player, {
    playVideo: () => later(() => tryPlay()),
    pauseVideo: () => later(() => video.pause()),
    seekTo: (seconds) => later(() => seekNow(seconds)),
    setPlaybackRate: (rate) => later(() => { video.playbackRate = rate; }),
    getPlaybackRate: () => video.playbackRate,
    getCurrentTime: () => video.currentTime,
    getDuration: () => video.duration,
    getPlayerState: () => {
      if (state.ad) return 1;
      if (video.ended) return 0;
      if (video.paused) return 2;
      return video.readyState < 3 ? 3 : 1;
    },
    getVideoData: () => ({ video_id: state.data.videoId, title: state.data.title }),
  });

  const seekTo = (seconds) => player.seekTo(seconds);

  function togglePlay() {
    if (video.paused) player.playVideo(); else player.pauseVideo();
  }

  function stepSpeed(step) {
    // From the nearest speed: an extension may hold the rate a little off the chosen one.
    const distance = (speed) => Math.abs(speed - video.playbackRate);
    const index = SPEEDS.reduce((best, speed, i) => (distance(speed) < distance(SPEEDS[best]) ? i : best), 0);
    const next = SPEEDS[Math.min(SPEEDS.length - 1, Math.max(0, index + step))];
    player.setPlaybackRate(next);
  }

  // --- ads (midrolls): fake_youtube_ads.js ---------------------------------------------------
  const { startAd, endAd, leaveAdMarkup } = window.__fakeYTAds({
    player, container, state, V, video: () => video, tryPlay, loadMain, showMode,
    cancelAutonav: () => cancelAutonav(),
  });

  // --- autonav -------------------------------------------------------------------------------
  const autonavOn = () => autonavToggle.getAttribute("aria-checked") === "true";

  function setAutonav(on) {
    autonavToggle.setAttribute("aria-checked", on ? "true" : "false");
    autonavToggle.closest("button").setAttribute("aria-label", `Autoplay is ${on ? "on" : "off"}`);
    if (!on) cancelAutonav();
  }

  function cancelAutonav() {
    clearTimeout(state.autonavTimer);
    state.autonavTimer = null;
    countdown.hidden = true;
  }

  function onEnded() {
    showMode();
    if (state.ad || !autonavOn() || !state.data.upNext) return;
    const next = state.data.upNext;
    $(".ytp-autonav-endscreen-upnext-title", countdown).textContent = next.title;
    countdown.hidden = false;
    state.autonavTimer = setTimeout(() => navigate(next.videoId), AUTONAV_MS);
  }

  // --- layouts: theater, the miniplayer ------------------------------------------------------
  const inMiniplayer = () => $("ytd-miniplayer").contains(player);

  function playerHome() {
    return $("ytd-watch-flexy").hasAttribute("theater") ? $("#player-full-bleed-container") : $("#player-container");
  }

  function setTheater(on) {
    $("ytd-watch-flexy").toggleAttribute("theater", on);
    if (!inMiniplayer()) playerHome().append(player); // the <video> moves with it, playing
  }

  function showWatch() {
    $("#browse").hidden = true;
    $("ytd-watch-flexy").hidden = false;
    if (inMiniplayer()) {
      playerHome().append(player);
      $("ytd-miniplayer").hidden = true;
    }
  }

  /** The viewer opens the home page inside the SPA: the miniplayer keeps playing (variant). */
  function browseAway({ push = true } = {}) {
    cancelAutonav();
    fire("yt-navigate-start", { url: "/", pageType: "browse" });
    if (push) history.pushState({}, "", "/");
    $("ytd-watch-flexy").hidden = true;
    $("#browse").hidden = false;
    if (V.miniplayer) {
      $("#miniplayer-container").append(player);
      $("ytd-miniplayer").hidden = false;
    } else {
      video.pause(); // without the miniplayer the watch page's video stops
    }
    fire("yt-navigate-finish", { pageType: "browse", url: "/" });
  }

  /** Back to the watch page of the video the (mini)player holds. */
  function backToWatch({ push = true } = {}) {
    const url = `/watch?v=${encodeURIComponent(state.data.videoId)}`;
    fire("yt-navigate-start", { url, pageType: "watch" });
    if (push) history.pushState({ videoId: state.data.videoId }, "", url);
    showWatch();
    fire("yt-navigate-finish", { pageType: "watch", url, endpoint: { watchEndpoint: { videoId: state.data.videoId } } });
  }

  // --- input ---------------------------------------------------------------------------------
  function onKeydown(event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    // Like YouTube, look only at event.target: typing in a field inside a shadow root reaches
    // here retargeted to its host, so an overlay must stop its own key events.
    const target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    if (event.key === " " && target && target.tagName === "BUTTON") return;
    const duration = Number.isFinite(video.duration) ? video.duration : 0;
    const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    if (key === "k" || key === " ") togglePlay();
    else if (key === "j") seekTo(video.currentTime - 10);
    else if (key === "l") seekTo(video.currentTime + 10);
    else if (key === "ArrowLeft") seekTo(video.currentTime - 5);
    else if (key === "ArrowRight") seekTo(video.currentTime + 5);
    else if (key === "ArrowUp") video.volume = Math.min(1, video.volume + 0.05);
    else if (key === "ArrowDown") video.volume = Math.max(0, video.volume - 0.05);
    else if (key === "m") video.muted = !video.muted;
    else if (key === "f") toggleFullscreen();
    else if (key === "t") toggleTheater();
    else if (key === "<") stepSpeed(-1);
    else if (key === ">") stepSpeed(1);
    else if (key === "Home") seekTo(0);
    else if (key === "End") seekTo(duration);
    else if (/^[0-9]$/.test(key)) seekTo((duration * Number(key)) / 10);
    else return;
    event.preventDefault();
  }

  // Like YouTube: the player element itself goes fullscreen; "t" toggles the theater layout.
  function toggleFullscreen() {
    if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
    else player.requestFullscreen().catch(() => {});
  }

  function toggleTheater() {
    setTheater(!$("ytd-watch-flexy").hasAttribute("theater")); // the player moves, playing
  }

  function onClick(event) {
    const link = event.target.closest && event.target.closest("a.yt-simple-endpoint");
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const url = new URL(link.href, location.href);
    const videoId = url.pathname === "/watch" && url.searchParams.get("v");
    if (!videoId || url.origin !== location.origin) return;
    event.preventDefault();
    navigate(videoId);
  }

  $(".ytp-play-button").addEventListener("click", togglePlay);
  $(".ytp-fullscreen-button").addEventListener("click", toggleFullscreen);
  $(".ytp-size-button").addEventListener("click", toggleTheater);
  // Clicking or dragging (scrubbing) the progress bar seeks, repeatedly while the button is down.
  const bar = $(".ytp-progress-bar");
  const seekToPointer = (event) => {
    const rect = bar.getBoundingClientRect();
    const fraction = Math.min(1, Math.max(0, (event.clientX - rect.left) / rect.width));
    if (Number.isFinite(video.duration)) seekTo(fraction * video.duration);
  };
  bar.addEventListener("pointerdown", (event) => {
    bar.setPointerCapture(event.pointerId);
    seekToPointer(event);
  });
  bar.addEventListener("pointermove", (event) => { if (event.buttons & 1) seekToPointer(event); });
  autonavToggle.closest("button").addEventListener("click", () => setAutonav(!autonavOn()));
  $(".ytp-autonav-endscreen-upnext-cancel-button").addEventListener("click", cancelAutonav);
  $(".ytp-next-button").addEventListener("click", () => state.data.upNext && navigate(state.data.upNext.videoId));
  bindVideo(video);
  document.addEventListener("keydown", onKeydown);
  document.addEventListener("click", onClick);
  window.addEventListener("popstate", () => {
    const url = new URL(location.href);
    if (url.pathname === "/") return browseAway({ push: false });
    const videoId = url.searchParams.get("v");
    if (videoId && videoId !== state.data.videoId) return navigate(videoId, { push: false });
    if (videoId) backToWatch({ push: false });
    return undefined;
  });
  if ("mediaSession" in navigator) { // media keys, like YouTube
    navigator.mediaSession.setActionHandler("play", () => player.playVideo());
    navigator.mediaSession.setActionHandler("pause", () => player.pauseVideo());
  }
  if (V.autonav_countdown) autonavToggle.closest("button").remove(); // the toggle is in a menu
  if (V.hidden_ad_leftovers) leaveAdMarkup();
  if (V.theater) setTheater(true);

  // Settings > Appearance: YouTube switches its theme live, with the `dark` attribute on <html>.
  const setDarkTheme = (on) => document.documentElement.toggleAttribute("dark", Boolean(on));

  window.__fakeYT = {
    startAd, endAd, navigate, setAutonav, cancelAutonav, seekTo, browseAway, backToWatch, setTheater, setDarkTheme,
    isAdShowing: () => Boolean(state.ad),
    get videoId() { return state.data.videoId; },
    get navigations() { return state.navigations; },
    get autonav() { return autonavOn(); },
    get variant() { return V; },
    setPreviewPlaying(on) { if (on) previewVideo.play().catch(() => {}); else previewVideo.pause(); },
    // the playlist panel: gone (as YouTube empties it while it re-renders), then rendered
    hidePlaylistPanel() { $("#playlist-container")?.replaceChildren(); },
    renderPlaylistPanel() { renderPlaylistPanel(state.data); },
  };

  const startAt = Number.parseInt(new URL(location.href).searchParams.get("t") || "0", 10);
  render(state.data, { fresh: true });
  setTimeout(() => renderPlaylistPanel(state.data), V.playlist_panel_late_ms || 0);
  loadMain(state.data, { autoplay: state.data.autoplay, startAt });
  previewVideo.play().catch(() => {}); // muted, so the autoplay policy allows it
  fire("yt-navigate-finish", {
    pageType: "watch", url: location.pathname + location.search,
    endpoint: { watchEndpoint: { videoId: state.data.videoId } },
  });
})();
