"""Who may add or remove a diary entry's files: one predicate per action, a refusal in words.

Seeing them is the entry's own scope (`app.scopes`, EntryAttachment): whoever sees the entry
sees its files. Changing them is the trainee's, on an entry still theirs to change.
"""

from flask_babel import format_date
from flask_babel import gettext as _

from app.models import DiaryEntry, EntryAttachment, EntryStatus, PlacementStatus, User


def _entry_refusal(user: User, entry: DiaryEntry) -> str | None:
    day = format_date(entry.work_date, "short")
    if entry.placement.student_id != user.id:
        return _("Фото и документы к записи добавляет только сам практикант.")
    if entry.placement.status != PlacementStatus.ACTIVE:
        return _("Договор не действует — дневник закрыт для записей.")
    if entry.status == EntryStatus.APPROVED:
        return _("Запись за %(date)s подписана наставником: её фото и документы закрыты для "
                 "изменений.", date=day)
    if entry.status == EntryStatus.SUBMITTED:
        return _("Запись за %(date)s на проверке у наставника: дождитесь решения, чтобы "
                 "изменить фото и документы.", date=day)
    return None


def attach_refusal(user: User, entry: DiaryEntry) -> str | None:
    """Why the user may not add files to the entry; None if they may."""
    return _entry_refusal(user, entry)


def detach_refusal(user: User, attachment: EntryAttachment) -> str | None:
    """Why the user may not remove this file from its entry; None if they may."""
    return _entry_refusal(user, attachment.entry)


def evidence_keeps_entry(entry: DiaryEntry, held_by_files: set[int]) -> str | None:
    """Why a day cleared in the diary may not take its entry away: its files would go too."""
    if entry.id not in held_by_files:
        return None
    return _("К записи за %(date)s приложены фото или документы: удалите их на странице "
             "«Фото и документы», прежде чем очищать день.",
             date=format_date(entry.work_date, "short"))
