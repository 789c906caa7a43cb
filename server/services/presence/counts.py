"""The public numbers (GET /api/stats, the homepage, the dashboard), shaped in one place."""
from __future__ import annotations

from sqlalchemy import func

from server.extensions import db
from server.models import Room
from server.services.runtime import rt


def public_counts() -> dict:
    presence = rt().presence
    users: set[int] = set()
    active = 0
    for in_room in presence.users_in_rooms(presence.store.room_codes()).values():  # (a few round trips)
        if in_room:
            active += 1
            users.update(in_room)
    open_rooms = db.session.execute(
        db.select(func.count()).select_from(Room).where(Room.closed_ms.is_(None))).scalar_one()
    return {"rooms": open_rooms, "rooms_active": active, "users_online": len(users),
            "sockets": len(presence.local_conns())}
