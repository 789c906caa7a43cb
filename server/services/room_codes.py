"""Room codes: random, URL-safe, no look-alike characters, not guessable by counting."""
from __future__ import annotations

import re
import secrets

ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no i, l, o, 0, 1
CODE_LENGTH = 8
CODE_RE = re.compile(rf"^[{ALPHABET}]{{{CODE_LENGTH}}}$")


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(raw: str) -> str | None:
    """Accept a code as typed (any case, surrounding spaces) or an invite link ending in it."""
    text = raw.strip()
    for marker in ("#sharetube=", "/join/"):
        if marker in text:
            text = text.rsplit(marker, 1)[1]
    text = text.strip().strip("/").lower()
    return text if CODE_RE.match(text) else None
