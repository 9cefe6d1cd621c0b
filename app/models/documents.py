"""Official documents issued as PDF, each with a verification code and a hash of its content."""

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, enum_column, utcnow


class DocumentKind(enum.StrEnum):
    DIARY = "diary"
    ASSESSMENT = "assessment"
    AGREEMENT = "agreement"
    REPORT = "report"
    INDUCTION = "induction"
    WORK_EXPERIENCE = "work_experience"


class IssuedDocument(Base):
    """A document as it was printed: what it certifies (summary) and the hash of its data.

    `object_id` is the placement (diary, agreement), the assessment (assessment sheet) or the
    college of a report (NULL for the region's report, with `year`), the safety induction,
    or the graduate of a work-experience statement.
    """

    __tablename__ = "issued_documents"
    __table_args__ = (
        Index("ix_issued_documents_kind_object", "kind", "object_id", "year", "content_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Client-generated and unique: lets a batch of documents be inserted in one statement.
    code: Mapped[str] = mapped_column(String(16), unique=True, insert_sentinel=True)
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind, "document_kind"))
    object_id: Mapped[int | None]
    year: Mapped[int | None]
    locale: Mapped[str] = mapped_column(String(5))
    content_hash: Mapped[str] = mapped_column(String(64))
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    issued_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
