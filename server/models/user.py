from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import Model
from server.timeutil import now_ms


class User(Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    google_sub: Mapped[str | None] = mapped_column(String(255), unique=True)
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    name: Mapped[str] = mapped_column(String(64))
    picture: Mapped[str | None] = mapped_column(String(1024))
    role: Mapped[str] = mapped_column(String(16), default="user")  # user | admin
    banned: Mapped[bool] = mapped_column(Boolean, default=False)
    token_version: Mapped[int] = mapped_column(Integer, default=1)
    is_guest: Mapped[bool] = mapped_column(Boolean, default=False)
    created_ms: Mapped[int] = mapped_column(BigInteger, default=now_ms)
    last_seen_ms: Mapped[int] = mapped_column(BigInteger, default=now_ms)

    def to_wire(self) -> dict:
        return {"id": self.id, "name": self.name, "picture": self.picture, "role": self.role,
                "guest": self.is_guest}

    def to_admin(self) -> dict:
        return {**self.to_wire(), "email": self.email, "banned": self.banned,
                "created_ms": self.created_ms, "last_seen_ms": self.last_seen_ms}


class RemotePairing(Model):
    """A one-time pairing code (stored hashed) and, once used, the remote it created."""

    __tablename__ = "remote_pairings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), index=True)
    created_ms: Mapped[int] = mapped_column(BigInteger, default=now_ms)
    expires_ms: Mapped[int] = mapped_column(BigInteger)
    used_ms: Mapped[int | None] = mapped_column(BigInteger)
    revoked_ms: Mapped[int | None] = mapped_column(BigInteger)
    label: Mapped[str | None] = mapped_column(String(64))


class StatsSnapshot(Model):
    """Periodic service numbers for the dashboard's charts."""

    __tablename__ = "stats_snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_ms: Mapped[int] = mapped_column(BigInteger, index=True, default=now_ms)
    data: Mapped[str] = mapped_column(Text)
