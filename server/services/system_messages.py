"""System chat lines: what people want to know happened, in words."""
from __future__ import annotations

from server.domain.room_clock import System
from server.extensions import db, socketio
from server.models import ChatMessage, QueueEntry, Room, User

SYSTEM_NAME = "ShareTube"


def fmt_time(ms: int) -> str:
    s = max(0, int(ms) // 1000)
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


def names(user_ids: object) -> str:
    ids = [int(u) for u in (user_ids or ())]
    if not ids:
        return "nobody"
    rows = db.session.execute(db.select(User.id, User.name).where(User.id.in_(ids))).all()
    by_id = dict(rows)
    listed = [by_id.get(u, f"user {u}") for u in ids]
    return listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " and " + listed[-1]


def entry_title(entry_id: int | None) -> str:
    entry = db.session.get(QueueEntry, entry_id) if entry_id else None
    if entry is None:
        return "the video"
    return f"“{entry.title}”" if entry.title else entry.video_id


def system_text(item: object, room: Room, *, actor_id: int | None = None, before=None, after=None) -> str | None:
    if isinstance(item, System):
        who = names(item.user_ids)
        by = names([item.detail["by"]]) if item.detail.get("by") else None
        return {
            "start_timeout": f"Started without {who} (not ready in time)",
            "start_now": f"{by or 'Someone'} started without waiting for {who}",
            "ad_hold": f"Waiting for {who} to finish an ad",
            "ad_release": "Ads are over: playback resumes",
            "ad_timeout": f"Stopped waiting for the ad of {who}",
            "autoadvance_off": "The video ended; autoadvance is off, so the room stopped here",
            "queue_finished": "The queue is finished",
        }.get(item.kind)
    if actor_id is None or after is None:
        return None
    actor = names([actor_id])
    kind = type(item).__name__
    if kind == "Pause" and after.state == "paused" and before.state != "paused":
        return f"{actor} paused at {fmt_time(after.position_ms)}"
    if kind == "Play" and before.state == "paused" and after.state == "playing":
        return f"{actor} resumed at {fmt_time(after.position_ms)}"
    if kind == "Seek":
        return f"{actor} jumped to {fmt_time(after.position_ms)}"
    if kind == "Restart":
        return f"{actor} restarted the video"
    if kind == "Skip":
        return f"{actor} skipped {entry_title(before.entry_id)}"
    if kind == "PlayEntry":
        return f"{actor} played {entry_title(after.entry_id)} now"
    if kind == "SetRate":
        return f"{actor} set the speed to {after.rate:g}×"
    return None


def announce(room: Room, *texts: str | None) -> list[ChatMessage]:
    """Post system lines to a room's chat and send them: the one way a system line is said.

    Called after the change it describes is committed (so nobody reads about a change that was
    rolled back), and after that change's own broadcasts: the lines are stored in one short
    transaction of their own, then emitted in order. Empty texts are skipped."""
    msgs = [ChatMessage(room_id=room.id, user_id=None, name=SYSTEM_NAME, text=t, kind="system") for t in texts if t]
    if not msgs:
        return []
    db.session.add_all(msgs)
    db.session.commit()
    for msg in msgs:
        socketio.emit("chat.message", msg.to_wire(), to=room.code)
    return msgs
