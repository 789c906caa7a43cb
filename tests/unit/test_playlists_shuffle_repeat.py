"""Issue 16 items 1–2, the pure parts and the bounded fetch: playlist links, the `items` payload
field, shuffling, the room clock's repeat, and the playlistItems fetcher against a local stub."""
from __future__ import annotations

import logging
import random
import time

import pytest

from server.domain import queue_order
from server.domain.room_clock import Advanced, Ended, System, Tick, apply
from server.domain.youtube_urls import InvalidVideo, is_playlist_id, parse_playlist_ref
from server.errors import ApiError
from server.services.playlists import Answer, PlaylistFetcher
from server.validation import Items, Str, validate
from tests.support.youtube_api_stub import YouTubeApiStub
from tests.unit.clock_fixtures import BOB, CURRENT, NEXT, NOW, playing, room


@pytest.mark.parametrize("link,list_id", [
    ("https://www.youtube.com/playlist?list=PLrAXtmErZgOeiKm4sgNOknGvNjby9efdf", "PLrAXtmErZgOeiKm4sgNOknGvNjby9efdf"),
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&list=PLabc_-123&index=3", "PLabc_-123"),
    ("youtube.com/playlist?list=OLAK5uy_kxyz", "OLAK5uy_kxyz"),
    ("https://youtu.be/dQw4w9WgXcQ?list=RDdQw4w9WgXcQ", "RDdQw4w9WgXcQ"),
    ("https://music.youtube.com/playlist?list=PLm", "PLm"),
])
def test_playlist_links_give_their_list_id(link, list_id):
    assert parse_playlist_ref(link) == list_id


@pytest.mark.parametrize("text", [
    "", "   ", "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://evil.example/playlist?list=PLabc",
    "https://www.youtube.com@evil.example/playlist?list=PLabc", "javascript:alert(1)//youtube.com?list=PLa",
    "https://www.youtube.com/playlist?list=PL%3Cscript%3E", "https://www.youtube.com/playlist?list=P",
    "https://www.youtube.com/playlist?list=" + "a" * 65, "https://www.youtu\u200bbe.com/playlist?list=PLa",
])
def test_anything_else_is_refused_with_a_message(text):
    with pytest.raises(InvalidVideo) as info:
        parse_playlist_ref(text)
    assert info.value.message
    assert not is_playlist_id("PL abc") and is_playlist_id("PLabc")


def test_the_items_field_checks_each_object_and_bounds_the_list():
    schema = {"entries": Items({"video_id": Str(11)}, max_items=3)}
    assert validate(schema, {"entries": [{"video_id": "a", "extra": 1}]}) == {"entries": [{"video_id": "a"}]}
    for bad in ([], [{}] * 4, "x", [1], [{"video_id": 5}], [{"video_id": "x" * 12}], {"video_id": "a"}):
        with pytest.raises(ApiError) as info:
            validate(schema, {"entries": bad})
        assert info.value.code == "invalid" and "entries" in info.value.message


def test_a_shuffle_is_a_different_permutation_every_time():
    rng = random.Random(7)
    order = list(range(1, 21))
    seen = set()
    for _ in range(50):
        new = queue_order.shuffle(order, rng.randrange)
        assert sorted(new) == order and new != order
        seen.add(tuple(new))
    assert len(seen) == 50, "random, not a fixed rotation"
    assert queue_order.shuffle([4], rng.randrange) == [4] and queue_order.shuffle([], rng.randrange) == []
    assert queue_order.shuffle([1, 2], rng.randrange) == [2, 1], "two entries always swap"
    assert queue_order.shuffle([1, 2, 3], lambda n: n - 1) == [2, 3, 1], "a draw that changes nothing: rotated"


def at_end():
    return playing(position=58_000, since=2_000 + 1_600)


def test_repeat_off_advances_as_before():
    after, effects = apply(at_end(), Tick(), room(), NOW)
    assert after.entry_id == NEXT.id and effects[0] == Advanced(CURRENT.id, "played", NEXT.id)


def test_repeat_one_replays_from_the_entrys_start_even_with_autoadvance_off():
    current = CURRENT.__class__(CURRENT.id, CURRENT.video_id, CURRENT.duration_ms, start_ms=3_000)
    for autoadvance in (True, False):
        after, effects = apply(at_end(), Ended(BOB, CURRENT.id),
                               room(repeat="one", current_entry=current, autoadvance=autoadvance), NOW)
        assert (after.state, after.entry_id, after.position_ms) == ("playing", CURRENT.id, 3_000)
        assert after.anchor_ms > NOW, "a scheduled start for everyone"
        assert System("repeat_one", (), {"entry_id": CURRENT.id}) in effects
        assert not any(isinstance(e, Advanced) for e in effects)


def test_repeat_all_advances_and_requeues_or_replays_a_lone_entry():
    after, effects = apply(at_end(), Tick(), room(repeat="all"), NOW)
    assert after.entry_id == NEXT.id and effects[0] == Advanced(CURRENT.id, "played", NEXT.id, requeue=True)
    alone, effects = apply(at_end(), Tick(), room(repeat="all", next_entry=None), NOW)
    assert (alone.state, alone.entry_id, alone.position_ms) == ("playing", CURRENT.id, 0)
    stopped, effects = apply(at_end(), Tick(), room(repeat="all", autoadvance=False), NOW)
    assert stopped.state == "paused", "autoadvance off still stops a room repeating all"


def test_a_replayed_entry_ignores_late_ends_of_its_previous_run():
    replayed, _ = apply(at_end(), Ended(BOB, CURRENT.id), room(repeat="one"), NOW)
    assert apply(replayed, Ended(BOB, CURRENT.id), room(repeat="one"), NOW + 300) == (replayed, [])


@pytest.fixture
def api():
    with YouTubeApiStub(key="secret-key-123") as stub:
        yield stub


def test_the_fetcher_pages_in_order_stops_at_200_and_caches(api):
    api.set_playlist("PLlong", [(f"L{i:010d}", f"T{i}", "C") for i in range(260)])
    api.unavailable.add("L0000000002")
    fetcher = PlaylistFetcher(api.url, "secret-key-123")
    answer, items = fetcher.fetch("PLlong")
    assert answer is Answer.FOUND and len(items) == 199, "4 pages of 50 at most; one was private"
    assert [i.video_id for i in items][:3] == ["L0000000000", "L0000000001", "L0000000003"]
    assert items[-1].video_id == "L0000000199" and items[0].title == "T0" and items[0].author == "C"
    assert len(api.paths("playlistItems")) == 4
    assert fetcher.fetch("PLlong") == (answer, items) and len(api.paths("playlistItems")) == 4, "cached"
    api.set_playlist("PLshort", [(f"M{i:010d}", f"T{i}", "C") for i in range(60)])
    assert len(fetcher.fetch("PLshort")[1]) == 60 and len(api.paths("playlistItems")) == 6, "stops at the last page"


def test_the_fetcher_is_bounded_in_time_and_size_and_never_logs_the_key(api, caplog):
    api.set_playlist("PLslow", [("S0000000001", "S", "C")])
    caplog.set_level(logging.INFO)
    api.delay_s = 1.5
    started = time.monotonic()
    assert PlaylistFetcher(api.url, "secret-key-123", timeout_s=0.4).fetch("PLslow") == (Answer.FAILED, ())
    assert time.monotonic() - started < 1.2
    api.delay_s = 0
    api.padding_bytes = 600 * 1024
    assert PlaylistFetcher(api.url, "secret-key-123").fetch("PLslow") == (Answer.FAILED, ()), "over 512 KB"
    api.padding_bytes = 0
    assert PlaylistFetcher(api.url, "wrong-key").fetch("PLslow") == (Answer.NOT_FOUND, ())
    assert PlaylistFetcher(api.url, "secret-key-123").fetch("PLunknown") == (Answer.NOT_FOUND, ())
    assert PlaylistFetcher(api.url, None).fetch("PLslow") == (Answer.NOT_FOUND, ()), "no key: never asks"
    assert "secret-key-123" not in caplog.text
