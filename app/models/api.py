"""API access: personal and organisation tokens, and the answers kept for retried writes."""

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, enum_column, utcnow
from app.models.organisations import College, Enterprise
from app.models.people import User


class TokenScope(enum.StrEnum):
    READ = "read"
    READ_WRITE = "read_write"


class ApiToken(Base):
    """A bearer token: a person's own (user_id) or a system's, issued by the admin to one
    college or enterprise. Only the SHA-256 of the secret is kept; the secret is shown once."""

    __tablename__ = "api_tokens"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN user_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN college_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN enterprise_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_owner",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters of the secret, so its owner can tell tokens apart.
    hint: Mapped[str] = mapped_column(String(16))
    scope: Mapped[TokenScope] = mapped_column(enum_column(TokenScope, "token_scope"))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True)
    college_id: Mapped[int | None] = mapped_column(
        ForeignKey("colleges.id", ondelete="CASCADE"), index=True)
    enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprises.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    college: Mapped[College | None] = relationship()
    enterprise: Mapped[Enterprise | None] = relationship()

    def __str__(self) -> str:
        return self.name

    @property
    def may_write(self) -> bool:
        return self.scope == TokenScope.READ_WRITE


class IdempotentRequest(Base):
    """The answer given to a POST with an Idempotency-Key, replayed when the key comes again."""

    __tablename__ = "idempotent_requests"
    __table_args__ = (UniqueConstraint("token_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    # SHA-256 of the method, the path and the body: the same key with another request is refused.
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int]
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
