"""A reaction a member pinned to a moment of an entry (the most recent are kept per entry)."""
from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import Model
from server.timeutil import now_ms


class RoomReaction(Model):
    __tablename__ = "room_reactions"
    __table_args__ = (Index("ix_reactions_entry_id", "entry_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("queue_entries.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(64))
    emoji: Mapped[str] = mapped_column(String(16))
    position_ms: Mapped[int] = mapped_column(BigInteger)
    created_ms: Mapped[int] = mapped_column(BigInteger, default=now_ms)

    def to_wire(self) -> dict:
        return {"id": self.id, "entry_id": self.entry_id, "user_id": self.user_id, "name": self.name,
                "emoji": self.emoji, "position_ms": self.position_ms, "created_ms": self.created_ms}
