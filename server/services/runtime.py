"""Per-process runtime objects: presence, limits, small keyed memories, metrics, the metadata fetcher.

Created by create_app (one per app); handlers reach them through `rt()`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask.globals import _cv_app

from server.services.metrics import Metrics
from server.services.presence.store import Presence
from server.services.request_limits import Limits


@dataclass
class Runtime:
    presence: Presence
    metrics: Metrics = field(default_factory=Metrics)
    limiters: dict = field(default_factory=dict)
    metadata: Any = None  # the metadata fetcher (services/metadata_jobs.py)
    playlists: Any = None  # the playlist fetcher (services/playlists.py), set beside it
    redis: Any = None  # redis.Redis when SOCKETIO_MESSAGE_QUEUE is Redis
    scheduler: list | None = None  # this process's loops, once started
    limits: Limits | None = None  # every request limit (services/request_limits.py)
    due_board: Any = None  # when each room's clock next needs a look (services/due_board.py)


def rt() -> Runtime:
    """This app's Runtime. Read straight from Flask's app-context variable: `current_app` goes
    through a LocalProxy (~0.5 µs a call), and handlers and loops call this ~20 times per ack in
    the capacity mix (py-spy: 3.2 % of a process's busy samples; issue 15)."""
    try:
        ctx = _cv_app.get()
    except LookupError:
        raise RuntimeError("Working outside of application context.") from None
    return ctx.app.extensions["sharetube"]
