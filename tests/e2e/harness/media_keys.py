"""Media keys in headless Chromium.

A hardware media key (or a headset button, or Chrome's global media controls) reaches a page
only through the MediaSession action handlers the page registered; headless Chromium has no
such keys (a "MediaPlayPause" key press is just a keydown). So a profile records, at the
lowest level, the handler that ends up registered with the browser for each action, and a
test invokes exactly that handler, as Chrome does for the key. The recorder is an init script,
which runs before any other script of the page, so whatever wraps setActionHandler later (the
page, an extension's page-world script) is recorded as the browser would see it.
"""

from __future__ import annotations

from typing import Any

RECORDER = """(() => {
  const proto = globalThis.MediaSession && MediaSession.prototype;
  if (!proto) return;
  const native = proto.setActionHandler;
  const registered = {};
  Object.defineProperty(window, "__mediaSessionHandlers", { value: registered });
  proto.setActionHandler = function (action, handler) {
    registered[action] = handler;
    return native.call(this, action, handler);
  };
})();"""


def record_media_session(context: Any) -> None:
    """Install the recorder in every page of `context` (before the page loads)."""
    context.add_init_script(RECORDER)


def press_media_key(page: Any, action: str) -> None:
    """What Chrome does for a media key: call the page's registered handler for `action`."""
    found = page.evaluate(f"""(() => {{
      const handler = window.__mediaSessionHandlers && window.__mediaSessionHandlers[{action!r}];
      if (!handler) return false;
      handler({{ action: {action!r} }});
      return true;
    }})()""")
    assert found, f"the page registered no MediaSession handler for {action!r}"
