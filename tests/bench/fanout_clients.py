"""fanout's client process: joins its share of every target's room, then timestamps each
`room.playback` it receives (time.monotonic() is system-wide on Linux, so the parent can compare).

Job: {"targets": [{"target", "url", "code", "tokens", "deadline_s"}], "ramp", "concurrency",
"receivers": "sio" (python-socketio clients) | "raw" (tests/bench/raw_receiver.py)}.
Answers `ready` with per-target setup facts (joined, errors, seconds, disconnects, characters
received by event name while joining); then, on the parent's `report`: {"seen", "count",
"disconnects"} per target; `stop` ends it.
"""
from __future__ import annotations

import asyncio
import time

from tests.bench import clients as C
from tests.bench.common import raise_nofile
from tests.bench.procs import next_message
from tests.bench.raw_receiver import RawReceiver

WANTED = ("room.playback",)


def client_process(conn, job: dict) -> None:
    raise_nofile()
    C.quiet_client_logs()
    asyncio.run(_main(conn, job))


async def _main(conn, job: dict) -> None:
    seen: dict[str, dict[int, float]] = {}
    count: dict[str, dict[int, int]] = {}
    received_chars: dict[str, dict[str, int]] = {}
    disconnects: dict[str, int] = {}
    join_ms: dict[str, list[float]] = {}  # each client's connect + join, from its start (after the ramp's wait)
    state = {"stopping": False}
    session = C.new_session()
    sios = []

    def raw_factory(target: str, url: str, code: str, token: str | None):
        t_seen, t_count = seen.setdefault(target, {}), count.setdefault(target, {})

        def on_playback(v: int, t: float) -> None:
            t_seen[v] = max(t_seen.get(v, 0.0), t)
            t_count[v] = t_count.get(v, 0) + 1

        def on_disconnect() -> None:
            if not state["stopping"]:
                disconnects[target] = disconnects.get(target, 0) + 1

        receiver = RawReceiver(session, url, token, on_playback, received_chars.setdefault(target, {}), on_disconnect)
        sios.append(receiver)

        async def go() -> None:
            t0 = time.monotonic()
            await receiver.connect_and_join(code, timeout=300)
            join_ms.setdefault(target, []).append((time.monotonic() - t0) * 1000)
        return go

    def factory(target: str, url: str, code: str, token: str | None):
        if job.get("receivers") == "raw":
            return raw_factory(target, url, code, token)
        serializer = C.lazy_packet_class(WANTED, received_chars.setdefault(target, {}))
        sio = C.make_client(session, WANTED, serializer)
        sios.append(sio)
        t_seen, t_count = seen.setdefault(target, {}), count.setdefault(target, {})

        @sio.on("room.playback")
        def on_playback(data: dict) -> None:
            t = time.monotonic()
            v = data.get("version") if isinstance(data, dict) else None
            if v is not None:
                t_seen[v] = max(t_seen.get(v, 0.0), t)
                t_count[v] = t_count.get(v, 0) + 1

        @sio.on("disconnect")
        def on_disconnect(*_a: object) -> None:
            if not state["stopping"]:
                disconnects[target] = disconnects.get(target, 0) + 1

        async def go() -> None:
            t0 = time.monotonic()
            await sio.connect(url, auth={"token": token} if token else None, transports=["websocket"],
                              wait_timeout=60)
            await C.must(sio, "join", {"code": code}, timeout=300)
            join_ms.setdefault(target, []).append((time.monotonic() - t0) * 1000)
        return go

    setup = {}
    for spec in job["targets"]:  # one target after the other, each within its own deadline
        t0 = time.monotonic()
        first = len(sios)
        results = await C.connect_ramped([factory(spec["target"], spec["url"], spec["code"], t)
                                          for t in spec["tokens"]], job["ramp"], job["concurrency"],
                                         deadline=t0 + spec["deadline_s"])
        errors = [f"{type(e).__name__}: {str(e)[:160]}" for e in results if e is not None]
        mine = sios[first:]
        setup[spec["target"]] = {"joined": sum(1 for ok, s in zip(results, mine, strict=True)
                                               if ok is None and s.connected),
                                 "n_errors": len(errors), "errors": errors[:5],
                                 "setup_s": round(time.monotonic() - t0, 2),
                                 "disconnects": disconnects.get(spec["target"], 0),
                                 "chars": dict(received_chars.get(spec["target"], {})),
                                 "join_ms": [round(v, 1) for v in join_ms.get(spec["target"], [])]}
    conn.send({"op": "ready", "setup": setup})
    while True:
        msg = await next_message(conn)
        if msg["op"] == "report":
            conn.send({"op": "report", "seen": seen, "count": count, "disconnects": disconnects})
        elif msg["op"] == "stop":
            break
    state["stopping"] = True
    try:
        await asyncio.wait_for(asyncio.gather(*(s.disconnect() for s in sios if s.connected),
                                              return_exceptions=True), 10)
    except TimeoutError:
        pass
    await session.close()
