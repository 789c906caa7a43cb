"""Variants of the imitation watch page: parameters of ONE imitation, each a documented
behaviour of the real youtube.com that an extension meets in the wild (issue 13, item 2).

`FakeYouTube.variant = VARIANTS["name"]` before a page loads; the page script reads the flags
from its page data (`variant`), the HTTP handler reads `slow_start_ms`. `DEFAULT` is the page
as before. Each flag says what the real page does and why an extension must cope.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class PageVariant:
    name: str
    behaviour: str  # the real youtube.com behaviour it imitates
    # YouTube keeps the ad module, the ad overlay, the "Ad" badge and the skip button in
    # #movie_player before the first ad and after each one, hidden (display:none, zero size,
    # visibility:hidden, opacity 0), and empties/fills them as it likes.
    hidden_ad_leftovers: bool = False
    # Some ads play in a second <video> inside #movie_player; the watched video waits paused
    # (and hidden) under it, at its position, and resumes when the ad ends.
    ad_in_second_video: bool = False
    # A SPA navigation may give the player a NEW <video> element (the old one is removed).
    replace_video_on_navigation: bool = False
    # YouTube's own controls (buttons, keys, progress bar) go through the player API
    # (#movie_player.playVideo / pauseVideo / seekTo / setPlaybackRate), whose effect reaches
    # the <video> a few tens of ms later, not within the input event.
    player_api_controls: bool = False
    # Theater mode: ytd-watch-flexy[theater], the player moved into #player-full-bleed-container
    # (the <video> element moves in the DOM, playing). "t" toggles the layout on every variant.
    theater: bool = False
    # Browsing away (to the home page) keeps the video playing in ytd-miniplayer: the same
    # #movie_player moves there; the URL is no longer /watch.
    miniplayer: bool = False
    # Seconds of buffering before `canplay`: the first bytes of each video arrive late.
    slow_start_ms: int = 0
    # Autonav without a toggle in the control bar (it sits in a menu on some layouts): at the
    # end YouTube shows its countdown and opens "up next" unless cancelled.
    autonav_countdown: bool = False
    # The title/channel area renders late: empty on a fresh load, the PREVIOUS video's title
    # for a while after a SPA navigation.
    late_metadata_ms: int = 0
    # YouTube's dark theme: the `dark` attribute on <html> (server-rendered), dark page colours;
    # Settings > Appearance switches it live, without a reload (window.__fakeYT.setDarkTheme).
    dark_theme: bool = False

    def page_flags(self) -> dict[str, Any]:
        flags = asdict(self)
        flags.pop("behaviour")
        return flags


DEFAULT = PageVariant("default", "the imitation as first written")

VARIANTS: dict[str, PageVariant] = {v.name: v for v in (
    PageVariant("hidden_ad_leftovers", "ad markup left in the player, hidden, between ads",
                hidden_ad_leftovers=True),
    PageVariant("ad_second_video", "ads played in a second <video> element",
                ad_in_second_video=True),
    PageVariant("video_replaced", "a new <video> element on SPA navigation",
                replace_video_on_navigation=True),
    PageVariant("player_api", "controls through #movie_player's API, applied asynchronously",
                player_api_controls=True),
    PageVariant("theater", "theater layout (player moved to the full-bleed container)",
                theater=True),
    PageVariant("miniplayer", "the miniplayer keeps playing when the viewer browses away",
                miniplayer=True),
    PageVariant("slow_start", "2 s of buffering before canplay", slow_start_ms=2000),
    PageVariant("autonav_countdown", "autonav countdown at the end, no toggle in the control bar",
                autonav_countdown=True),
    PageVariant("late_metadata", "title and channel render 4 s late (stale after navigation)",
                late_metadata_ms=4000),
    PageVariant("dark_theme", "YouTube's dark theme (`dark` on <html>)", dark_theme=True),
)}
# Variants that change only how the page looks, not the player: the sync checks of
# test_page_variants skip them; the overlay's accessibility test runs on them.
LOOK_ONLY: frozenset[str] = frozenset({"dark_theme"})
