"""System chat lines: what people want to know happened, in words."""
from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy.exc import SQLAlchemyError

from server.domain.room_clock import Command, Playback, System
from server.domain.room_clock.commands import SYSTEM_LINES
from server.extensions import db, socketio
from server.models import ChatMessage, QueueEntry, Room, User
from server.services.chat_lines import insert_line

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


def command_text(command: Command, actor_id: int | None, before: Playback, after: Playback, *,
                 actor_name: str | None = None) -> str | None:
    """The line a command earns (its own `line`), with names filled in. A line that names its
    actor needs one (the server's own clock names nobody); one that names none — "The room voted
    to skip …" after a recount — is said whoever caused it.
    `actor_name`: the actor's name when the caller knows it (its connection), else looked up."""
    line = command.line(before, after)
    if line is None or (actor_id is None and "{actor}" in line.template):
        return None
    entry = entry_title(line.entry_id) if "{entry}" in line.template else ""
    actor = (actor_name or names([actor_id])) if actor_id is not None else ""
    return line.template.format(actor=actor, entry=entry)


def announce(room: Room, *texts: str | None) -> list[ChatMessage]:
    """Post system lines to a room's chat and send them: the one way a system line is said.

    Called after the change it describes is committed (so nobody reads about a change that was
    rolled back), and after that change's own broadcasts: the lines are stored in one short
    transaction of their own, then emitted in order. Empty texts are skipped."""
    if not any(texts):
        return []
    try:
        msgs = stage_lines(room, *texts)
        db.session.commit()
    except SQLAlchemyError:  # the change itself is committed and sent: a lost line must not undo its ack
        db.session.rollback()
        log.exception("room=%s event=announce_failed lines=%s", room.code, sum(1 for t in texts if t))
        return []
    send_lines(room.code, msgs)
    return msgs


def stage_lines(room: Room, *texts: str | None) -> list[ChatMessage]:
    """Add system lines to the caller's transaction (the room clock's: one commit with the change
    they describe); after that commit the room clock sends them inside its room.playback (`notes`),
    others with `send_lines`."""
    return [insert_line(room.id, None, SYSTEM_NAME, t, "system") for t in texts if t]


def send_lines(code: str, msgs: list[ChatMessage]) -> None:
    for msg in msgs:
        socketio.emit("chat.message", msg.to_wire(), to=code)
