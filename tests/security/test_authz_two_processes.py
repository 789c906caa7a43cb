"""A representative slice of the authorization matrix on two interactive processes sharing one
Redis and one database: the owner on the first process, the actor on the second. Expectations
come from the same table (authz_table.expected); the room is read back through the owner's
process after every case, so a change made on the other process cannot hide."""
from __future__ import annotations

import json
import time

import pytest
import redis as redis_client

from server.background.scheduler import HOUSEKEEPING_EVERY_S  # each process shares its records this often
from tests.security.authz_table import TABLE, expected
from tests.support.cluster import RedisServer, ServerProc
from tests.support.sio import Client, new_room

pytestmark = [pytest.mark.live, pytest.mark.redis]

ROWS = {a.name: a for a in TABLE}
SLICE = ["pause", "seek", "skip", "rate", "queue.add", "queue.move", "queue.play", "room.settings",
         "room.settings#control_mode", "member.role", "member.kick", "chat.send", "room.sync"]
PAYLOADS = {
    "pause": lambda r: {"position_ms": 1_000},
    "seek": lambda r: {"position_ms": 9_000},
    "rate": lambda r: {"rate": 1.5},
    "queue.add": lambda r: {"video_id": "dddddddddd3"},
    "queue.move": lambda r: {"entry_id": r["queued"][-1], "to_index": 0},
    "queue.play": lambda r: {"entry_id": r["queued"][0]},
    "room.settings": lambda r: {"name": "Renamed"},
    "room.settings#control_mode": lambda r: {"control_mode": "any"},
    "member.role": lambda r: {"user_id": r["target"], "role": "operator"},
    "member.kick": lambda r: {"user_id": r["target"]},
    "chat.send": lambda r: {"text": "hello"},
}


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, db_templates):
    tmp = tmp_path_factory.mktemp("authz2")
    redis = RedisServer(tmp)
    url = db_templates.fresh_url()
    env = {"YOUTUBE_OEMBED_URL": "http://127.0.0.1:9/oembed",  # nothing listens: metadata fails at once
           "RATE_LIMIT_EXEMPT_LOOPBACK": "1"}  # every client is on 127.0.0.1: per-IP limits are not the subject
    web1 = ServerProc(tmp, url, pool="interactive", redis_url=redis.url, env=env).start()
    web2 = ServerProc(tmp, url, pool="interactive", redis_url=redis.url, env=env).start()
    yield web1, web2, redis
    for proc in (web1, web2):
        proc.stop()
    redis.stop()


@pytest.fixture(scope="module")
def two_procs(cluster):
    return cluster[:2]


def facts(owner: Client) -> tuple:
    room = owner.call("room.sync")["room"]
    return (room["version"], room["queue_version"], room["settings"], room["owner_id"],
            sorted((m["user_id"], m["role"]) for m in room["members"]),
            [(e["id"], e["position"]) for e in room["queue"]], len([m for m in room["chat"] if m["kind"] == "text"]))


def settle(owner: Client, quiet_s: float = 1.0, timeout_s: float = 15.0) -> None:
    deadline = time.monotonic() + timeout_s
    last, since = None, time.monotonic()
    while time.monotonic() < deadline:
        now = facts(owner)
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return
        time.sleep(0.2)
    raise AssertionError("the room did not settle")


def scene(web1, web2, mode: str, role: str) -> dict:
    owner = Client.guest(web1.base_url, "Owner").connect()
    code = new_room(web1.base_url, owner.token, control_mode=mode)
    owner.join(code)
    target = Client.guest(web2.base_url, "Target").connect()
    target.join(code)
    actor = Client.guest(web2.base_url, "Actor").connect()
    actor.join(code)
    if role == "operator":
        assert owner.call("member.role", {"user_id": actor.user["id"], "role": "operator"})["ok"]
    queued = [owner.call("queue.add", {"video_id": v})["entry"]["id"] for v in ("aaaaaaaaaa0", "bbbbbbbbbb1",
                                                                                  "cccccccccc2")]
    # The metadata look-ups (failing, then filling default thumbnails) bump the queue version on
    # their own: let them land (the version stays put for a second) before the case looks.
    settle(owner)
    if role in ("kicked", "banned"):
        assert owner.call("member.kick", {"user_id": actor.user["id"], "ban": role == "banned"})["ok"]
        actor.wait_for("room.kicked", timeout=5)
    return {"owner": owner, "actor": actor, "target": target.user["id"], "queued": queued[1:], "others": [target]}


@pytest.mark.parametrize("mode,role", [("owner_only", "participant"), ("operators", "operator"),
                                       ("operators", "participant"), ("any", "participant")])
def test_two_process_slice_follows_the_table(two_procs, mode, role):
    web1, web2 = two_procs
    problems = []
    for name in SLICE:
        s = scene(web1, web2, mode, role)
        before = facts(s["owner"])
        ack = s["actor"].call(name.split("#")[0], PAYLOADS.get(name, lambda r: {})(s))
        after = facts(s["owner"])
        want = expected(ROWS[name], role, mode, "guest")
        if bool(ack.get("ok")) != want:
            problems.append(f"{name} mode={mode} role={role}: ack {ack}, table says {'allow' if want else 'deny'}")
        if not want and before != after:
            changed = [(b, a) for b, a in zip(before, after, strict=True) if a != b]
            problems.append(f"{name} mode={mode} role={role}: UNAUTHORIZED CHANGE {changed}")
        for c in (s["owner"], s["actor"], *s["others"]):
            c.close()
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("role", ["kicked", "banned"])
def test_a_member_removed_on_one_process_is_refused_on_the_other(two_procs, role):
    """Issue 14 finding 3 (sec-a's fix): a kick or ban made through process A reaches the
    member's socket on process B; nothing it sends afterwards is accepted."""
    web1, web2 = two_procs
    problems = []
    for name in ["chat.send", "room.sync", "queue.load", "chat.typing", "pause", "queue.add"]:
        s = scene(web1, web2, "any", role)
        before = facts(s["owner"])
        ack = s["actor"].call(name, PAYLOADS.get(name, lambda r: {})(s))
        if ack.get("ok"):
            problems.append(f"{name} after {role}: accepted {str(ack)[:120]}")
        after = facts(s["owner"])
        if after != before:
            changed = [(b, a) for b, a in zip(before, after, strict=True) if a != b]
            problems.append(f"{name} after {role}: UNAUTHORIZED CHANGE {changed}")
        for c in (s["owner"], s["actor"], *s["others"]):
            c.close()
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("role", ["kicked", "banned"])
def test_a_member_removed_on_one_process_stays_out_of_the_room(cluster, role):
    """The member's own process takes its socket out of the room when it applies the removal, so
    its heartbeat never shares the record again: neither the room's shared presence (what every
    process's rosters, clock and room sizes read) nor the roster shows the removed member back,
    and its socket's next event hears why it is refused. Before, the socket kept its room and
    every heartbeat of its process put its record back, until its next event."""
    web1, web2, redis = cluster
    s = scene(web1, web2, "any", role)
    shared = redis_client.Redis.from_url(redis.url)
    try:
        actor_id = s["actor"].user["id"]
        code = s["owner"].call("room.sync")["room"]["code"]
        reads = []
        deadline = time.monotonic() + 2.5 * HOUSEKEEPING_EVERY_S  # two heartbeats of the member's process at least
        while time.monotonic() < deadline:
            records = [json.loads(v) for v in shared.hvals(f"st:presence:{code}")]
            roster = {m["user_id"] for m in s["owner"].call("room.sync")["room"]["members"]}
            reads.append(actor_id in roster or any(r["user_id"] == actor_id for r in records))
            time.sleep(0.1)
        assert len(reads) >= 10 and not any(reads), f"the member came back in {sum(reads)} of {len(reads)} reads"
        first = s["actor"].call("room.sync")
        assert first["ok"] is False and first["error"] == "forbidden", first
        assert "not a member" in first["message"]
        assert s["actor"].call("room.sync")["error"] == "conflict"  # out of the room: join first
    finally:
        shared.close()
        for c in (s["owner"], s["actor"], *s["others"]):
            c.close()


def test_a_knock_crosses_processes_both_ways(two_procs):
    """A newcomer on the second process knocks on a private room whose owner is on the first;
    the owner's answer reaches the newcomer's socket through the message queue."""
    web1, web2 = two_procs
    owner = Client.guest(web1.base_url, "Owner").connect()
    code = new_room(web1.base_url, owner.token, is_private=True)
    assert owner.call("join", {"code": code})["ok"]
    newcomer = Client.guest(web2.base_url, "Newcomer").connect()
    try:
        assert newcomer.call("join", {"code": code})["needs_approval"] is True
        knock_id = newcomer.call("room.knock", {"code": code})["knock_id"]
        seen = owner.wait_for("room.knock", timeout=5)
        assert seen["knock"]["id"] == knock_id and seen["knock"]["name"] == "Newcomer"
        assert owner.call("room.knock_answer", {"knock_id": knock_id, "admit": True})["ok"]
        assert newcomer.wait_for("room.knock_answer", timeout=5)["admitted"] is True
        assert newcomer.call("join", {"code": code})["ok"]
    finally:
        owner.close()
        newcomer.close()
