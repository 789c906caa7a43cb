"""Chat messages and names are stored as typed, minus what readers cannot see."""

from __future__ import annotations

import pytest

from server.domain.chat_text import (
    InvalidText,
    clean_chat_text,
    clean_display_name,
    strip_invisible,
)

MIXED_SCRIPTS = "caf\u00e9 \u65e5\u672c\u8a9e \u0645\u0631\u062d\u0628\u0627 \U0001f600"


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("hello", "hello"),
        ("  hello  ", "hello"),
        ("<b>not bold</b> & 'quoted'", "<b>not bold</b> & 'quoted'"),  # no HTML escaping
        ("a" * 500, "a" * 500),
        ("x", "x"),
        (MIXED_SCRIPTS, MIXED_SCRIPTS),
        ("tab\there", "tab here"),
    ],
)
def test_ordinary_text_is_kept_as_typed(raw: str, stored: str) -> None:
    assert clean_chat_text(raw) == stored


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("a\x00b\x07c\x1bd\x7fe", "abcde"),  # C0 and DEL
        ("a\x80b\x9fc", "abc"),  # C1
        ("abc\u202edcba", "abcdcba"),  # right-to-left override
        ("\u202a\u202b\u202c\u202dx", "x"),  # embeddings and overrides
        ("\u2066\u2067\u2068x\u2069", "x"),  # isolates
        ("\u200e\u200fx\u061c", "x"),  # directional marks
        ("zero\u200bwidth\ufeff\u2060space", "zerowidthspace"),
        ("soft\u00adhyphen", "softhyphen"),
        ("hidden\U000e0041\U000e0042tags", "hiddentags"),  # tag characters (invisible ASCII)
        ("lone \ud800surrogate", "lone surrogate"),
        ("filler\u3164letters\u115f", "fillerletters"),
    ],
)
def test_invisible_and_direction_changing_characters_are_stripped(raw: str, stored: str) -> None:
    assert clean_chat_text(raw) == stored


def test_emoji_sequences_keep_their_joiners() -> None:
    emoji = "\U0001f469\u200d\U0001f4bb \u2764\ufe0f\u200d\U0001f525 \U0001f44d\U0001f3fd"
    assert clean_chat_text(emoji) == emoji


def test_a_joiner_outside_an_emoji_sequence_is_stripped() -> None:
    assert clean_chat_text("pay\u200dpal \U0001f469\u200d") == "paypal \U0001f469"


def test_persian_keeps_its_non_joiner_but_latin_loses_it() -> None:
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
    assert clean_chat_text(persian) == persian
    assert clean_chat_text("ad\u200cmin") == "admin"


def test_combining_mark_piles_are_cut_down() -> None:
    zalgo = "Z" + "\u0301" * 40 + "a"
    assert clean_chat_text(zalgo) == "Z" + "\u0301" * 8 + "a"
    hidden_pile = "e" + "\u200b\u0301" * 40  # removed characters do not reset the count
    assert clean_chat_text(hidden_pile) == "e" + "\u0301" * 8
    vietnamese = "Vi\u1ec7t Nam"  # precomposed
    decomposed = "Vie\u0323\u0302t"  # two marks on one letter stay
    assert clean_chat_text(vietnamese) == vietnamese
    assert clean_chat_text(decomposed) == decomposed


def test_line_breaks_are_kept_and_blank_runs_collapse() -> None:
    raw = "first\r\nsecond\rthird\u2028fourth\n\n\n\n\nfifth   \n  \n \nsixth\n"
    assert clean_chat_text(raw) == "first\nsecond\nthird\nfourth\n\nfifth\n\nsixth"


def test_one_blank_line_is_allowed() -> None:
    assert clean_chat_text("a\n\nb") == "a\n\nb"


@pytest.mark.parametrize(
    "raw",
    ["", "   ", "\n\n\t", "\u200b\u200b", "\u202e", "\x00\x01", "\u3164\u3164", "\u2800\u2800",
     "\u00a0\u3000"],
)
def test_a_message_that_shows_nothing_is_refused(raw: str) -> None:
    with pytest.raises(InvalidText) as refused:
        clean_chat_text(raw)
    assert "empty" in refused.value.message


def test_the_limit_counts_characters_after_cleaning() -> None:
    assert clean_chat_text("  " + "a" * 500 + "\u200b" * 50 + "  ") == "a" * 500
    with pytest.raises(InvalidText) as refused:
        clean_chat_text("a" * 501)
    assert "500" in refused.value.message


def test_huge_raw_input_is_refused_without_cleaning_it() -> None:
    with pytest.raises(InvalidText):
        clean_chat_text("\u200b" * 100_000)


@pytest.mark.parametrize("value", [None, 5, b"bytes", ["list"]])
def test_non_text_is_refused(value: object) -> None:
    with pytest.raises(InvalidText):
        clean_chat_text(value)  # type: ignore[arg-type]
    with pytest.raises(InvalidText):
        clean_display_name(value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("Ada", "Ada"),
        ("  Ada   Lovelace \n", "Ada Lovelace"),
        ("Ada\nLovelace", "Ada Lovelace"),
        ("Ada\tLovelace", "Ada Lovelace"),
        ("\u202eAda\u202c", "Ada"),
        ("A\u200bd\u200ba", "Ada"),
        ("x" * 32, "x" * 32),
        ("\u674e\u96f7", "\u674e\u96f7"),
        ("Z" + "\u0301" * 10, "Z" + "\u0301" * 3),
    ],
)
def test_display_names_are_one_tidy_line(raw: str, name: str) -> None:
    assert clean_display_name(raw) == name


@pytest.mark.parametrize("raw", ["", "   ", "\u200b", "\u3164", "\n\t", "x" * 33])
def test_bad_display_names_are_refused(raw: str) -> None:
    with pytest.raises(InvalidText) as refused:
        clean_display_name(raw)
    assert refused.value.message
    assert str(refused.value) == refused.value.message


def test_strip_invisible_turns_line_breaks_into_spaces_unless_asked() -> None:
    assert strip_invisible("a\nb\u202ec") == "a bc"
    assert strip_invisible("a\nb", keep_newlines=True) == "a\nb"
