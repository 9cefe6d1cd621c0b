"""Evidence on a diary entry: photos of the work and PDFs, kept in the file store."""

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, TimestampMixin
from app.models.people import User
from app.models.practice import DiaryEntry


class EntryAttachment(TimestampMixin, Base):
    """One file on a diary entry. The bytes are in the file store under `file_key` (the SHA-256
    of what is kept: a re-encoded photo or the PDF as sent); a photo has a thumbnail too."""

    __tablename__ = "entry_attachments"
    __table_args__ = (
        CheckConstraint("size > 0", name="size_positive"),
        CheckConstraint("content_type IN ('image/jpeg', 'application/pdf')",
                        name="known_content_type"),
        Index("ix_entry_attachments_file_key", "file_key"),
        Index("ix_entry_attachments_thumb_key", "thumb_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("diary_entries.id", ondelete="CASCADE"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(120))
    content_type: Mapped[str] = mapped_column(String(40))
    file_key: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    thumb_key: Mapped[str | None] = mapped_column(String(64))
    width: Mapped[int | None]
    height: Mapped[int | None]
    pages: Mapped[int | None]

    entry: Mapped[DiaryEntry] = relationship()
    uploaded_by: Mapped[User | None] = relationship()

    @property
    def is_image(self) -> bool:
        return self.content_type == "image/jpeg"
