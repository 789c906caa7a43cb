"""RoomAudit writes: who did what, before and after. Part of the caller's transaction."""
from __future__ import annotations

import json
import logging

from server.extensions import db
from server.models import RoomAudit

log = logging.getLogger("sharetube.audit")


def audit(room_id: int | None, actor_id: int | None, action: str, *, before: object = None,
          after: object = None, version: int | None = None) -> RoomAudit:
    row = RoomAudit(room_id=room_id, actor_id=actor_id, action=action,
                    before=None if before is None else json.dumps(before, sort_keys=True, default=str),
                    after=None if after is None else json.dumps(after, sort_keys=True, default=str),
                    version=version)
    db.session.add(row)
    return row
