"""The overlay from the keyboard alone: which controls it shows, where the focus is, Tab to a
control, Shift+Tab from the top of the page to the pill, and an axe-core scan of its shadow root
(tests/e2e/test_overlay_accessibility.py). Everything is read without a user gesture; every move
of the focus is a real key press."""

from __future__ import annotations

from typing import Any

from extension_helpers import OVERLAY_HOST, Profile, wait_until
from harness.browser import evaluate_without_gesture

from tests.e2e.a11y import axe_violations_within

PILL = "button|st-panel-toggle||"  # (its text, "ShareTube · code · 2", is not part of the key)

# One name per control: tag | data-testid | name (and a checkbox's value) | aria-label, or the
# text of a button or link without a data-testid (a pill's or link's text changes; the key not).
KEY_FN = """(el) => [el.tagName.toLowerCase(), el.dataset.testid || '',
  el.name ? (el.type === 'checkbox' ? `${el.name}=${el.value}` : el.name) : '',
  (el.getAttribute('aria-label')
   || (!el.dataset.testid && ['BUTTON', 'A'].includes(el.tagName) ? el.textContent : '') || '').trim()
].join('|')"""
CONTROLS = f"""(() => {{
  const key = {KEY_FN};
  const root = {OVERLAY_HOST}.shadowRoot;
  return [...root.querySelectorAll('button, input, select, textarea, a[href], [tabindex]')]
    .filter((el) => el.tabIndex >= 0 && !el.disabled && !el.closest('[hidden]') && el.getClientRects().length > 0)
    .map(key);
}})()"""
FOCUSED = f"""(() => {{
  const key = {KEY_FN};
  const host = {OVERLAY_HOST};
  if (!host || document.activeElement !== host || !host.shadowRoot.activeElement) return null;
  const el = host.shadowRoot.activeElement;
  const style = getComputedStyle(el);
  return {{key: key(el), ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0}};
}})()"""


def controls(page: Any) -> list[str]:
    return evaluate_without_gesture(page, CONTROLS)


def focused(page: Any) -> dict | None:
    return evaluate_without_gesture(page, FOCUSED)


def key_of(page: Any, part: str, *, strict: bool = True) -> str | None:
    """The one visible control whose key contains `part` (None when there is none yet)."""
    found = [key for key in controls(page) if part in key]
    if not found and not strict:
        return None
    assert len(found) == 1, f"{part!r} matches {found} among {controls(page)}"
    return found[0]


def tab_to(page: Any, part: str, *, most: int = 160) -> str:
    """Moves the focus with Tab (or Shift+Tab, when the control comes before the focused one)
    to the control whose key contains `part`, through YouTube's page when it must; returns its key."""
    target = wait_until(lambda: key_of(page, part, strict=False), timeout_s=8, what=f"a control {part!r}",
                        show=lambda: controls(page))
    now = focused(page)
    order = controls(page)
    backwards = bool(now) and now["key"] in order and order.index(target) < order.index(now["key"])
    for _ in range(most):
        now = focused(page)
        if now and now["key"] == target:
            return target
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"Tab never reached {target}; last focus {focused(page)}")


TOP_OF_PAGE = """(() => { const top = document.createElement('span'); top.tabIndex = -1;
  document.body.prepend(top); top.focus(); top.remove(); })()"""


def open_related_video(page: Any, video_id: str) -> None:
    """YouTube's related video `video_id`, opened as a keyboard user does: Tab from the top of
    the page to its link, Enter."""
    evaluate_without_gesture(page, TOP_OF_PAGE)
    on_link = f"document.activeElement?.matches('#related a[data-video-id=\"{video_id}\"]') === true"
    for _ in range(80):
        page.keyboard.press("Tab")
        if evaluate_without_gesture(page, on_link):
            page.keyboard.press("Enter")
            return
    raise AssertionError(f"Tab never reached the related video {video_id} on YouTube's page")


def reach_the_pill(page: Any) -> int:
    """From the top of the page (the focus starting point before everything), Shift+Tab until
    the pill has the focus; returns how many presses it took."""
    evaluate_without_gesture(page, TOP_OF_PAGE)
    for presses in range(1, 41):
        page.keyboard.press("Shift+Tab")
        now = focused(page)
        if now and now["key"] == PILL:
            return presses
    raise AssertionError("Shift+Tab from the top of the page never reached the ShareTube pill")


def panel_open(page: Any) -> bool:
    return evaluate_without_gesture(page, f"{OVERLAY_HOST}.shadowRoot.querySelector('#st-panel').hidden === false")


def open_the_panel(page: Any) -> None:
    """The panel open, by keyboard (Shift+Tab to the pill, Enter) when a page load closed it."""
    if not panel_open(page):
        reach_the_pill(page)
        page.keyboard.press("Enter")
        wait_until(lambda: panel_open(page), timeout_s=3, what="the panel to open with Enter")


def theme(page: Any) -> str:
    return evaluate_without_gesture(page, f"{OVERLAY_HOST}.dataset.theme || ''")


def chat_has(profile: Profile, text: str, *, timeout_s: float = 6) -> None:
    log = profile.ui("st-chat-log")
    wait_until(lambda: text in (log.text_content() or ""), timeout_s=timeout_s,
               what=f"{text!r} in {profile.name}'s chat", show=lambda: (log.text_content() or "")[-300:])


LAST_LINE = f"""(() => {{ const log = {OVERLAY_HOST}.shadowRoot.querySelector('[data-testid=st-chat-log]');
  return log.lastElementChild ? log.lastElementChild.textContent : ''; }})()"""


def last_line_says(profile: Profile, text: str, *, timeout_s: float = 6) -> None:
    """The room's newest chat line (the system line of the change just made) contains `text`."""
    wait_until(lambda: text in (evaluate_without_gesture(profile.page, LAST_LINE) or ""), timeout_s=timeout_s,
               what=f"{profile.name}'s newest chat line to say {text!r}",
               show=lambda: evaluate_without_gesture(profile.page, LAST_LINE))


def tags_of(page: Any, name: str) -> list[str]:
    return page.locator("[data-testid=st-member]").filter(has_text=name).locator(".tag").all_text_contents()


def walk_every_control(page: Any, label: str) -> list[str]:
    """Tab from the pill through every visible control, in document order, each with a focus ring."""
    expected = controls(page)
    assert expected[0] == PILL, expected
    seen: list[dict] = []
    for _ in range(len(expected) - 1):
        page.keyboard.press("Tab")
        now = focused(page)
        assert now is not None, f"{label}: the focus left the overlay after {[s['key'] for s in seen]}"
        seen.append(now)
    assert [s["key"] for s in seen] == expected[1:], f"{label}: Tab order differs from the controls"
    no_ring = [s["key"] for s in seen if not s["ring"]]
    assert no_ring == [], f"{label}: no visible focus on {no_ring}"
    return expected


# The overlay's host is the last child of <html>, outside <body> (so that Shift+Tab from the top
# of the page reaches the pill first). axe-core cannot work out a background there: its
# color-contrast rule reports every text of the overlay as "incomplete" ("Unable to determine
# contrast ratio"), never as a violation, so the scan would check no contrast at all. For the
# scan the host moves to the end of <body> (the same place on screen: it is position: fixed),
# then back, with the focus where it was.
TO_BODY = f"""(() => {{ const host = {OVERLAY_HOST};
  window.__stScanFocus = host.shadowRoot.activeElement; document.body.append(host); }})()"""
BACK = f"""(() => {{ const host = {OVERLAY_HOST}; document.documentElement.append(host);
  window.__stScanFocus?.focus({{preventScroll: true}}); window.__stScanFocus = null; }})()"""


def scan(page: Any, label: str) -> None:
    evaluate_without_gesture(page, TO_BODY)
    try:
        problems = axe_violations_within(page, "#sharetube-overlay")
    finally:
        evaluate_without_gesture(page, BACK)
    assert problems == [], f"axe-core in the overlay ({label}): {problems}"


def scan_in_both_themes(page: Any, label: str) -> None:
    """The same state scanned in YouTube's light and dark themes (switched live on this page, as
    YouTube's Appearance setting does); the page ends in the theme it started in."""
    start = theme(page)
    for wanted in [t for t in ("light", "dark") if t != start] + [start]:
        evaluate_without_gesture(page, f"window.__fakeYT.setDarkTheme({'true' if wanted == 'dark' else 'false'})")
        wait_until(lambda w=wanted: theme(page) == w, timeout_s=3, what=f"the overlay in the {wanted} theme")
        scan(page, f"{wanted}, {label}")


def toggle_and_back(profile: Profile, part: str, line_on: str, line_off: str) -> None:
    """A checkbox: Space checks it (the room says so in chat), Space unchecks it."""
    tab_to(profile.page, part)
    profile.page.keyboard.press("Space")
    last_line_says(profile, line_on)
    profile.page.keyboard.press("Space")
    last_line_says(profile, line_off)


# YouTube's shortcuts listen for keydown on the document (as in test_fullscreen.py): this listener
# does the same and keeps every key that reaches it. The overlay must keep the keys pressed on its
# controls to itself.
RECORD_KEYS = """(() => { window.__stKeysAtDocument = [];
  if (!window.__stKeyRecorder) { window.__stKeyRecorder = (e) => window.__stKeysAtDocument?.push(e.key);
    document.addEventListener('keydown', window.__stKeyRecorder); } })()"""


def keys_at_document(page: Any) -> list[str]:
    return evaluate_without_gesture(page, "window.__stKeysAtDocument || []")


def press_in_overlay(page: Any, key: str) -> None:
    """`key` pressed on the overlay's focused control; none of it reaches the page's document."""
    now = focused(page)
    assert now is not None, f"{key} would be pressed outside the overlay (the focus is not in it)"
    evaluate_without_gesture(page, RECORD_KEYS)
    page.keyboard.press(key)
    assert keys_at_document(page) == [], f"{key} on {now['key']} reached YouTube's shortcuts: {keys_at_document(page)}"


# The player layer inside YouTube's fullscreen (its own shadow root in #movie_player): the focused
# control's data-testid ("" when the focus is not in the layer), a reaction's with its emoji.
LAYER_FOCUS = """(() => { const host = document.getElementById('sharetube-player-layer');
  const el = document.activeElement === host ? host.shadowRoot.activeElement : null;
  if (!el) return '';
  return (el.dataset.testid || '') + (el.dataset.emoji ? `:${el.dataset.emoji}` : ''); })()"""


def layer_focus(page: Any) -> str:
    return evaluate_without_gesture(page, LAYER_FOCUS)


def tab_to_layer(page: Any, target: str, *, from_player: bool = True, most: int = 40) -> None:
    """Tab (real key presses; from YouTube's player unless `from_player` is False: from where the
    focus is) until the player layer's control `target` (a testid, "st-fs-react:😮") has the focus."""
    if from_player:
        page.focus("#movie_player")
    for _ in range(most):
        if not from_player and layer_focus(page) == target:
            return
        page.keyboard.press("Tab")
        if layer_focus(page) == target:
            return
    raise AssertionError(f"Tab never reached {target} in the fullscreen layer; the focus is on {layer_focus(page)!r}")
