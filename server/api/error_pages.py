"""Errors a person sees: an HTML page for browser routes, the JSON error shape for machines.

`/api/…`, `/auth/…`, `/socket.io/…` and `/metrics` keep answering with the one JSON error shape
(server/errors.py); every other path (the homepage, join pages, /dashboard, /mobile-remote, a
mistyped address) gets a page with a way back to the homepage.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException, default_exceptions

from server.api.homepage import page_context

log = logging.getLogger("sharetube.errors")

JSON_PREFIXES = ("/api/", "/auth/", "/socket.io", "/metrics")
PAGES = {
    404: ("Not found", "Page not found",
          "There is nothing at this address. The link may be mistyped or out of date."),
    405: ("Not allowed", "That doesn't work here",
          "This address exists, but not for what your browser asked."),
    500: ("Something went wrong", "Something went wrong on our side",
          "The server could not finish this request. Try again in a moment; if it keeps happening, "
          "tell whoever runs this server."),
}


def wants_json() -> bool:
    return request.path.startswith(JSON_PREFIXES) or request.path in ("/api", "/auth")


def error_page(status: int):
    """The HTML page for `status`; plain text if even the template fails (a 500 must not loop)."""
    eyebrow, heading, text = PAGES[status]
    try:
        return render_template("home/not_found.html", **page_context(
            eyebrow=eyebrow, heading=heading, text=text)), status
    except Exception:  # noqa: BLE001 - the error page of last resort
        log.exception("event=error_page_failed status=%s", status)
        return f"{heading}\n\n{text}\n", status, {"Content-Type": "text/plain; charset=utf-8"}


def register_error_pages(app: Flask) -> None:
    """Wraps the JSON handlers register_error_handlers installed: JSON stays for machine routes."""
    for status in PAGES:
        exc_class = default_exceptions[status]
        json_handler = app.error_handler_spec[None][status].get(exc_class)

        def make(code: int, previous: Callable | None) -> Callable:
            def handle(err: HTTPException):
                if wants_json() and previous is not None:
                    return previous(err)
                return error_page(code)
            return handle

        app.register_error_handler(status, make(status, json_handler))
