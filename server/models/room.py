from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, MappedColumn, mapped_column
from sqlalchemy.types import TypeDecorator

from server.domain.room_settings import SETTINGS, Setting
from server.domain.youtube_urls import is_youtube_thumbnail
from server.extensions import Model
from server.timeutil import now_ms


class ChoiceList(TypeDecorator):
    """A selection setting (a tuple of names) stored as one comma-separated string."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str:
        return ",".join(value or ())

    def process_result_value(self, value: Any, dialect: Any) -> tuple[str, ...]:
        return tuple(name for name in (value or "").split(",") if name)


def setting_column(setting: Setting) -> MappedColumn[Any]:
    """The column of one room setting, its type and Python-side default from the declaration."""
    kind: Any = {bool: Boolean, int: BigInteger, float: Float}.get(setting.type) or String(setting.column_length)
    if setting.type is tuple:
        kind = ChoiceList(setting.column_length)
    if setting.default is None:
        return mapped_column(kind, nullable=False)
    return mapped_column(kind, nullable=False, default=setting.default)


# One column per room setting (server/domain/room_settings.py), so the model cannot drift from it.
RoomSettingColumns: Any = type("RoomSettingColumns", (), {s.key: setting_column(s) for s in SETTINGS})


class Room(RoomSettingColumns, Model):
    """A room. Its settings (name, is_private, control_mode, …) are the columns of
    RoomSettingColumns; the password is stored hashed."""

    __tablename__ = "rooms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # When the password was last set: members admitted before it are asked for it at their next join.
    password_set_ms: Mapped[int | None] = mapped_column(BigInteger)
    # A private room admits a newcomer with this secret (from an invite link) or an operator's approval.
    invite_secret: Mapped[str | None] = mapped_column(String(64))
    # The room clock: the domain Playback as JSON, guarded by `version` (compare-and-set).
    playback: Mapped[str] = mapped_column(Text, default="{}")
    version: Mapped[int] = mapped_column(Integer, default=0)
    # When the server's clock must look at this room next (hold deadline, end of video).
    due_ms: Mapped[int | None] = mapped_column(BigInteger, index=True)
    queue_version: Mapped[int] = mapped_column(Integer, default=0)
    # the last queue.shuffle, undoable once while the queue is as it left it: {"before", "after"} (entry ids)
    shuffle_undo: Mapped[str | None] = mapped_column(Text)
    created_ms: Mapped[int] = mapped_column(BigInteger, default=now_ms)
    updated_ms: Mapped[int] = mapped_column(BigInteger, default=now_ms)
    last_active_ms: Mapped[int] = mapped_column(BigInteger, default=now_ms, index=True)
    closed_ms: Mapped[int | None] = mapped_column(BigInteger, index=True)

    def settings_wire(self) -> dict:
        """The PROTOCOL `settings` shape: every declared setting, and whether a password is set."""
        wire = {s.key: getattr(self, s.key) for s in SETTINGS}
        wire["has_password"] = bool(self.password_hash)
        return wire


class RoomMembership(Model):
    __tablename__ = "room_memberships"
    __table_args__ = (UniqueConstraint("room_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16), default="participant")
    banned: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    joined_ms: Mapped[int] = mapped_column(BigInteger, default=now_ms)  # last admitted (password, invite, approval)
    last_seen_ms: Mapped[int] = mapped_column(BigInteger, default=now_ms)


class QueueEntry(Model):
    __tablename__ = "queue_entries"
    __table_args__ = (Index("ix_queue_room_status_pos", "room_id", "status", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    video_id: Mapped[str] = mapped_column(String(16))
    url: Mapped[str] = mapped_column(String(255))
    title: Mapped[str | None] = mapped_column(String(255))
    author: Mapped[str | None] = mapped_column(String(255))
    thumbnail_url: Mapped[str | None] = mapped_column(String(1024))
    duration_ms: Mapped[int | None] = mapped_column(BigInteger)
    start_ms: Mapped[int] = mapped_column(BigInteger, default=0)
    added_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default="queued")  # queued|playing|played|skipped
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_ms: Mapped[int] = mapped_column(BigInteger, default=now_ms)
    finished_ms: Mapped[int | None] = mapped_column(BigInteger)

    def to_wire(self) -> dict:
        return {"id": self.id, "video_id": self.video_id, "url": self.url, "title": self.title,
                "author": self.author,
                # rows stored before thumbnails were checked may point anywhere: never sent on
                "thumbnail_url": self.thumbnail_url if is_youtube_thumbnail(self.thumbnail_url) else None,
                "duration_ms": self.duration_ms,
                "start_ms": self.start_ms, "added_by": self.added_by, "status": self.status,
                "position": self.position}


class ChatMessage(Model):
    __tablename__ = "chat_messages"
    __table_args__ = (Index("ix_chat_room_id", "room_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16), default="text")  # text | system
    created_ms: Mapped[int] = mapped_column(BigInteger, default=now_ms)

    WIRE: ClassVar[tuple[str, ...]] = ("id", "user_id", "name", "text", "kind", "created_ms")  # Message

    def to_wire(self) -> dict:
        return {name: getattr(self, name) for name in self.WIRE}


class RoomAudit(Model):
    """Who changed what, with before/after. room_id is NULL for site-level (admin) actions."""

    __tablename__ = "room_audit"
    __table_args__ = (Index("ix_audit_room_id", "room_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(48))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int | None] = mapped_column(Integer)
    created_ms: Mapped[int] = mapped_column(BigInteger, default=now_ms, index=True)

    def to_wire(self) -> dict:
        return {"id": self.id, "room_id": self.room_id, "actor_id": self.actor_id, "action": self.action,
                "before": self.before, "after": self.after, "version": self.version,
                "created_ms": self.created_ms}
