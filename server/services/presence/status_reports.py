"""player.status: kept in memory (and the shared presence store), folded into the roster at
most every PRESENCE_FOLD_MS per room (less often in very big rooms). A report costs no database
statement: it only marks its room; the scheduler's next tick (every 100 ms) sends the roster."""
from __future__ import annotations

from sqlalchemy import bindparam

from server.extensions import db
from server.models import Room
from server.services.cooperative import Turns
from server.services.presence.roster import broadcast_presence
from server.services.presence.store import Conn
from server.services.rooms import fresh_room
from server.services.round_trips import measured_rtt_ms
from server.services.runtime import rt
from server.timeutil import now_ms

PRESENCE_FOLD_MS = 2000
# Beyond this many sockets a room's roster is folded less often, in proportion to its size, so the
# roster traffic per viewer stays about the same however big the room grows (a full roster of N
# members to N sockets every 2 s would be O(N²) bytes).
FOLD_SCALE_SOCKETS = 50
FOLD_BATCH = 200  # rooms read per query when many rosters fall due at once
# rooms whose presence is read in one round trip (Redis: a pipeline of HGETALLs) right before
# they are folded: small, so a roster is never more than a few ms of folding older than its read
FOLD_PRESENCE_CHUNK = 20
# the open rooms among some codes: built once (rooms.py says why)
_OPEN_ROOMS = db.select(Room).where(Room.code.in_(bindparam("codes", expanding=True)), Room.closed_ms.is_(None))


def fold_interval_ms(code: str) -> int:
    return interval_for(rt().presence.room_sizes([code])[code])


def interval_for(sockets: int) -> int:
    return int(PRESENCE_FOLD_MS * max(1.0, sockets / FOLD_SCALE_SOCKETS))


def record_status(conn: Conn, data: dict) -> None:
    now = now_ms()
    status = {"entry_id": data.get("entry_id"), "position_ms": data.get("position_ms"),
              "buffering": bool(data.get("buffering", False)), "in_ad": bool(data.get("in_ad", False)),
              "skipping": bool(data.get("skipping", False)),
              "at_ms": now}
    facts: dict = {"status": status}
    if "rtt_ms" in data:
        facts["rtt_ms"] = data["rtt_ms"]  # shown in the roster; never used to schedule starts
    measured = measured_rtt_ms(conn.sid)
    if measured is not None:
        facts["lead_rtt_ms"] = measured
    if "offset_ms" in data:
        facts["offset_ms"] = data["offset_ms"]
    rt().presence.update(conn.sid, report=True, **facts)
    mark_dirty(conn.room_code, now, inline=False)


def mark_dirty(code: str | None, now: int, *, inline: bool = True) -> None:
    """The room's roster changed: send it now when its fold interval has passed (`inline`), else
    (or always, for `inline=False`) with the scheduler's next flush after the interval."""
    if not code:
        return
    fold = rt().limiters.setdefault("presence_fold", {"last": {}, "pending": set()})
    last = fold["last"].get(code, 0)
    if inline and now - last >= fold_interval_ms(code):
        fold["last"][code] = now
        fold["pending"].discard(code)
        _emit(code)
    else:
        fold["pending"].add(code)


def flush_pending(now: int | None = None) -> int:
    """Called by the scheduler: emit rosters whose fold interval has passed — the rooms read in one
    query per FOLD_BATCH, their presence in one round trip per FOLD_PRESENCE_CHUNK, and the event
    loop gets a turn every few ms of it (services/cooperative.py) so a burst of folds (every room
    of a busy process falls due in the same 2 s) never holds the sockets' events back for its
    whole length."""
    now = now or now_ms()
    fold = rt().limiters.get("presence_fold")
    if not fold:
        return 0
    ready = [c for c in list(fold["pending"]) if now - fold["last"].get(c, 0) >= PRESENCE_FOLD_MS]
    if not ready:
        return 0
    presence = rt().presence
    intervals = {code: interval_for(n) for code, n in presence.room_sizes(ready).items()}
    due = [c for c in ready if now - fold["last"].get(c, 0) >= intervals[c]]
    for code in due:
        fold["pending"].discard(code)
        fold["last"][code] = now
    mine = presence.claim_folds([(c, intervals[c]) for c in due])  # with Redis: one process per room
    folds = [c for c in due if c in mine]
    turns = Turns()
    for start in range(0, len(folds), FOLD_BATCH):
        rooms = db.session.execute(_OPEN_ROOMS, {"codes": folds[start:start + FOLD_BATCH]}).scalars().all()
        db.session.expunge_all()  # kept as read (detached), and no transaction held while others run
        db.session.rollback()
        turns.take()
        for at in range(0, len(rooms), FOLD_PRESENCE_CHUNK):
            chunk = rooms[at:at + FOLD_PRESENCE_CHUNK]
            users = presence.users_in_rooms([room.code for room in chunk])
            for room in chunk:
                broadcast_presence(room, users[room.code])
                turns.take()
    return len(folds)


def _emit(code: str) -> None:
    room = fresh_room(code)
    if room is not None and room.closed_ms is None:
        broadcast_presence(room)
