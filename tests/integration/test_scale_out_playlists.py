"""Playlists, shuffle and its undo across two Gunicorn processes on one Redis and one database
(issue 16, items 1–2): what one process changes, the other's clients see; the undo a shuffle
leaves is on the room (not in one process's memory); a playlist counts as one action for a limit
shared through Redis."""
from __future__ import annotations

import pytest

from tests.support.cluster import processes_on_redis
from tests.support.sio import Client, new_room

pytestmark = [pytest.mark.live, pytest.mark.redis]


@pytest.fixture
def two_webs(tmp_path, fresh_db_url):
    with processes_on_redis(tmp_path, fresh_db_url) as webs:
        yield webs


def queued(update: dict) -> list[int]:
    return [e["id"] for e in update["queue"] if e["status"] == "queued"]


def test_a_playlist_a_shuffle_and_its_undo_cross_processes(two_webs):
    web1, web2 = (w.base_url for w in two_webs)
    ann = Client.guest(web1, "Ann").connect()
    code = new_room(web1, ann.token)
    ben = Client.guest(web2, "Ben").connect()
    ann.join(code)
    ben.join(code)
    videos = [f"xproc{i:06d}" for i in range(12)]
    ack = ann.call("queue.playlist", {"list_id": "PLcross", "entries": [{"video_id": v} for v in videos]})
    assert ack["ok"] and ack["added"] == 12, ack
    first = ben.wait_for("queue.update", lambda u: any(e["video_id"] in videos for e in u["queue"]))
    assert [e["video_id"] for e in first["queue"]] == videos, "Ben's first sight of it on web2: all 12, in order"

    assert ann.call("member.role", {"user_id": ben.user["id"], "role": "operator"})["ok"]
    before = [i for i in ack["entry_ids"][1:]]  # the first one plays
    shuffled = ben.call("queue.shuffle", {})
    assert shuffled["ok"] and sorted(shuffled["order"]) == sorted(before) and shuffled["order"] != before
    seen = ann.wait_for("queue.update", lambda u: queued(u) == shuffled["order"])
    assert seen["can_undo_shuffle"] is True, "web1 knows the shuffle web2 made can be undone"
    undone = ann.call("queue.shuffle", {"undo": True})
    assert undone["ok"] and undone["order"] == before, undone
    ben.wait_for("queue.update", lambda u: queued(u) == before and u["can_undo_shuffle"] is False)
    assert ben.call("queue.shuffle", {"undo": True})["error"] == "conflict", "undoable once, on any process"

    # Ann's second socket, on the other process: one shared count of queue.add, a playlist being one
    ann2 = Client(web2, ann.token, user=ann.user).connect()
    ann2.join(code)
    for i, who in enumerate((ann2, ann, ann2, ann)):
        assert who.call("queue.playlist", {"list_id": f"PLmore{i}", "entries": [{"video_id": f"more{i}{j:06d}"}
                                                                               for j in range(20)]})["ok"]
    refused = ann2.call("queue.playlist", {"list_id": "PLsixth", "entries": [{"video_id": "sixth000001"}]})
    assert refused["error"] == "rate_limited", refused
    for c in (ann, ann2, ben):
        c.close()
