"""The HTML of the imitation watch page and the JSON the page script works from.

The element names, ids and classes follow YouTube's watch page where extensions look:
`ytd-app`, `ytd-watch-flexy[video-id]`, `#movie_player.html5-video-player` with
`video.video-stream.html5-main-video`, `.ytp-play-button`, `.ytp-progress-bar`, the autonav
toggle, `h1.ytd-watch-metadata yt-formatted-string`, `ytd-channel-name #text a`, and an inline
preview player (`ytd-video-preview`) that also holds a `video.html5-main-video`. The preview
comes first in document order on purpose: `document.querySelector("video")` finds the preview,
so only an adapter that looks inside `#movie_player` finds the real player.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from .fake_catalog import FakeVideo


def video_json(video: FakeVideo, duration_s: float) -> dict[str, Any]:
    return {
        "videoId": video.video_id,
        "title": video.title,
        "channel": video.channel,
        "channelUrl": f"/{video.channel_handle}",
        "src": f"/media/{video.video_id}.webm",
        "durationS": duration_s,
        "thumbnail": f"https://i.ytimg.com/vi/{video.video_id}/hqdefault.jpg",
    }


def page_json(
    current: dict[str, Any], related: list[dict[str, Any]], *, autoplay: bool, autonav: bool,
    variant: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        **current,
        "upNext": related[0] if related else None,
        "related": related,
        "autoplay": autoplay,
        "autonav": autonav,
        "adSrc": "/media/clip/ad.webm",
        "previewSrc": "/media/clip/short.webm",
        "variant": variant or {},  # page_variants.PageVariant flags
    }


def _related_html(related: list[dict[str, Any]]) -> str:
    items = []
    for item in related:
        vid = escape(item["videoId"])
        items.append(
            '<ytd-compact-video-renderer class="style-scope ytd-item-section-renderer">'
            f'<a class="yt-simple-endpoint style-scope ytd-compact-video-renderer" '
            f'href="/watch?v={vid}" data-video-id="{vid}">'
            f'<span id="video-title" class="style-scope ytd-compact-video-renderer">'
            f'{escape(item["title"])}</span></a>'
            f'<div class="channel">{escape(item["channel"])}</div>'
            "</ytd-compact-video-renderer>"
        )
    return "".join(items)


def render_watch_page(data: dict[str, Any]) -> str:
    vid = escape(data["videoId"])
    title = escape(data["title"])
    channel = escape(data["channel"])
    # Inside <script type="application/json">, only "</" needs care.
    data_json = json.dumps(data).replace("</", "<\\/")
    autonav = "true" if data["autonav"] else "false"
    dark = " dark" if data.get("variant", {}).get("dark_theme") else ""  # YouTube's dark theme
    return f"""<!DOCTYPE html>
<html lang="en" dir="ltr"{dark}><head>
<meta charset="utf-8"><title>{title} - YouTube</title>
<link rel="stylesheet" href="/static/fake_youtube.css">
<script id="fake-yt-data" type="application/json">{data_json}</script>
<script src="/static/fake_youtube_ads.js" defer></script>
<script src="/static/fake_youtube.js" defer></script>
</head><body dir="ltr">
<ytd-app>
 <ytd-video-preview id="video-preview">
  <div id="media-container"><div id="inline-player">
   <div id="inline-preview-player" class="html5-video-player ytp-inline-preview-mode">
    <div class="html5-video-container">
     <video class="video-stream html5-main-video" muted loop playsinline
            src="{escape(data["previewSrc"])}"></video>
    </div>
   </div>
  </div></div>
 </ytd-video-preview>
 <div id="masthead-container"><ytd-masthead id="masthead">
  <a id="logo" class="yt-simple-endpoint" href="/">YouTube (imitation)</a>
  <input id="search" name="search_query" placeholder="Search" autocomplete="off">
 </ytd-masthead></div>
 <div id="content">
  <ytd-page-manager id="page-manager">
   <ytd-watch-flexy class="style-scope ytd-page-manager" video-id="{vid}" role="main">
    <div id="player-full-bleed-container"></div>
    <div id="columns">
     <div id="primary"><div id="primary-inner">
      <div id="player"><div id="player-container-outer"><div id="player-container">
       <div id="movie_player" class="html5-video-player paused-mode" tabindex="-1"
            aria-label="YouTube Video Player">
        <div class="html5-video-container">
         <video class="video-stream html5-main-video" playsinline tabindex="-1"
                src="/media/{vid}.webm"></video>
        </div>
        <div class="ytp-autonav-endscreen-countdown-overlay" hidden>
         <span class="ytp-autonav-endscreen-upnext-header">Up next</span>
         <span class="ytp-autonav-endscreen-upnext-title"></span>
         <button class="ytp-autonav-endscreen-upnext-cancel-button">Cancel</button>
        </div>
        <div class="ytp-chrome-bottom">
         <div class="ytp-progress-bar-container">
          <div class="ytp-progress-bar" role="slider" tabindex="0" aria-label="Seek slider"
               aria-valuemin="0" aria-valuemax="0" aria-valuenow="0">
           <div class="ytp-play-progress"></div>
          </div>
         </div>
         <div class="ytp-chrome-controls">
          <div class="ytp-left-controls">
           <button class="ytp-play-button ytp-button" aria-label="Play (k)"
                   data-title-no-tooltip="Play"></button>
           <a class="ytp-next-button ytp-button" role="button" aria-label="Next (SHIFT+n)"></a>
           <div class="ytp-time-display"><span class="ytp-time-current">0:00</span>
            / <span class="ytp-time-duration">0:00</span></div>
          </div>
          <div class="ytp-right-controls">
           <button class="ytp-button" data-tooltip-target-id="ytp-autonav-toggle-button"
                   aria-label="Autoplay is {"on" if data["autonav"] else "off"}">
            <div class="ytp-autonav-toggle-button-container">
             <div class="ytp-autonav-toggle-button" aria-checked="{autonav}"></div>
            </div>
           </button>
           <button class="ytp-size-button ytp-button" aria-label="Theater mode (t)"></button>
           <button class="ytp-fullscreen-button ytp-button" aria-label="Full screen (f)"></button>
          </div>
         </div>
        </div>
       </div>
      </div></div></div>
      <div id="below">
       <ytd-watch-metadata class="style-scope ytd-watch-flexy">
        <div id="title" class="style-scope ytd-watch-metadata">
         <h1 class="style-scope ytd-watch-metadata"><yt-formatted-string
             class="style-scope ytd-watch-metadata">{title}</yt-formatted-string></h1>
        </div>
        <div id="owner"><ytd-video-owner-renderer>
         <ytd-channel-name id="channel-name"><div id="container"><div id="text-container">
          <yt-formatted-string id="text" class="style-scope ytd-channel-name"><a
             class="yt-simple-endpoint style-scope yt-formatted-string"
             href="/{escape(data["channelUrl"].lstrip("/"))}">{channel}</a></yt-formatted-string>
         </div></div></ytd-channel-name>
        </ytd-video-owner-renderer></div>
       </ytd-watch-metadata>
      </div>
     </div></div>
     <div id="secondary"><div id="related">
      <ytd-watch-next-secondary-results-renderer><div id="items">{_related_html(data["related"])}</div>
      </ytd-watch-next-secondary-results-renderer>
     </div></div>
    </div>
   </ytd-watch-flexy>
  </ytd-page-manager>
 </div>
 <ytd-browse id="browse" role="main" hidden><div id="items"></div></ytd-browse>
 <ytd-miniplayer hidden><div id="miniplayer-container"></div></ytd-miniplayer>
</ytd-app>
</body></html>
"""


def render_home_page(related: list[dict[str, Any]]) -> str:
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>YouTube</title>
<link rel="stylesheet" href="/static/fake_youtube.css"></head>
<body><ytd-app><div id="content"><ytd-page-manager id="page-manager">
<ytd-browse role="main"><div id="items">{_related_html(related)}</div></ytd-browse>
</ytd-page-manager></div></ytd-app></body></html>
"""
