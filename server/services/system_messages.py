"""System chat lines: what people want to know happened, in words."""
from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy.exc import SQLAlchemyError

from server.domain.room_clock import Command, Playback, System
from server.domain.room_clock.commands import SYSTEM_LINES
from server.extensions import db, socketio
from server.models import ChatMessage, QueueEntry, Room, User

log = logging.getLogger("sharetube.chat")
SYSTEM_NAME = "ShareTube"


def names(user_ids: Iterable[int] | None) -> str:
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


def effect_text(effect: System) -> str | None:
    """What a System effect of the room clock says, in words (templates: SYSTEM_LINES)."""
    template = SYSTEM_LINES.get(effect.kind)
    if template is None:
        return None
    by = effect.detail.get("by")
    texts = {key: value for key, value in effect.detail.items() if isinstance(value, str)}
    return template.format(**texts, who=names(effect.user_ids), by=names([by]) if by else "Someone")


def command_text(command: Command, actor_id: int | None, before: Playback, after: Playback) -> str | None:
    """The line a user's command earns (its own `line`), with names filled in; None for the server."""
    if actor_id is None:
        return None
    line = command.line(before, after)
    if line is None:
        return None
    entry = entry_title(line.entry_id) if "{entry}" in line.template else ""
    return line.template.format(actor=names([actor_id]), entry=entry)


def stage_notes(room: Room, *texts: str | None) -> list[dict]:
    """System lines that belong to a change being committed: added to the same transaction (chat
    history has them once it commits, never without the change) and returned as Messages for the
    change's own broadcast (`room.playback`'s `notes`), so nobody gets a second frame for them.
    Empty texts are skipped. Call before the change's commit; send nothing if it does not commit."""
    msgs = [ChatMessage(room_id=room.id, user_id=None, name=SYSTEM_NAME, text=t, kind="system") for t in texts if t]
    if not msgs:
        return []
    db.session.add_all(msgs)
    db.session.flush()  # ids and created_ms now, so the wire shape needs no reload after the commit
    return [msg.to_wire() for msg in msgs]


def announce(room: Room, *texts: str | None) -> list[ChatMessage]:
    """Post system lines to a room's chat and send them: the one way a system line is said.

    Called after the change it describes is committed (so nobody reads about a change that was
    rolled back), and after that change's own broadcasts: the lines are stored in one short
    transaction of their own, then emitted in order. Empty texts are skipped."""
    msgs = [ChatMessage(room_id=room.id, user_id=None, name=SYSTEM_NAME, text=t, kind="system") for t in texts if t]
    if not msgs:
        return []
    db.session.add_all(msgs)
    try:
        db.session.commit()
    except SQLAlchemyError:  # the change itself is committed and sent: a lost line must not undo its ack
        db.session.rollback()
        log.exception("room=%s event=announce_failed lines=%s", room.code, len(msgs))
        return []
    for msg in msgs:
        socketio.emit("chat.message", msg.to_wire(), to=room.code)
    return msgs
