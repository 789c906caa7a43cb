"""Per-process runtime objects: presence, limiters, metrics, the metadata fetcher.

Created by create_app (one per app); handlers reach them through `rt()`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app

from server.services.metrics import Metrics
from server.services.presence import Presence
from server.services.request_limits import Limits


@dataclass
class Runtime:
    presence: Presence
    metrics: Metrics = field(default_factory=Metrics)
    limiters: dict = field(default_factory=dict)
    metadata: object | None = None
    redis: object | None = None
    scheduler: object | None = None
    limits: Limits | None = None


def rt() -> Runtime:
    return current_app.extensions["sharetube"]
