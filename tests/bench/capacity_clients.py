"""capacity's client process: rooms of members that do what people do, with every ack timed.

Per member, jittered (each interval × uniform(0.8, 1.2), first one at a random phase):
  player.status every STATUS_S  {entry_id, position_ms, offset_ms, rtt_ms, buffering}
  chat.send     every CHAT_S    {text}
  pause|play|seek every CONTROL_S (rooms are control_mode "any")
Samples count only between the parent's `go` and `report` (the steady-state window).
"""
from __future__ import annotations

import asyncio
import gc
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import socketio

from tests.bench import clients as C
from tests.bench.common import raise_nofile
from tests.bench.procs import next_message

VIDEO = {"video_id": "dQw4w9WgXcQ", "title": "Capacity bench video", "duration_ms": 4 * 3600 * 1000}
WANTED = ("room.playback",)  # everything else is counted by name, not parsed
CALL_TIMEOUT_S = 10.0
WORDS = ("nice", "lol", "wait", "this part", "again?", "brb", "ok", "so good", "skip?", "ha")


@dataclass
class Stats:
    measuring: bool = False
    latency: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    received: Counter = field(default_factory=Counter)
    disconnects: int = 0
    setup_latency: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    started: float = 0.0
    worst_by_second: dict[int, float] = field(default_factory=dict)  # second of the window → worst ack ms
    gc_pauses_ms: list[float] = field(default_factory=list)  # this process's collector pauses in the window
    _gc_started: float = 0.0

    def on_gc(self, phase: str, _info: dict) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        elif self.measuring and self._gc_started:
            self.gc_pauses_ms.append(round((time.perf_counter() - self._gc_started) * 1000, 1))

    def record(self, kind: str, ms: float, error: str | None, sent_at: float) -> None:
        if not self.measuring or sent_at < self.started:  # only what was sent inside the window
            return
        self.latency[kind].append(ms)
        if error:
            self.errors[kind][error] += 1
        second = int(sent_at - self.started)
        self.worst_by_second[second] = max(self.worst_by_second.get(second, 0.0), ms)

    def reset(self) -> None:
        self.latency.clear()
        self.errors.clear()
        self.received.clear()
        self.worst_by_second.clear()
        self.gc_pauses_ms.clear()
        self.started = time.monotonic()
        self.measuring = True


class Ramp:
    """At most `per_second` connection starts per second in this process."""

    def __init__(self, per_second: float) -> None:
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self.next_at = time.monotonic()
        self.lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self.lock:
            now = time.monotonic()
            if self.next_at > now:
                await asyncio.sleep(self.next_at - now)
            self.next_at = max(now, self.next_at) + self.interval


@dataclass
class Member:
    sio: object
    rng: random.Random
    stats: Stats
    playback: dict = field(default_factory=dict)
    rtt_ms: int = 0

    def position_ms(self) -> int:
        pb = self.playback
        pos = int(pb.get("position_ms") or 0)
        if pb.get("state") == "playing" and pb.get("anchor_ms"):
            pos += int((time.time() * 1000 - pb["anchor_ms"]) * float(pb.get("rate") or 1.0))
        return max(0, min(pos, VIDEO["duration_ms"]))

    async def timed(self, kind: str, event: str, data: dict) -> dict:
        t0 = time.monotonic()
        try:
            ack = await C.call(self.sio, event, data, timeout=CALL_TIMEOUT_S)
            error = None if ack.get("ok") else str(ack.get("error"))
        except socketio.exceptions.TimeoutError:
            ack, error = {"ok": False}, "timeout"
        except socketio.exceptions.BadNamespaceError:
            ack, error = {"ok": False}, "not_connected"
        except Exception as exc:  # noqa: BLE001 (a dropped socket is an error sample)
            ack, error = {"ok": False}, type(exc).__name__
        ms = (time.monotonic() - t0) * 1000
        self.stats.record(kind, ms, error, t0)
        if kind == "status" and error is None:
            self.rtt_ms = int(ms)
        return ack

    async def every(self, interval: float, action) -> None:
        await asyncio.sleep(self.rng.uniform(0, interval))
        while self.sio.connected:
            started = time.monotonic()
            await action()
            await asyncio.sleep(max(0.0, interval * self.rng.uniform(0.8, 1.2) - (time.monotonic() - started)))

    async def status(self) -> None:
        await self.timed("status", "player.status",
                         {"entry_id": self.playback.get("entry_id"), "position_ms": self.position_ms(),
                          "offset_ms": self.rng.randint(-40, 40), "rtt_ms": self.rtt_ms, "buffering": False})

    async def chat(self) -> None:
        text = " ".join(self.rng.choice(WORDS) for _ in range(self.rng.randint(1, 4)))
        await self.timed("chat", "chat.send", {"text": text})

    async def control(self) -> None:
        action = self.rng.choice(("pause", "play", "seek"))
        data = {"position_ms": self.rng.randrange(0, VIDEO["duration_ms"] - 60_000)} if action == "seek" else {}
        await self.timed("control", action, data)


def client_process(conn, job: dict) -> None:
    raise_nofile()
    C.quiet_client_logs()
    asyncio.run(_main(conn, job))


async def _main(conn, job: dict) -> None:
    rng = random.Random(job["seed"])
    stats = Stats()
    session = C.new_session()
    ramp = Ramp(job["ramp"])
    members: list[Member] = []
    behaviour: list[asyncio.Task] = []
    setup_errors: list[str] = []
    state = {"stopping": False}

    async def connect_member(url: str, token: str, code: str) -> Member:
        sio = C.make_client(session, WANTED)
        m = Member(sio, random.Random(rng.random()), stats)

        @sio.on("room.playback")
        def on_playback(data: dict) -> None:
            stats.received["room.playback"] += 1
            if isinstance(data, dict) and data.get("version", -1) >= m.playback.get("version", -1):
                m.playback = data

        @sio.on("*")
        def on_any(event: str, *_a: object) -> None:
            stats.received[event] += 1

        @sio.on("disconnect")
        def on_disconnect(*_a: object) -> None:
            if not state["stopping"]:
                stats.disconnects += 1

        await ramp.wait()
        t0 = time.monotonic()
        await sio.connect(url, auth={"token": token}, transports=["websocket"], wait_timeout=30)
        t1 = time.monotonic()
        ack = await C.must(sio, "join", {"code": code}, timeout=60)
        stats.setup_latency["connect"].append((t1 - t0) * 1000)
        stats.setup_latency["join"].append((time.monotonic() - t1) * 1000)
        m.playback = ack["room"]["playback"]
        members.append(m)
        return m

    def start_behaviour(m: Member) -> None:
        behaviour.extend(asyncio.create_task(m.every(iv, fn)) for iv, fn in (
            (job["status_s"], m.status), (job["chat_s"], m.chat), (job["control_s"], m.control)))

    async def room_setup(room: dict) -> None:
        try:
            (url, token), rest = room["members"][0], room["members"][1:]
            owner = await connect_member(url, token, room["code"])
            entry = (await C.must(owner.sio, "queue.add", VIDEO))["entry"]["id"]
            await C.must(owner.sio, "player.ready", {"entry_id": entry, "ready": True})
            start_behaviour(owner)
            for url, token in rest:
                start_behaviour(await connect_member(url, token, room["code"]))
        except Exception as exc:  # noqa: BLE001 (reported as a setup error)
            setup_errors.append(f"{type(exc).__name__}: {str(exc)[:160]}")

    t0 = time.monotonic()
    sem = asyncio.Semaphore(job["concurrency"])

    async def bounded(room: dict) -> None:
        async with sem:
            await room_setup(room)

    await asyncio.gather(*(bounded(r) for r in job["rooms"]))
    # The clients' own garbage collector stops this whole process (every member's loop) while it
    # walks 1,000 clients' objects: a pause here would be counted as the server's latency. As the
    # server does (server/wsgi.py): what the setup built is frozen, full collections are rare,
    # and every pause inside the window is timed and reported.
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 10)
    gc.callbacks.append(stats.on_gc)
    conn.send({"op": "ready", "connected": sum(1 for m in members if m.sio.connected),
               "setup_s": round(time.monotonic() - t0, 2), "setup_errors": len(setup_errors),
               "setup_error_samples": setup_errors[:5], "setup_disconnects": stats.disconnects,
               "setup_latency": dict(stats.setup_latency)})
    while True:
        msg = await next_message(conn)
        if msg["op"] == "go":
            stats.disconnects = 0
            stats.reset()
        elif msg["op"] == "report":
            stats.measuring = False
            conn.send({"op": "report", "latency": dict(stats.latency),
                       "errors": {k: dict(v) for k, v in stats.errors.items()}, "received": dict(stats.received),
                       "worst_by_second": dict(stats.worst_by_second),
                       "gc_pauses_ms": list(stats.gc_pauses_ms),
                       "disconnects": stats.disconnects,
                       "connected": sum(1 for m in members if m.sio.connected)})
        elif msg["op"] == "stop":
            break
    state["stopping"] = True
    for task in behaviour:
        task.cancel()
    try:
        await asyncio.wait_for(asyncio.gather(*(m.sio.disconnect() for m in members if m.sio.connected),
                                              return_exceptions=True), 10)
    except TimeoutError:
        pass
    await session.close()
