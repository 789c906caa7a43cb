"""Clean chat messages and display names before they are stored.

Text is stored as typed: no HTML escaping here (every client renders it as text). What is removed
is what a reader cannot see but that changes what they read or how the chat looks: C0/C1 control
characters, bidi embeddings/overrides/isolates (U+202A–U+202E, U+2066–U+2069 and the marks),
zero-width and other format characters, Unicode "tag" characters (hidden ASCII), lone
surrogates, Hangul filler letters, and piles of combining marks ("Zalgo").
Zero-width joiners survive only inside emoji sequences and zero-width non-joiners only between
letters of scripts that need them, so 👩‍💻 and Persian words keep their look.
"""

from __future__ import annotations

import re
import unicodedata

from server.domain.queue_chat_limits import (
    MAX_CHAT_BLANK_LINES,
    MAX_CHAT_CHARS,
    MAX_COMBINING_MARKS,
    MAX_DISPLAY_NAME_CHARS,
    MAX_NAME_COMBINING_MARKS,
    MAX_RAW_CHAT_CHARS,
)

ZERO_WIDTH_JOINER = "\u200d"
ZERO_WIDTH_NON_JOINER = "\u200c"
VARIATION_SELECTOR_16 = "\ufe0f"
_LINE_BREAKS = {"\r\n": "\n", "\r": "\n", "\u2028": "\n", "\u2029": "\n", "\x85": "\n"}
_LINE_BREAK_CHARS = frozenset("\n\r\u2028\u2029\x85")
_LINE_BREAK_PATTERN = re.compile("|".join(re.escape(key) for key in _LINE_BREAKS))
_INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")
"""Hangul fillers: letters by category, blank on screen, used to post "empty" messages."""
_BLANK_SYMBOLS = frozenset("\u2800")
"""Kept (a real braille cell) but a message made only of these counts as empty."""
_BLANK_LINE_RUN = re.compile("\n{" + str(MAX_CHAT_BLANK_LINES + 2) + ",}")
_REMOVED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})
_MARK_CATEGORIES = frozenset({"Mn", "Me"})
_EMOJI_CATEGORIES = frozenset({"So", "Sk"})


class InvalidText(ValueError):
    """The text cannot be posted or used as a name; ``message`` says why, for its author."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def clean_chat_text(raw: str) -> str:
    """A chat message as it will be stored: 1–500 characters after cleaning and trimming.

    Line breaks are kept (CR, CRLF, U+2028/9 become ``\\n``), tabs become spaces, trailing spaces
    on each line go, and more than one empty line in a row collapses to one.
    """
    if not isinstance(raw, str):
        raise InvalidText("A message must be text.")
    if len(raw) > MAX_RAW_CHAT_CHARS:
        raise InvalidText(_too_long("Message", MAX_CHAT_CHARS))
    text = _LINE_BREAK_PATTERN.sub(lambda match: _LINE_BREAKS[match.group()], raw)
    text = strip_invisible(text, keep_newlines=True)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = _BLANK_LINE_RUN.sub("\n" * (MAX_CHAT_BLANK_LINES + 1), text).strip()
    if _looks_blank(text):
        raise InvalidText("A message cannot be empty.")
    if len(text) > MAX_CHAT_CHARS:
        raise InvalidText(_too_long("Message", MAX_CHAT_CHARS))
    return text


def clean_display_name(raw: str) -> str:
    """A display name: one line, single spaces, 1–32 visible characters after trimming."""
    if not isinstance(raw, str):
        raise InvalidText("A name must be text.")
    if len(raw) > MAX_RAW_CHAT_CHARS:
        raise InvalidText(_too_long("Name", MAX_DISPLAY_NAME_CHARS))
    text = strip_invisible(raw, keep_newlines=False, max_marks=MAX_NAME_COMBINING_MARKS)
    text = " ".join(text.split())
    if _looks_blank(text):
        raise InvalidText("A name cannot be empty.")
    if len(text) > MAX_DISPLAY_NAME_CHARS:
        raise InvalidText(_too_long("Name", MAX_DISPLAY_NAME_CHARS))
    return text


def strip_invisible(
    text: str, *, keep_newlines: bool = False, max_marks: int = MAX_COMBINING_MARKS
) -> str:
    """Remove control, format and invisible characters; tabs become spaces, and so do line breaks
    unless ``keep_newlines``.

    No trimming and no length check: also suitable for text from elsewhere (video titles).
    """
    kept: list[str] = []
    marks_in_row = 0
    for index, char in enumerate(text):
        if char in _LINE_BREAK_CHARS:
            char = "\n" if keep_newlines else " "
        elif char == "\t":
            char = " "
        else:
            category = unicodedata.category(char)
            if category in _MARK_CATEGORIES:
                marks_in_row += 1
                if marks_in_row <= max_marks:
                    kept.append(char)
                continue
            if char in _INVISIBLE_LETTERS or (
                category in _REMOVED_CATEGORIES and not _joiner_belongs(text, index, kept)
            ):
                continue  # a removed character does not end a pile of marks
        kept.append(char)
        marks_in_row = 0
    return "".join(kept)


def _joiner_belongs(text: str, index: int, kept: list[str]) -> bool:
    """A ZWJ between emoji, or a ZWNJ between non-ASCII letters, is part of how text looks."""
    char = text[index]
    if char not in (ZERO_WIDTH_JOINER, ZERO_WIDTH_NON_JOINER) or not kept:
        return False
    before = kept[-1]
    after = text[index + 1] if index + 1 < len(text) else ""
    if not after:
        return False
    if char == ZERO_WIDTH_JOINER:
        emoji_before = before == VARIATION_SELECTOR_16 or _category(before) in _EMOJI_CATEGORIES
        return emoji_before and _category(after) in _EMOJI_CATEGORIES
    return _is_script_letter(before) and _is_script_letter(after)


def _is_script_letter(char: str) -> bool:
    category = _category(char)
    return not char.isascii() and (category.startswith("L") or category in ("Mn", "Mc"))


def _category(char: str) -> str:
    return unicodedata.category(char) if char else ""


def _looks_blank(text: str) -> bool:
    return all(char.isspace() or char in _BLANK_SYMBOLS for char in text)


def _too_long(what: str, limit: int) -> str:
    return f"{what} is too long (at most {limit} characters)."
