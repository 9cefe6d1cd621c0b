"""Writes queued on a phone without signal, answered once each. Flush, never commit.

A write claims its idempotency key first (a unique row per user and key), so two copies of the
same write racing each other cannot both run: the second fails on the key and gets the stored
answer. A conflict — the day signed or changed while the phone was offline — changes nothing
and keeps what was typed beside what the server holds."""

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from app.evidence.services import EvidenceLimits, add_attachments
from app.extensions import db
from app.files.uploads import AcceptedFile
from app.models import DiaryEntry, EntryStatus, OfflineOutcome, OfflineWrite, Placement, User
from app.practice.queries import week_entries
from app.practice.services import DayInput, review_entries, save_week
from app.practice.weeks import Week
from app.rules import RuleViolation

ENTRY, APPROVAL = "entry", "approval"


class KeyTaken(Exception):
    """The key was answered already (or is being answered by a copy of the same write)."""


@dataclass(frozen=True)
class TypedEntry:
    """A diary day as typed on the phone, with the version of the entry it was typed over."""

    placement_id: int
    work_date: date
    hours: Decimal
    activity: str
    version: int | None
    submit: bool

    def as_stored(self) -> dict:
        stored = asdict(self)
        stored["work_date"] = self.work_date.isoformat()
        stored["hours"] = str(self.hours)
        return stored


def _day(day: date) -> str:
    return format_date(day, "d MMMM")


def _claim(user: User, key: str, kind: str, typed: dict) -> OfflineWrite:
    write = OfflineWrite(user_id=user.id, key=key, kind=kind, typed=typed,
                         outcome=OfflineOutcome.REFUSED)
    db.session.add(write)
    try:
        db.session.flush()
    except IntegrityError:
        raise KeyTaken from None
    return write


def _conflict(entry: DiaryEntry | None, typed: TypedEntry) -> str | None:
    """Why the typed day no longer fits what the server holds, or None."""
    if entry is None:
        return None
    if entry.status == EntryStatus.APPROVED:
        return _("Пока телефон был без связи, наставник подписал запись за %(date)s: изменить "
                 "её нельзя. Ваш текст не потерян — он сохранён рядом с подписанным.",
                 date=_day(typed.work_date))
    if typed.version != entry.version:
        return _("Пока телефон был без связи, запись за %(date)s изменили (в другой вкладке "
                 "или на другом устройстве). Ничего не перезаписано: сохранены оба текста — "
                 "сравните их и отправьте нужный заново.", date=_day(typed.work_date))
    return None


def write_entry(student: User, placement: Placement, typed: TypedEntry, *, key: str,
                today: date, now: datetime, photos: Sequence[AcceptedFile] = (),
                limits: EvidenceLimits | None = None) -> OfflineWrite:
    """Save (and with `submit`, send) a day typed offline, with the photos taken for it, once
    per key; a conflict changes nothing and is answered in words. Raises KeyTaken and the
    diary's or the evidence's RuleViolation (then nothing of the write is kept)."""
    stored = typed.as_stored()
    if photos:
        stored["photos"] = [photo.name for photo in photos]
    write = _claim(student, key, ENTRY, stored)
    week = Week.of(typed.work_date)
    entry = week_entries(placement, week).get(typed.work_date)
    write.entry_id = entry.id if entry is not None else None
    conflict = _conflict(entry, typed)
    if conflict:
        write.outcome, write.message = OfflineOutcome.CONFLICT, conflict
        db.session.flush()
        return write
    # A day deleted meanwhile is simply written anew; the competency chosen online stays.
    row = DayInput(typed.work_date, typed.hours, typed.activity,
                   entry.competency_id if entry is not None else None,
                   entry.version if entry is not None else None)
    submit_days = frozenset([typed.work_date]) if typed.submit else frozenset()
    if photos:
        # Files go on a draft: the day is saved, the photos attached, and only then sent.
        saved = _saved_with_photos(student, placement, week, row, photos, limits, today, now)
        row = DayInput(typed.work_date, typed.hours, typed.activity, saved.competency_id,
                       saved.version)
    if submit_days or not photos:
        save_week(student, placement, week, [row], submit_days=submit_days, today=today,
                  now=now)
    written = week_entries(placement, week).get(typed.work_date)
    write.entry_id = written.id if written is not None else None
    write.outcome = OfflineOutcome.DONE
    write.message = (_("Запись за %(date)s отправлена наставнику.", date=_day(typed.work_date))
                     if typed.submit else
                     _("Запись за %(date)s сохранена как черновик.", date=_day(typed.work_date)))
    if photos:
        write.message += " " + _("Приложено фото: %(count)s.", count=len(photos))
    db.session.flush()
    return write


def _saved_with_photos(student: User, placement: Placement, week: Week, row: DayInput,
                       photos: Sequence[AcceptedFile], limits: EvidenceLimits | None,
                       today: date, now: datetime) -> DiaryEntry:
    """The day saved as a draft with the phone's photos attached to it (all or none)."""
    save_week(student, placement, week, [row], today=today, now=now)
    saved = week_entries(placement, week)[row.work_date]
    add_attachments(student, saved, list(photos),
                    limits or EvidenceLimits.from_config(current_app.config))
    return saved


def approve_entry(mentor: User, entry: DiaryEntry, version: int | None, *, key: str,
                  now: datetime) -> OfflineWrite:
    """Sign an entry at the version the foreman saw offline, once per key. A stale version is
    refused by the sign-off's own rule (RuleViolation), so nothing is ever signed twice."""
    write = _claim(mentor, key, APPROVAL, {"entry": entry.id, "version": version})
    write.entry_id = entry.id
    review_entries(mentor, [(entry, version)], approve=True, now=now)
    write.outcome = OfflineOutcome.DONE
    write.message = _("Подписано: %(student)s, %(date)s.",
                      student=entry.placement.student.full_name, date=_day(entry.work_date))
    db.session.flush()
    return write


def record_refusal(user: User, key: str, kind: str, typed: dict, message: str,
                   entry_id: int | None = None) -> OfflineWrite:
    """Keep a refused write's answer and text under its key (call after the rollback)."""
    write = _claim(user, key, kind, typed)
    write.entry_id = entry_id
    write.message = message
    db.session.flush()
    return write


def refusal_of(error: RuleViolation) -> str:
    """A refusal's words; a week's several refusals joined."""
    violations = getattr(error, "violations", None) or [error]
    return " ".join(dict.fromkeys(v.message for v in violations))
