"""Reading an upstream answer within a deadline and a size cap (oEmbed, the Data API, segments):
a server that trickles bytes or answers too much cannot hold a fetch or fill memory."""
from __future__ import annotations

import time

import requests
import urllib3


class BodyRefused(Exception):
    """The answer was too large or still arriving at the deadline."""


FETCH_ERRORS = (requests.RequestException, urllib3.exceptions.HTTPError, OSError, BodyRefused)


def read_body(response: requests.Response, deadline: float, max_bytes: int) -> bytes:
    """The body, read in pieces as they arrive (``read1``) so the deadline (``time.monotonic``)
    and the size cap are checked between them."""
    raw = response.raw
    read_some = getattr(raw, "read1", None) or raw.read
    body = bytearray()
    while True:
        if time.monotonic() > deadline:
            raise BodyRefused("answer still arriving at the deadline")
        chunk = read_some(16_384, decode_content=True)
        if not chunk:
            return bytes(body)
        body += chunk
        if len(body) > max_bytes:
            raise BodyRefused("answer too large")
