"""Security headers on every HTTP answer (issue 14, finding 10).

Pages may set a stricter policy of their own (the homepage blueprint does); these are the floor:
no page of the service can be framed, no answer is MIME-sniffed, no URL (room codes, pairing
links) leaks in a Referer, and behind TLS the browser is told to stay on HTTPS.
"""
from __future__ import annotations

from flask import Flask, Response

# The dashboard and the phone remote: their own scripts and styles, thumbnails from YouTube's
# image host, the socket to this origin. Inline style attributes set by script (CSSOM) still work.
DEFAULT_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https://i.ytimg.com; "
               "connect-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
               "frame-ancestors 'none'")
HSTS = "max-age=31536000; includeSubDomains"


def install_security_headers(app: Flask) -> None:
    https = bool(app.config["ST"].is_https)

    @app.after_request
    def security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", DEFAULT_CSP)
        if "frame-ancestors" not in headers["Content-Security-Policy"]:
            headers["Content-Security-Policy"] += "; frame-ancestors 'none'"
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")  # browsers without CSP frame-ancestors
        if https:
            headers.setdefault("Strict-Transport-Security", HSTS)
        return response
