"""Second factor of sign-in: a TOTP secret per user and one-time recovery codes."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class TwoFactor(Base):
    """A user's authenticator secret; in force once confirmed with a first code."""

    __tablename__ = "two_factors"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The last time step a code was accepted for: a code is never taken twice.
    last_step: Mapped[int] = mapped_column(default=0)


class RecoveryCode(Base):
    """One of a user's single-use recovery codes, stored as its SHA-256."""

    __tablename__ = "recovery_codes"
    __table_args__ = (Index("ix_recovery_codes_user_id_code_hash", "user_id", "code_hash",
                            unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
