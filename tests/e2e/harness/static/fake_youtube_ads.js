// The imitation page's midroll ads (page world), split from fake_youtube.js: ads that replace
// the main <video>'s source, ads in a second <video> (variant ad_in_second_video), and ad markup
// left in the player, hidden, between ads (variant hidden_ad_leftovers). fake_youtube.js calls
// the factory with what the ads need of the page.
(() => {
  "use strict";
  const $ = (selector, root = document) => root.querySelector(selector);

  window.__fakeYTAds = ({ player, container, state, V, video, tryPlay, loadMain, showMode, cancelAutonav }) => {
    /** hidden_ad_leftovers: ad markup that stays in the player, hidden in the ways YouTube hides it. */
    function leaveAdMarkup() {
      if ($(":scope > .ytp-ad-module", player)) return;
      const module = document.createElement("div");
      module.className = "video-ads ytp-ad-module";
      module.innerHTML = '<div class="ytp-ad-player-overlay-layout" style="display:none"></div>';
      const overlay = document.createElement("div");
      overlay.className = "ytp-ad-player-overlay";
      overlay.style.display = "none";
      overlay.innerHTML = '<span class="ytp-ad-text">Ad</span>'
        + '<button class="ytp-skip-ad-button ytp-ad-skip-button-modern">Skip</button>';
      const badge = document.createElement("div");
      badge.className = "ytp-ad-simple-ad-badge";
      badge.textContent = "Ad";
      badge.style.visibility = "hidden";
      const preview = document.createElement("div");
      preview.className = "ytp-ad-preview-container ytp-ad-text";
      preview.textContent = "Video will play after ad";
      preview.style.opacity = "0";
      const skip = document.createElement("button");
      skip.className = "ytp-ad-skip-button";
      skip.style.cssText = "width:0;height:0;padding:0;border:0;overflow:hidden";
      player.append(module, overlay, badge, preview, skip);
    }

    function startAd(ms) {
      if (state.ad) return;
      cancelAutonav();
      const durationMs = Number.isFinite(ms) ? ms : 5000;
      state.ad = { resumeAt: video().currentTime, wasPlaying: !video().paused, timer: null, adVideo: null };
      player.classList.add("ad-showing", "ad-interrupting");
      let overlay = $(":scope > .ytp-ad-player-overlay", player);
      if (V.hidden_ad_leftovers && overlay) {
        overlay.style.display = "";
      } else {
        const module = document.createElement("div");
        module.className = "video-ads ytp-ad-module";
        overlay = document.createElement("div");
        overlay.className = "ytp-ad-player-overlay";
        overlay.innerHTML = '<span class="ytp-ad-text">Ad</span>'
          + '<button class="ytp-skip-ad-button ytp-ad-skip-button-modern">Skip</button>';
        player.append(module, overlay);
      }
      overlay.querySelector("button").onclick = () => endAd();
      if (V.ad_in_second_video) {
        video().pause(); // the watched video waits under the ad, at its position
        video().style.display = "none";
        const adVideo = document.createElement("video");
        adVideo.className = "video-stream html5-main-video";
        adVideo.loop = true;
        adVideo.src = state.data.adSrc;
        container.prepend(adVideo);
        state.ad.adVideo = adVideo;
        adVideo.play().catch(() => {});
      } else {
        video().loop = true; // an ad shorter than `ms` keeps playing until the ad ends
        video().src = state.data.adSrc;
        tryPlay();
      }
      state.ad.timer = setTimeout(() => endAd(), durationMs);
      showMode();
    }

    function endAd({ resume = true } = {}) {
      const ad = state.ad;
      if (!ad) return;
      clearTimeout(ad.timer);
      state.ad = null;
      player.classList.remove("ad-showing", "ad-interrupting");
      if (V.hidden_ad_leftovers) {
        $(":scope > .ytp-ad-player-overlay", player).style.display = "none";
      } else {
        player.querySelectorAll(":scope > .ytp-ad-module, :scope > .ytp-ad-player-overlay")
          .forEach((el) => el.remove());
      }
      if (ad.adVideo) {
        ad.adVideo.remove();
        video().style.display = "";
        if (resume && ad.wasPlaying) tryPlay();
        showMode();
        return;
      }
      if (resume) loadMain(state.data, { autoplay: ad.wasPlaying, startAt: ad.resumeAt });
    }

    return { startAd, endAd, leaveAdMarkup };
  };
})();
