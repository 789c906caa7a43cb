"""Every link form people paste is added; everything else is refused with a clear message."""

from __future__ import annotations

import pytest

from server.domain.youtube_urls import (
    MSG_BAD_CHARACTERS,
    MSG_BAD_ID,
    MSG_BAD_SCHEME,
    MSG_NO_VIDEO,
    MSG_NOT_YOUTUBE,
    MSG_PLAYLIST,
    MSG_TOO_LONG,
    MSG_USERINFO,
    InvalidVideo,
    VideoRef,
    canonical_watch_url,
    find_video_links,
    is_video_id,
    parse_start_seconds,
    parse_video_ref,
)

VID = "dQw4w9WgXcQ"
ODD = "a-b_C1d2E3f"  # dash and underscore are part of the id alphabet

ACCEPTED = [
    # bare ids
    (VID, VID, 0),
    (ODD, ODD, 0),
    (f"  {VID}\n", VID, 0),
    # watch?v=
    (f"https://www.youtube.com/watch?v={VID}", VID, 0),
    (f"http://www.youtube.com/watch?v={VID}", VID, 0),
    (f"https://youtube.com/watch?v={VID}", VID, 0),
    (f"https://m.youtube.com/watch?v={VID}", VID, 0),
    (f"https://music.youtube.com/watch?v={VID}&feature=share", VID, 0),
    (f"HTTPS://WWW.YOUTUBE.COM/watch?v={VID}", VID, 0),
    (f"www.youtube.com/watch?v={VID}", VID, 0),
    (f"youtube.com/watch?v={VID}", VID, 0),
    (f"//www.youtube.com/watch?v={VID}", VID, 0),
    (f"https://www.youtube.com/watch/?v={VID}", VID, 0),
    (f"https://www.youtube.com/watch?feature=youtu.be&v={VID}", VID, 0),
    (f"https://www.youtube.com/watch?v={VID}&list=PLabc&index=3", VID, 0),
    (f"https://www.youtube.com/watch?v={VID}&pp=ygUEdGVzdA%3D%3D&si=AbC", VID, 0),
    (f"https://www.youtube.com/watch?v={VID}&ab_channel=Caf\u00e9", VID, 0),
    (f"https://www.youtube.com/watch?v={VID}&t=42s", VID, 42_000),
    (f"https://www.youtube.com/watch?v={VID}#t=1m5s", VID, 65_000),
    (f"https://www.youtube.com:443/watch?v={VID}", VID, 0),
    (f"youtube.com:443/watch?v={VID}", VID, 0),
    # youtu.be
    (f"https://youtu.be/{VID}", VID, 0),
    (f"youtu.be/{VID}", VID, 0),
    (f"https://youtu.be/{VID}/", VID, 0),
    (f"https://youtu.be/{VID}?si=xyz123&t=90", VID, 90_000),
    (f"https://youtu.be/{ODD}?list=PLabc", ODD, 0),
    # /shorts/, /embed/, /live/, /v/
    (f"https://www.youtube.com/shorts/{VID}", VID, 0),
    (f"https://youtube.com/shorts/{VID}?feature=share", VID, 0),
    (f"https://m.youtube.com/shorts/{VID}/", VID, 0),
    (f"https://www.youtube.com/embed/{VID}", VID, 0),
    (f"https://www.youtube.com/embed/{VID}?start=30&autoplay=1", VID, 30_000),
    (f"https://www.youtube-nocookie.com/embed/{VID}", VID, 0),
    (f"https://youtube-nocookie.com/embed/{VID}?start=5", VID, 5_000),
    (f"https://www.youtube.com/live/{VID}", VID, 0),
    (f"https://www.youtube.com/live/{VID}?si=abc&t=1h", VID, 3_600_000),
    (f"https://www.youtube.com/v/{VID}", VID, 0),
    (f"https://music.youtube.com/watch?v={VID}&time_continue=12", VID, 12_000),
]


@pytest.mark.parametrize(("text", "video_id", "start_ms"), ACCEPTED)
def test_every_pasted_form_is_accepted(text: str, video_id: str, start_ms: int) -> None:
    ref = parse_video_ref(text)
    assert (ref.video_id, ref.start_ms) == (video_id, start_ms)


REJECTED = [
    # nothing there
    ("", "Paste"),
    ("   \n\t", "Paste"),
    # ids of the wrong length or alphabet
    ("dQw4w9WgXc", MSG_BAD_ID),  # 10 characters
    ("dQw4w9WgXcQQ", MSG_BAD_ID),  # 12 characters
    ("dQw4w9WgX!Q", MSG_BAD_ID),
    ("hello", MSG_BAD_ID),
    (f"https://www.youtube.com/watch?v={VID[:-1]}", MSG_BAD_ID),
    (f"https://www.youtube.com/watch?v={VID}Q", MSG_BAD_ID),
    (f"https://youtu.be/{VID[:-1]}", MSG_BAD_ID),
    (f"https://www.youtube.com/shorts/{VID}x", MSG_BAD_ID),
    ("https://www.youtube.com/watch?v=dQw4w9WgXc%00", MSG_BAD_ID),
    # other hosts and lookalikes
    (f"https://vimeo.com/watch?v={VID}", MSG_NOT_YOUTUBE),
    (f"https://youtube.com.evil.com/watch?v={VID}", MSG_NOT_YOUTUBE),
    (f"https://evil.com/youtube.com/watch?v={VID}", MSG_NOT_YOUTUBE),
    (f"evil.com/youtube.com/watch?v={VID}", MSG_NOT_YOUTUBE),
    (f"https://evilyoutube.com/watch?v={VID}", MSG_NOT_YOUTUBE),
    (f"https://youtu.be.evil.com/{VID}", MSG_NOT_YOUTUBE),
    (f"https://www.youtube.com.:80/watch?v={VID}", MSG_NOT_YOUTUBE),
    (f"https://www.youtube.com%2eevil.com/watch?v={VID}", MSG_NOT_YOUTUBE),
    (f"https://evil.com?.youtube.com/watch?v={VID}", MSG_NOT_YOUTUBE),
    (f"https://evil.com#.youtube.com/watch?v={VID}", MSG_NOT_YOUTUBE),
    (f"https://www.youtube.com:8080/watch?v={VID}", MSG_NOT_YOUTUBE),
    (f"https://www.youtube.com:evil/watch?v={VID}", MSG_NOT_YOUTUBE),
    (f"https://127.0.0.1/watch?v={VID}", MSG_NOT_YOUTUBE),
    (f"https://[::1]/watch?v={VID}", MSG_NOT_YOUTUBE),
    (f"https://youtube-nocookie.com/watch?v={VID}", MSG_NO_VIDEO),
    # user-info tricks
    (f"https://youtube.com@evil.com/watch?v={VID}", MSG_USERINFO),
    (f"https://www.youtube.com:443@evil.com/watch?v={VID}", MSG_USERINFO),
    (f"https://evil.com@www.youtube.com/watch?v={VID}", MSG_USERINFO),
    (f"https://evil.com\\@www.youtube.com/watch?v={VID}", MSG_BAD_CHARACTERS),
    # other schemes
    ("javascript:alert(1)", MSG_BAD_SCHEME),
    (f"javascript://www.youtube.com/watch?v={VID}%0aalert(1)", MSG_BAD_SCHEME),
    (f"JaVaScRiPt:alert('{VID}')", MSG_BAD_SCHEME),
    ("data:text/html,<script>alert(1)</script>", MSG_BAD_SCHEME),
    ("file:///etc/passwd", MSG_BAD_SCHEME),
    (f"ftp://www.youtube.com/watch?v={VID}", MSG_BAD_SCHEME),
    (f"vbscript:msgbox('{VID}')", MSG_BAD_SCHEME),
    (f"https:/www.youtube.com/watch?v={VID}", MSG_BAD_SCHEME),
    # unicode tricks and invisible characters
    (f"https://www.y\u043eutube.com/watch?v={VID}", MSG_BAD_CHARACTERS),  # Cyrillic о
    (f"https://\uff59\uff4f\uff55\uff54\uff55\uff42\uff45.com/watch?v={VID}", MSG_BAD_CHARACTERS),
    (f"https://www.youtube.com/watch\uff1fv={VID}", MSG_BAD_CHARACTERS),  # fullwidth ?
    ("https://www.youtube.com/watch?v=dQw4w9WgXc\uff31", MSG_BAD_ID),  # fullwidth Q
    ("dQw4w9WgXc\uff31", MSG_BAD_CHARACTERS),
    (f"https://www.you\u200btube.com/watch?v={VID}", MSG_BAD_CHARACTERS),  # zero-width space
    (f"https://www.youtube.com/watch?v={VID}\u202e", MSG_BAD_CHARACTERS),  # bidi override
    (f"https://www.youtube.com/watch?v={VID}&x=\u2066", MSG_BAD_CHARACTERS),  # bidi isolate
    (f"\u200e{VID}", MSG_BAD_CHARACTERS),
    (f"https://www.youtube.com/watch?v={VID}\x00", MSG_BAD_CHARACTERS),
    # whitespace inside
    ("https://www.youtube.com/watch?v=dQw4w 9WgXcQ", MSG_BAD_CHARACTERS),
    (f"https://www.you tube.com/watch?v={VID}", MSG_BAD_CHARACTERS),
    ("dQw4w\t9WgXcQ", MSG_BAD_CHARACTERS),
    (f"https://youtu.be/{VID}\u00a0extra", MSG_BAD_CHARACTERS),
    # overlong
    (f"https://www.youtube.com/watch?v={VID}&pad=" + "a" * 2048, MSG_TOO_LONG),
    (" " * 2049, MSG_TOO_LONG),
    # links that are not one video
    ("https://www.youtube.com/watch?v=", MSG_NO_VIDEO),
    ("https://www.youtube.com/watch", MSG_NO_VIDEO),
    ("https://www.youtube.com/", MSG_NO_VIDEO),
    ("https://youtu.be/", MSG_NO_VIDEO),
    ("https://www.youtube.com/@SomeChannel", MSG_NO_VIDEO),
    ("https://www.youtube.com/channel/UC38IQsAvIsxxjztdMZQtwHA", MSG_NO_VIDEO),
    ("https://www.youtube.com/results?search_query=cats", MSG_NO_VIDEO),
    (f"https://www.youtube.com/shorts/{VID}/extra", MSG_NO_VIDEO),
    (f"https://www.youtube.com/clip/{VID}", MSG_NO_VIDEO),
    ("https://www.youtube.com/playlist?list=PLrAXtmErZgOeiKm4sgNOknGvNjby9efdf", MSG_PLAYLIST),
    ("https://www.youtube.com/watch?list=PLrAXtmErZgOeiKm4sgNOknGvNjby9efdf", MSG_PLAYLIST),
    ("https://www.youtube.com/embed/videoseries?list=PLrAXtmErZgOeiKm", MSG_PLAYLIST),
    ("https://www.youtube.com/embed/videoseries", MSG_NO_VIDEO),
    ("https://music.youtube.com/playlist?list=OLAK5uy_abc", MSG_PLAYLIST),
]


@pytest.mark.parametrize(("text", "message"), REJECTED)
def test_anything_else_is_refused_with_a_clear_message(text: str, message: str) -> None:
    with pytest.raises(InvalidVideo) as refused:
        parse_video_ref(text)
    assert message in refused.value.message
    assert str(refused.value) == refused.value.message


def test_there_are_more_than_thirty_distinct_bad_inputs() -> None:
    assert len({text for text, _ in REJECTED}) >= 30


@pytest.mark.parametrize("value", [None, 42, b"dQw4w9WgXcQ", ["dQw4w9WgXcQ"]])
def test_non_text_is_refused_not_crashed_on(value: object) -> None:
    with pytest.raises(InvalidVideo):
        parse_video_ref(value)  # type: ignore[arg-type]


def test_a_message_never_echoes_the_pasted_text() -> None:
    with pytest.raises(InvalidVideo) as refused:
        parse_video_ref("https://evil.com/<script>alert(1)</script>")
    assert "<script>" not in refused.value.message


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("90", 90),
        ("90s", 90),
        ("0", 0),
        ("1m30s", 90),
        ("1m30", 90),
        ("2m", 120),
        ("1h", 3600),
        ("1h2m3s", 3723),
        ("1H2M3S", 3723),
        ("12.75", 12),
        (" 15s ", 15),
    ],
)
def test_start_time_forms(value: str, seconds: int) -> None:
    assert parse_start_seconds(value) == seconds


@pytest.mark.parametrize("value", ["", "s", "abc", "1x", "-5", "1s2m", "\uff19\uff10", "9" * 9])
def test_unreadable_start_times_are_ignored(value: str) -> None:
    assert parse_start_seconds(value) is None


def test_an_unreadable_start_keeps_the_video_and_starts_at_zero() -> None:
    ref = parse_video_ref(f"https://youtu.be/{VID}?t=soon")
    assert (ref.video_id, ref.start_ms) == (VID, 0)


def test_query_start_wins_over_fragment_start() -> None:
    assert parse_video_ref(f"https://youtu.be/{VID}?t=10#t=20").start_ms == 10_000


def test_a_start_beyond_a_week_is_ignored() -> None:
    assert parse_video_ref(f"https://youtu.be/{VID}?t=999h").start_ms == 0


def test_canonical_url_keeps_the_start_time() -> None:
    ref = parse_video_ref(f"https://m.youtube.com/shorts/{VID}?t=1m30s&si=track")
    assert ref.canonical_url == f"https://www.youtube.com/watch?v={VID}&t=90s"
    assert parse_video_ref(VID).canonical_url == f"https://www.youtube.com/watch?v={VID}"
    assert canonical_watch_url(VID, 999) == f"https://www.youtube.com/watch?v={VID}"


def test_video_ref_is_frozen_and_validates_its_id() -> None:
    ref = VideoRef(VID, 5_000)
    assert ref.canonical_url.endswith("&t=5s")
    with pytest.raises(AttributeError):
        ref.video_id = ODD  # type: ignore[misc]
    with pytest.raises(InvalidVideo):
        VideoRef("short")
    with pytest.raises(ValueError):
        VideoRef(VID, -1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(VID, True), (ODD, True), ("dQw4w9WgXc", False), (VID + "Q", False),
     ("dQw4w9WgXc\uff31", False), (None, False), (f" {VID}", False)],
)
def test_is_video_id(value: object, expected: bool) -> None:
    assert is_video_id(value) is expected


def test_chat_links_are_found_in_order_once_each() -> None:
    text = (
        f"watch this (https://youtu.be/{VID}?t=30), then www.youtube.com/shorts/{ODD}. "
        f"Again: https://www.youtube.com/watch?v={VID}"
    )
    refs = find_video_links(text)
    assert [(ref.video_id, ref.start_ms) for ref in refs] == [(VID, 30_000), (ODD, 0)]


def test_chat_links_ignore_bare_ids_other_hosts_and_tricks() -> None:
    text = (
        f"{VID} is the id; https://evil.com/youtube.com/watch?v={VID} "
        f"https://youtube.com@evil.com/watch?v={VID} https://youtube.com.evil.com/watch?v={VID} "
        "https://www.youtube.com/playlist?list=PL1"
    )
    assert find_video_links(text) == []


def test_chat_links_survive_surrounding_punctuation_and_glued_prefixes() -> None:
    text = (
        f'"https://youtu.be/{VID}", <https://www.youtube.com/embed/{ODD}>; '
        "link:https://youtu.be/-_aaaaaaaaa!"
    )
    assert [ref.video_id for ref in find_video_links(text)] == [VID, ODD, "-_aaaaaaaaa"]


def test_chat_links_keep_an_id_ending_in_dash_or_underscore() -> None:
    assert [ref.video_id for ref in find_video_links("https://youtu.be/aaaaaaaaaa_.")] == [
        "aaaaaaaaaa_"
    ]


def test_at_most_five_links_come_from_one_message() -> None:
    ids = [f"aaaaaaaaaa{c}" for c in "bcdefgh"]
    text = " ".join(f"https://youtu.be/{video_id}" for video_id in ids)
    assert [ref.video_id for ref in find_video_links(text)] == ids[:5]
    assert find_video_links(text, limit=2) == [VideoRef(ids[0]), VideoRef(ids[1])]


def test_a_message_without_links_finds_nothing() -> None:
    assert find_video_links("hello there, youtube is down again...") == []
    assert find_video_links("") == []
