// The imitation YouTube watch page's own script (page world, like YouTube's).
// SPA navigation with yt-navigate-start / yt-navigate-finish, keyboard shortcuts, the control
// bar, autonav at the end of a video, and midroll ads that tests start with
// window.__fakeYT.startAd(ms). Nothing here belongs to ShareTube.
(() => {
  "use strict";
  const $ = (selector, root = document) => root.querySelector(selector);
  const player = $("#movie_player");
  const video = $("#movie_player video.html5-main-video");
  const previewVideo = $("ytd-video-preview video");
  const autonavToggle = $(".ytp-autonav-toggle-button");
  const countdown = $(".ytp-autonav-endscreen-countdown-overlay");
  const state = {
    data: JSON.parse($("#fake-yt-data").textContent),
    ad: null, // {resumeAt, wasPlaying, timer} while an ad plays
    autonavTimer: null,
    navigations: 0,
  };

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

  function render(data) {
    document.title = `${data.title} - YouTube`;
    $("ytd-watch-flexy").setAttribute("video-id", data.videoId);
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

  function tryPlay() {
    return video.play().catch(() => showMode()); // the autoplay policy may refuse
  }

  function loadMain(data, { autoplay, startAt = 0 }) {
    video.loop = false;
    video.src = data.src;
    if (startAt > 0) {
      video.addEventListener("loadedmetadata", () => { video.currentTime = startAt; }, { once: true });
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
    state.data = data;
    render(data);
    loadMain(data, { autoplay: true });
    state.navigations += 1;
    fire("yt-page-data-updated", { pageType: "watch" });
    fire("yt-navigate-finish", { pageType: "watch", url, endpoint: { watchEndpoint: { videoId } } });
  }

  function seekTo(seconds) {
    if (state.ad) return; // no seeking inside an ad, as on YouTube
    const end = Number.isFinite(video.duration) ? video.duration : seconds;
    video.currentTime = Math.min(Math.max(0, seconds), end);
  }

  function togglePlay() {
    if (video.paused) tryPlay(); else video.pause();
  }

  // --- ads (midrolls) ----------------------------------------------------------------------
  function startAd(ms) {
    if (state.ad) return;
    cancelAutonav();
    const durationMs = Number.isFinite(ms) ? ms : 5000;
    state.ad = { resumeAt: video.currentTime, wasPlaying: !video.paused, timer: null };
    player.classList.add("ad-showing", "ad-interrupting");
    const module = document.createElement("div");
    module.className = "video-ads ytp-ad-module";
    const overlay = document.createElement("div");
    overlay.className = "ytp-ad-player-overlay";
    overlay.innerHTML = '<span class="ytp-ad-text">Ad</span>'
      + '<button class="ytp-skip-ad-button ytp-ad-skip-button-modern">Skip</button>';
    overlay.querySelector("button").addEventListener("click", () => endAd());
    player.append(module, overlay);
    video.loop = true; // an ad shorter than `ms` keeps playing until the ad ends
    video.src = state.data.adSrc;
    tryPlay();
    state.ad.timer = setTimeout(() => endAd(), durationMs);
    showMode();
  }

  function endAd({ resume = true } = {}) {
    const ad = state.ad;
    if (!ad) return;
    clearTimeout(ad.timer);
    state.ad = null;
    player.classList.remove("ad-showing", "ad-interrupting");
    player.querySelectorAll(":scope > .ytp-ad-module, :scope > .ytp-ad-player-overlay")
      .forEach((el) => el.remove());
    if (resume) loadMain(state.data, { autoplay: ad.wasPlaying, startAt: ad.resumeAt });
  }

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
    state.autonavTimer = setTimeout(() => navigate(next.videoId), 1000);
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
    $("ytd-watch-flexy").toggleAttribute("theater");
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
  video.addEventListener("click", togglePlay);
  $(".ytp-progress-bar").addEventListener("click", (event) => {
    const rect = event.currentTarget.getBoundingClientRect();
    if (Number.isFinite(video.duration)) seekTo(((event.clientX - rect.left) / rect.width) * video.duration);
  });
  autonavToggle.closest("button").addEventListener("click", () => setAutonav(!autonavOn()));
  $(".ytp-autonav-endscreen-upnext-cancel-button").addEventListener("click", cancelAutonav);
  $(".ytp-next-button").addEventListener("click", () => state.data.upNext && navigate(state.data.upNext.videoId));
  for (const name of ["play", "pause", "playing", "ended", "emptied", "loadedmetadata"]) {
    video.addEventListener(name, showMode);
  }
  for (const name of ["timeupdate", "durationchange", "seeked"]) video.addEventListener(name, showProgress);
  video.addEventListener("ended", onEnded);
  document.addEventListener("keydown", onKeydown);
  document.addEventListener("click", onClick);
  window.addEventListener("popstate", () => {
    const videoId = new URL(location.href).searchParams.get("v");
    if (videoId && videoId !== state.data.videoId) navigate(videoId, { push: false });
  });

  window.__fakeYT = {
    startAd, endAd, navigate, setAutonav, cancelAutonav, seekTo,
    isAdShowing: () => Boolean(state.ad),
    get videoId() { return state.data.videoId; },
    get navigations() { return state.navigations; },
    get autonav() { return autonavOn(); },
    setPreviewPlaying(on) { if (on) previewVideo.play().catch(() => {}); else previewVideo.pause(); },
  };

  const startAt = Number.parseInt(new URL(location.href).searchParams.get("t") || "0", 10);
  loadMain(state.data, { autoplay: state.data.autoplay, startAt });
  previewVideo.play().catch(() => {}); // muted, so the autoplay policy allows it
  fire("yt-navigate-finish", {
    pageType: "watch", url: location.pathname + location.search,
    endpoint: { watchEndpoint: { videoId: state.data.videoId } },
  });
})();
