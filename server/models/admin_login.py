"""Dashboard sign-ins: a one-time link code (stored hashed) and, once used, the session it opened.

A Google sign-in opens a session with no code. The dashboard's cookie JWT names its row
(`adm` claim); logging out revokes the row, so that cookie goes stale without touching the
admin's other devices. A token-version bump (ban, /auth/logout) revokes it as well.
"""
from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import Model
from server.timeutil import now_ms


class AdminLogin(Model):
    __tablename__ = "admin_logins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    method: Mapped[str] = mapped_column(String(16))  # link | google
    created_ms: Mapped[int] = mapped_column(BigInteger, default=now_ms)
    expires_ms: Mapped[int] = mapped_column(BigInteger)
    used_ms: Mapped[int | None] = mapped_column(BigInteger)
    revoked_ms: Mapped[int | None] = mapped_column(BigInteger)
