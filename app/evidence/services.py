"""Adding and removing a diary entry's files. Flush and audit, never commit: the view runs
these inside `files.storage.kept_on_commit`, which commits or deletes the files written."""

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.audit import record
from app.database import lock_for_counting
from app.evidence import queries
from app.extensions import db
from app.files.storage import register_file_columns, store
from app.files.uploads import AcceptedFile
from app.labels import register_actions
from app.models import DiaryEntry, EntryAttachment, User
from app.policy import evidence as policy
from app.rules import RuleViolation

register_file_columns(EntryAttachment.file_key, EntryAttachment.thumb_key)
register_actions({
    "attachment_added": _l("к записи добавлен файл"),
    "attachment_removed": _l("из записи удалён файл"),
})


@dataclass(frozen=True)
class EvidenceLimits:
    """How many files an entry may hold (the per-file limits are `UploadLimits`)."""

    per_entry: int

    @classmethod
    def from_config(cls, config: Any) -> "EvidenceLimits":
        return cls(per_entry=int(config["ATTACHMENT_MAX_PER_ENTRY"]))


def _locked_entry(entry: DiaryEntry) -> None:
    """Take the lock the count hangs on: SQLite's write lock, the entry's row on PostgreSQL."""
    lock_for_counting(db.session)
    db.session.execute(select(DiaryEntry.id).where(DiaryEntry.id == entry.id).with_for_update())
    db.session.refresh(entry)


def add_attachments(student: User, entry: DiaryEntry, files: list[AcceptedFile],
                    limits: EvidenceLimits) -> list[EntryAttachment]:
    """Keep the files and attach them to the entry; all or none."""
    if not files:
        raise RuleViolation(_("Выберите фото или PDF."), "files")
    _locked_entry(entry)
    if refusal := policy.attach_refusal(student, entry):
        raise RuleViolation(refusal)
    have = queries.count_for(entry.id)
    if have + len(files) > limits.per_entry:
        raise RuleViolation(_(
            "К одной записи — не больше %(max)s файлов: уже есть %(have)s, выбрано %(chosen)s.",
            max=limits.per_entry, have=have, chosen=len(files)), "files")
    made = []
    for accepted in files:
        kept = store(accepted.data, accepted.content_type)
        thumb = store(accepted.thumbnail, "image/jpeg") if accepted.thumbnail else None
        attachment = EntryAttachment(
            entry_id=entry.id, uploaded_by_id=student.id, name=accepted.name,
            content_type=kept.content_type, file_key=kept.key, size=kept.size,
            thumb_key=thumb.key if thumb else None, width=accepted.width,
            height=accepted.height, pages=accepted.pages,
        )
        db.session.add(attachment)
        made.append(attachment)
    db.session.flush()
    for attachment in made:
        record(student, "attachment_added", entry,
               {"attachment": [None, attachment.name], "file_key": [None, attachment.file_key]})
    return made


def remove_attachment(student: User, attachment: EntryAttachment) -> set[str]:
    """Remove a file from its entry; the keys it held, for `files.storage.release` after the
    commit (another entry may hold the same photo)."""
    entry = attachment.entry
    _locked_entry(entry)
    if refusal := policy.detach_refusal(student, attachment):
        raise RuleViolation(refusal)
    record(student, "attachment_removed", entry,
           {"attachment": [attachment.name, None], "file_key": [attachment.file_key, None]})
    keys = {attachment.file_key, attachment.thumb_key} - {None}
    db.session.delete(attachment)
    db.session.flush()
    return keys  # type: ignore[return-value]
