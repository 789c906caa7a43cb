"""Round trips the server measures itself: Engine.IO's ping → pong on each socket.

A client's own `rtt_ms` in player.status is a claim (issue 14: `rtt_ms: 120000` pushed every
scheduled start 240 s ahead). The server already pings every socket (ping_interval); the time
from that ping to its pong is a round trip no client can shrink, and one it can only stretch up
to the ping timeout, which the room clock's MAX_START_LEAD_MS cap bounds.
"""
from __future__ import annotations

from server.extensions import socketio

SAMPLES_KEPT = 4  # the smallest of the last few pongs: one slow pong is not the link


def record_round_trip(samples: list[int], seconds: float) -> None:
    """Keep one ping → pong round trip in a socket's `sharetube_rtts` (the ping wheel makes the list
    when it first pings the socket and calls this when the pong arrives: services/ping_wheel.py)."""
    samples.append(max(0, int(seconds * 1000)))
    if len(samples) > SAMPLES_KEPT:
        del samples[0]


def measured_rtt_ms(sid: str) -> int | None:
    """The best recent ping round trip of a Socket.IO socket of this process (None: none yet)."""
    try:
        server = socketio.server
        eio_sid = server.manager.eio_sid_from_sid(sid, "/")
        sock = server.eio.sockets.get(eio_sid) if eio_sid else None
    except (AttributeError, KeyError):
        return None
    samples = getattr(sock, "sharetube_rtts", None)
    return min(samples) if samples else None
