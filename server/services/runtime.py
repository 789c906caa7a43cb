"""Per-process runtime objects: presence, limits, small keyed memories, metrics, the metadata fetcher.

Created by create_app (one per app); handlers reach them through `rt()`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app

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
    return current_app.extensions["sharetube"]
