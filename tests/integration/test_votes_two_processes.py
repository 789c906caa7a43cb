"""Vote-skip and reactions across two interactive processes on one Redis (issue 16): the votes
live in the room clock (the database, compare-and-set), so votes cast on both processes add up,
two last votes at the same instant skip exactly one entry, and reactions reach the other
process's sockets and its late joiners."""
from __future__ import annotations

import threading
import time

import pytest

from tests.support.cluster import processes_on_redis
from tests.support.sio import Client, new_room

pytestmark = [pytest.mark.live, pytest.mark.redis]
VIDS = ("aaaaaaaaaa1", "bbbbbbbbbb2", "cccccccccc3")


@pytest.fixture
def two_processes(tmp_path, fresh_db_url):
    # player reports reach the other process with the presence heartbeat (deferred with Redis)
    with processes_on_redis(tmp_path, fresh_db_url, env={"HEARTBEAT_INTERVAL_SECONDS": "1"}) as procs:
        yield procs


def test_votes_from_two_processes_add_up_and_skip_exactly_once(two_processes):
    web1, web2 = two_processes
    ann = Client.guest(web1.base_url, "Ann").connect()
    code = new_room(web1.base_url, ann.token, control_mode="owner_only")
    ann.join(code)
    ben, cat = Client.guest(web2.base_url, "Ben").connect(), Client.guest(web1.base_url, "Cat").connect()
    dan, eve = Client.guest(web2.base_url, "Dan").connect(), Client.guest(web1.base_url, "Eve").connect()
    people = (ann, ben, cat, dan, eve)
    for c in people[1:]:
        c.join(code)
    entries = [ann.call("queue.add", {"video_id": vid})["entry"]["id"] for vid in VIDS]
    for c in people:
        assert c.call("player.ready", {"entry_id": entries[0], "ready": True})["ok"]
    ann.wait_for("room.playback", lambda p: p["state"] == "playing")
    for c in people:
        assert c.call("player.status", {"entry_id": entries[0], "position_ms": 500})["ok"]
    time.sleep(2.5)  # one presence heartbeat on each process shares the reports through Redis

    # five watching on two processes: ceil(0.5 x 5) = 3 votes skip
    first = ben.call("vote.skip", {"entry_id": entries[0]})
    assert (first["vote"]["votes"], first["vote"]["needed"], first["vote"]["watching"]) == (1, 3, 5)
    seen = ann.wait_for("vote.state", lambda s: s["votes"] == 1)
    assert seen["voters"] == [ben.user["id"]], "a vote on process 2 is counted on process 1"
    assert cat.call("vote.skip", {"entry_id": entries[0]})["vote"]["votes"] == 2

    # Dan (process 2) and Eve (process 1) cast the third vote at the same instant
    answers: dict[str, dict] = {}

    def vote(name: str, client: Client) -> None:
        answers[name] = client.call("vote.skip", {"entry_id": entries[0]})

    threads = [threading.Thread(target=vote, args=(n, c)) for n, c in (("dan", dan), ("eve", eve))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(15)
    skipped = [n for n, a in answers.items() if a.get("ok") and a.get("skipped")]
    assert len(skipped) == 1, answers
    other = next(a for n, a in answers.items() if n not in skipped)
    assert other.get("error") == "conflict" or (other.get("ok") and not other.get("skipped")), other
    for c in (ann, ben):
        c.wait_for("room.playback", lambda p: p["entry_id"] == entries[1])
    history = {e["id"]: e["status"] for e in ann.call("queue.load", {"history": 1})["history"]}
    assert history[entries[0]] == "skipped" and history.get(entries[1]) != "skipped", "exactly one skip"
    assert ann.call("room.sync")["room"]["playback"]["entry_id"] == entries[1]
    assert ben.wait_for("vote.state", lambda s: s["entry_id"] == entries[1])["votes"] == 0

    # reactions: sent on process 2, heard on process 1, handed to a late joiner on process 2
    for c in people:
        c.call("player.ready", {"entry_id": entries[1], "ready": True})
    sent = ben.call("reaction.send", {"emoji": "🎉", "position_ms": 1_500})["reaction"]
    assert ann.wait_for("reaction", lambda r: r["id"] == sent["id"])["entry_id"] == entries[1]
    fay = Client.guest(web2.base_url, "Fay").connect()
    assert fay.join(code)["reactions"] == [sent]
    for c in (*people, fay):
        c.close()
