"""queue.playlist over sockets (issue 16, item 1): a playlist read from the page or, with
YOUTUBE_API_KEY, by the server from a pasted list= link (a local Data API stub) goes into the queue
as ONE action — in order, one queue.update, one rate-limit hit, one chat line — titles filled in
off the handler; bad input is `invalid` for the sender only."""
from __future__ import annotations

import json
import time

import pytest

from server.extensions import db
from server.models import QueueEntry, Room, RoomAudit
from tests.support.socket_clients import create_room, sign_in
from tests.support.youtube_api_stub import YouTubeApiStub

LIST = "PLplaylistTest01"


def vids(n: int, prefix: str = "v") -> list[str]:
    return [f"{prefix}{i:010d}"[-11:] for i in range(n)]


def page_entries(ids: list[str]) -> list[dict]:
    return [{"video_id": vid, "title": f"Page title {vid}"} for vid in ids]


def room_of_two(app, **settings):
    owner, bob = sign_in(app, "Owner"), sign_in(app, "Bob")
    code = create_room(app, owner, **settings)["code"]
    for g in (owner, bob):
        g.connect().join(code)
    for g in (owner, bob):
        g.received()
    return code, owner, bob


@pytest.fixture
def api():
    with YouTubeApiStub(key="k-test") as stub:
        yield stub


def test_a_page_playlist_is_appended_in_order_with_one_queue_update_and_one_line(app):
    code, owner, bob = room_of_two(app)
    outsider = sign_in(app, "Elsewhere").connect()
    outsider.join(create_room(app, outsider)["code"])
    outsider.received()
    assert owner.emit("queue.add", {"video_id": "before00001"})["ok"]
    bob.received()
    ids = vids(30)
    ack = owner.emit("queue.playlist", {"list_id": LIST, "entries": page_entries(ids)})
    assert ack["ok"] and ack["added"] == 30 and ack["dropped"] == 0 and not ack["duplicate"], ack
    assert len(ack["entry_ids"]) == 30
    updates = bob.received("queue.update")
    queued = [[e["video_id"] for e in u["queue"] if e["video_id"] != "before00001"] for u in updates]
    showing = [q for q in queued if q]
    assert showing and showing[0] == ids, "the first queue.update that shows the playlist shows all 30, in order"
    assert all(q in ([], ids) for q in queued), "no queue.update ever shows part of the playlist"
    room = bob.emit("room.sync")["room"]
    assert [e["video_id"] for e in room["queue"]][1:] == ids
    assert [e["title"] for e in room["queue"]][1] == f"Page title {ids[0]}", "the page's title shows at once"
    lines = [m["text"] for m in owner.received("chat.message") if m["kind"] == "system"]
    assert "Owner added a playlist: 30 videos" in lines
    assert outsider.received() == [], "another room hears nothing"
    with app.app_context():
        rows = db.session.execute(db.select(RoomAudit).filter_by(action="queue.playlist")).scalars().all()
        assert len(rows) == 1 and json.loads(rows[0].after)["videos"] == ids
        assert json.loads(rows[0].after)["list"].endswith(f"list={LIST}")


def test_a_playlist_starts_an_idle_room_with_its_first_entry(app):
    code, owner, bob = room_of_two(app)
    ack = owner.emit("queue.playlist", {"url": f"https://www.youtube.com/watch?v=aaaaaaaaaa1&list={LIST}",
                                        "entries": page_entries(vids(3))})
    assert ack["ok"], ack
    pb = bob.emit("room.sync")["room"]["playback"]
    assert pb["entry_id"] == ack["entry_ids"][0] and pb["state"] in ("starting", "playing")


def test_a_playlist_counts_as_one_action_for_the_rate_limit_and_repeats_collapse(app):
    code, owner, bob = room_of_two(app)
    big = owner.emit("queue.playlist", {"list_id": "PLbig", "entries": page_entries(vids(200, "b"))})
    assert big["ok"] and big["added"] == 200, "200 entries are one action, not 200"
    again = owner.emit("queue.playlist", {"list_id": "PLbig", "entries": page_entries(vids(200, "b"))})
    assert again["ok"] and again["duplicate"] and again["added"] == 0, "the same playlist twice within 5 s: once"
    for i in range(4):
        assert owner.emit("queue.playlist", {"list_id": f"PLn{i}", "entries": page_entries(vids(2, f"{i}"))})["ok"]
    refused = owner.emit("queue.playlist", {"list_id": "PLsixth", "entries": page_entries(vids(2, "s"))})
    assert refused["error"] == "rate_limited" and refused["retry_after_ms"] > 0, refused
    assert owner.emit("queue.add", {"video_id": "zzzzzzzzzz1"})["error"] == "rate_limited", "the same counter"
    assert bob.emit("queue.playlist", {"list_id": "PLbob", "entries": page_entries(vids(2, "x"))})["ok"], \
        "per user"
    time.sleep(5.1)  # the queue.add window has room again; playlists have their own limit: 6 a minute
    assert owner.emit("queue.playlist", {"list_id": "PLn6", "entries": page_entries(vids(2, "6"))})["ok"]
    seventh = owner.emit("queue.playlist", {"list_id": "PLn7", "entries": page_entries(vids(2, "7"))})
    assert seventh["error"] == "rate_limited" and "playlists" in seventh["message"], seventh


def test_the_queue_cap_takes_what_fits_then_refuses(app):
    code, owner, bob = room_of_two(app)
    assert owner.emit("queue.add", {"video_id": "playing0001"})["ok"]  # the room plays: the rest stays queued
    with app.app_context():
        room = db.session.execute(db.select(Room).filter_by(code=code)).scalar_one()
        db.session.add_all([QueueEntry(room_id=room.id, video_id=f"f{i:010d}", url="u", status="queued",
                                       position=i + 1) for i in range(495)])
        db.session.commit()
    ack = owner.emit("queue.playlist", {"list_id": LIST, "entries": page_entries(vids(10))})
    assert ack["ok"] and ack["added"] == 5 and ack["dropped"] == 5, ack
    full = bob.emit("queue.playlist", {"list_id": "PLother", "entries": page_entries(vids(3, "o"))})
    assert full["error"] == "conflict", full


def test_a_locked_queue_takes_playlists_from_operators_only(app):
    code, owner, bob = room_of_two(app, queue_locked=True)
    refused = bob.emit("queue.playlist", {"list_id": LIST, "entries": page_entries(vids(3))})
    assert refused["error"] == "forbidden"
    assert owner.received("queue.update") == []
    assert owner.emit("member.role", {"user_id": bob.user["id"], "role": "operator"})["ok"]
    assert bob.emit("queue.playlist", {"list_id": LIST, "entries": page_entries(vids(3))})["ok"]


@pytest.mark.parametrize("payload", [
    {"list_id": LIST, "entries": page_entries(vids(201))},
    {"list_id": LIST, "entries": []},
    {"list_id": LIST, "entries": "v0000000001"},
    {"list_id": LIST, "entries": [{"video_id": "short"}]},
    {"list_id": LIST, "entries": [{"video_id": "v0000000001"}, {"title": "no id"}]},
    {"list_id": LIST, "entries": [{"video_id": "v0000000001", "title": "x" * 201}]},
    {"list_id": LIST, "entries": [["v0000000001"]]},
    {"list_id": LIST, "entries": [{"video_id": 12345678901}]},
    {"entries": page_entries(vids(2))},
    {"list_id": "PL bad id", "entries": page_entries(vids(2))},
    {"url": "https://www.youtube.com/watch?v=aaaaaaaaaa1", "entries": page_entries(vids(2))},
    {"url": "https://evil.example/playlist?list=PLabc"},
    {"url": "https://www.youtube.com/playlist?list=PL%20bad"},
])
def test_bad_playlists_are_invalid_for_the_sender_only(app, payload):
    code, owner, bob = room_of_two(app)
    ack = owner.emit("queue.playlist", payload)
    assert ack["ok"] is False and ack["error"] == "invalid" and ack["message"], ack
    assert bob.received() == [] and owner.received() == []


def test_without_an_api_key_a_bare_link_gets_a_clear_error(app):
    code, owner, bob = room_of_two(app)
    for payload in ({"url": f"https://www.youtube.com/playlist?list={LIST}"}, {"list_id": LIST}):
        ack = owner.emit("queue.playlist", payload)
        assert ack["error"] == "invalid" and "Add playlist" in ack["message"], ack
    assert bob.received() == []


def test_with_a_key_the_server_reads_a_pasted_link_paged_in_order_and_cached(make_app, api):
    videos = [(f"p{i:010d}", f"API title {i}", "Chan") for i in range(120)]
    api.set_playlist(LIST, videos)
    api.unavailable.add("p0000000007")
    app = make_app(YOUTUBE_API_KEY="k-test", YOUTUBE_API_URL=api.url)
    code, owner, bob = room_of_two(app)
    ack = owner.emit("queue.playlist", {"url": f"https://youtube.com/playlist?list={LIST}"})
    assert ack["ok"] and ack["added"] == 119, ack
    pages = api.paths("playlistItems")
    assert len(pages) == 3 and all("key=k-test" in p and f"playlistId={LIST}" in p for p in pages)
    expected = [v for v, _, _ in videos if v != "p0000000007"]
    queue = bob.emit("room.sync")["room"]["queue"]
    assert [e["video_id"] for e in queue] == expected, "in the playlist's order, the private video left out"
    assert queue[1]["title"] == "API title 1" and queue[1]["author"] == "Chan"
    time.sleep(5.1)  # past the duplicate window: a real second add of the same playlist
    assert owner.emit("queue.playlist", {"list_id": LIST})["added"] == 119
    assert len(api.paths("playlistItems")) == 3, "the second read came from the cache"


def test_with_a_key_unknown_failing_and_too_frequent_reads_are_refused(make_app, api):
    app = make_app(YOUTUBE_API_KEY="k-test", YOUTUBE_API_URL=api.url)
    code, owner, bob = room_of_two(app)
    assert owner.emit("queue.playlist", {"list_id": "PLnope"})["error"] == "not_found"
    api.status = 500
    failed = owner.emit("queue.playlist", {"list_id": "PLdown"})
    assert failed["error"] == "unavailable", failed
    api.status = None
    api.set_playlist("PLempty", [])
    assert owner.emit("queue.playlist", {"list_id": "PLempty"})["error"] == "invalid"
    api.set_playlist("PLok", [("ok00000000a", "A", "C")])
    assert owner.emit("queue.playlist", {"list_id": "PLok"})["ok"]
    assert owner.emit("queue.playlist", {"list_id": "PLnope2"})["error"] == "not_found"  # the fifth read
    limited = owner.emit("queue.playlist", {"list_id": "PLsix"})
    assert limited["error"] == "rate_limited", "five server reads a minute per user"
    assert bob.emit("queue.playlist", {"list_id": "PLok"})["ok"]


def test_titles_are_filled_in_off_the_handler_from_youtube(make_app, api):
    api.set_playlist("PLmeta", [(f"m{i:010d}", f"YouTube's title {i}", "Real channel") for i in range(3)])
    app = make_app(YOUTUBE_API_KEY="k-test", YOUTUBE_API_URL=api.url)
    code, owner, bob = room_of_two(app)
    ids = [f"m{i:010d}" for i in range(3)]
    api.delay_s = 1.5  # a slow YouTube: a handler that waited for it would answer late
    started = time.monotonic()
    ack = owner.emit("queue.playlist", {"list_id": "PLmeta", "entries": page_entries(ids)})
    assert ack["ok"] and time.monotonic() - started < 1.0
    filled = bob.wait_for("queue.update", lambda u: [e["title"] for e in u["queue"]]
                          == [f"YouTube's title {i}" for i in range(3)], timeout=10)
    assert all(e["author"] == "Real channel" and e["duration_ms"] == 60_000 for e in filled["queue"])
    assert api.paths("videos"), "the existing metadata path (Data API videos) asked"


def test_a_server_read_holds_no_database_transaction_while_youtube_answers(make_app, api):
    """The read can take seconds (paged, PLAYLIST_TIMEOUT_S): a transaction held meanwhile would
    keep a pooled connection (and, on SQLite, a read snapshot) for that long per request."""
    api.set_playlist("PLslow", [("s0000000001", "A", "C"), ("s0000000002", "B", "C")])
    app = make_app(YOUTUBE_API_KEY="k-test", YOUTUBE_API_URL=api.url)
    code, owner, bob = room_of_two(app)
    fetcher = app.extensions["sharetube"].playlists
    seen = []
    real_fetch = fetcher.fetch

    def watching_fetch(list_id):
        seen.append(db.session().in_transaction())
        return real_fetch(list_id)

    fetcher.fetch = watching_fetch
    ack = owner.emit("queue.playlist", {"list_id": "PLslow"})
    assert ack["ok"] and ack["added"] == 2, ack
    assert seen == [False]
