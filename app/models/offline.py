"""Writes queued on a phone without signal: each answered once, by its idempotency key."""

import enum
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, enum_column, utcnow


class OfflineOutcome(enum.StrEnum):
    DONE = "done"
    CONFLICT = "conflict"
    REFUSED = "refused"


class OfflineWrite(Base):
    """One queued write as the server answered it. Written in the same transaction as the write
    itself, so a replay of the key finds the stored answer and changes nothing. What was typed is
    kept here too: a write answered with a conflict loses none of the text."""

    __tablename__ = "offline_writes"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[OfflineOutcome] = mapped_column(enum_column(OfflineOutcome, "offline_outcome"))
    entry_id: Mapped[int | None]
    typed: Mapped[dict] = mapped_column(JSON, default=dict)
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
