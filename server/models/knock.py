"""A newcomer asking to enter a private room, until an owner or operator answers."""
from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import Model
from server.timeutil import now_ms


class RoomKnock(Model):
    __tablename__ = "room_knocks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    sid: Mapped[str] = mapped_column(String(64))  # the knocking socket: the answer goes there
    created_ms: Mapped[int] = mapped_column(BigInteger, default=now_ms)
    decided_ms: Mapped[int | None] = mapped_column(BigInteger)
    admitted: Mapped[bool | None] = mapped_column(Boolean)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    def to_wire(self) -> dict:
        return {"id": self.id, "user_id": self.user_id, "name": self.name, "created_ms": self.created_ms}
