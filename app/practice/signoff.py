"""The foreman's sign-off beyond one click: how long an entry has waited, a whole week checked
against the form that asked for it, and taking a fresh signature back. Flush, never commit."""

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from app.audit import changes_of, record
from app.extensions import db
from app.i18n import format_date
from app.labels import register_actions
from app.models import (
    Assessment,
    DiaryEntry,
    DocumentKind,
    EntryStatus,
    IssuedDocument,
    Placement,
    User,
)
from app.practice.services import flush_reviewed_entries
from app.practice.weeks import Week
from app.rules import RuleViolation

register_actions({
    "entry_sign_off_undone": _l("подпись записи отменена"),
    "sign_off_undo_refused": _l("отмена подписи отклонена"),
    "week_review_refused": _l("подпись недели отклонена"),
})


class Waiting(enum.StrEnum):
    FRESH = "fresh"
    AMBER = "amber"
    RED = "red"


@dataclass(frozen=True)
class ReviewLimits:
    """When a waiting entry turns amber and red, and how long a signature may be taken back."""

    amber_days: int = 3
    red_days: int = 7
    undo_minutes: int = 5

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "ReviewLimits":
        """Read REVIEW_AMBER_DAYS, REVIEW_RED_DAYS and SIGN_OFF_UNDO_MINUTES."""
        return cls(
            amber_days=int(config.get("REVIEW_AMBER_DAYS", cls.amber_days)),
            red_days=int(config.get("REVIEW_RED_DAYS", cls.red_days)),
            undo_minutes=int(config.get("SIGN_OFF_UNDO_MINUTES", cls.undo_minutes)),
        )


@dataclass(frozen=True)
class WaitingAge:
    """How long an entry has waited for the foreman, its colour and the reason in words."""

    level: Waiting
    text: str
    reason: str = ""


def waiting_age(submitted_at: datetime | None, now: datetime, limits: ReviewLimits) -> WaitingAge:
    """`ждёт 4 дн.`, amber from `amber_days`, red from `red_days`, each saying why."""
    waited = now - (submitted_at or now)
    days = waited.days
    if days >= 1:
        text = _("ждёт %(days)s дн.", days=days)
    elif waited >= timedelta(hours=1):
        text = _("ждёт %(hours)s ч", hours=waited.seconds // 3600)
    else:
        text = _("ждёт меньше часа")
    if days >= limits.red_days:
        return WaitingAge(Waiting.RED, text, _(
            "подпись просрочена: дольше %(limit)s дн. — у практиканта будет отмечено отставание",
            limit=limits.red_days))
    if days >= limits.amber_days:
        return WaitingAge(Waiting.AMBER, text, _(
            "пора подписать: дольше %(limit)s дн., через %(left)s дн. подпись станет "
            "просроченной", limit=limits.amber_days, left=limits.red_days - days))
    return WaitingAge(Waiting.FRESH, text)


def _day(value) -> str:
    return format_date(value, "d MMMM")


def check_week_form(placement: Placement, week: Week, entries: list[DiaryEntry],
                    asked: Mapping[int, int | None]) -> None:
    """The entries a week form names must all exist, be this trainee's and lie in this week."""
    if not asked:
        raise RuleViolation(_("Не выбрано ни одной записи."))
    if len(entries) != len(asked) or any(
        e.placement_id != placement.id or e.work_date not in week for e in entries
    ):
        raise RuleViolation(_(
            "В форме недели есть записи другой недели или другого практиканта. Ничего не "
            "изменено — откройте неделю заново из очереди."))


def record_week_refusal(mentor: User, placement: Placement, asked: Mapping[int, int | None],
                        reason: str) -> None:
    """Audit a refused week sign-off on the placement (call after the rollback)."""
    record(mentor, "week_review_refused", placement, {
        "entries": [None, " ".join(str(i) for i in sorted(asked))],
        "reason": [None, reason],
    })


def _document_issued_since(entry: DiaryEntry) -> bool:
    """Has a diary or an assessment sheet of this placement been printed since the signature?"""
    assessments = select(Assessment.id).where(Assessment.placement_id == entry.placement_id)
    return db.session.scalar(
        select(IssuedDocument.id).where(
            IssuedDocument.issued_at >= entry.reviewed_at,
            or_(
                (IssuedDocument.kind == DocumentKind.DIARY)
                & (IssuedDocument.object_id == entry.placement_id),
                (IssuedDocument.kind == DocumentKind.ASSESSMENT)
                & IssuedDocument.object_id.in_(assessments),
            ),
        ).limit(1)
    ) is not None


def undo_sign_off(
    mentor: User,
    entries: list[tuple[DiaryEntry, int | None]],
    *,
    now: datetime,
    limits: ReviewLimits,
) -> int:
    """Take back the mentor's own signatures of the last few minutes; all or nothing.

    Refused once the grace period is over, once a document carrying the entries was issued,
    for another mentor's signature, and for an entry changed since the page was drawn."""
    if not entries:
        raise RuleViolation(_("Не выбрано ни одной записи."))
    grace = timedelta(minutes=limits.undo_minutes)
    for entry, version in entries:
        if entry.status != EntryStatus.APPROVED or entry.version != version:
            raise RuleViolation(_(
                "Запись за %(date)s уже не та, что была подписана (подпись отменили в другой "
                "вкладке). Ничего не изменено.", date=_day(entry.work_date)))
        if entry.reviewed_by_id != mentor.id:
            raise RuleViolation(_(
                "Запись за %(date)s подписал другой наставник: отменить подпись может только "
                "тот, кто её поставил. Ничего не изменено.", date=_day(entry.work_date)))
        if entry.reviewed_at is None or now - entry.reviewed_at > grace:
            raise RuleViolation(_(
                "Время на отмену вышло: подпись можно отменить в течение %(minutes)s мин. "
                "Запись за %(date)s остаётся подписанной.",
                minutes=limits.undo_minutes, date=_day(entry.work_date)))
        if _document_issued_since(entry):
            raise RuleViolation(_(
                "После подписи уже выдан документ с записью за %(date)s (дневник или "
                "аттестационный лист) — подпись отменить нельзя. Ничего не изменено.",
                date=_day(entry.work_date)))
    events = []
    for entry, _version in entries:
        entry.status = EntryStatus.SUBMITTED
        entry.reviewed_by_id = None
        entry.signed_for_id = None
        entry.reviewed_at = None
        events.append((entry, changes_of(entry)))
    flush_reviewed_entries()
    for entry, changes in events:
        record(mentor, "entry_sign_off_undone", entry, changes)
    return len(entries)


def record_undo_refusal(mentor: User, asked: Mapping[int, int | None], reason: str) -> None:
    """Audit a refused undo on the mentor's own record: the entries may not be theirs to see."""
    record(mentor, "sign_off_undo_refused", mentor, {
        "entries": [None, " ".join(str(i) for i in sorted(asked))],
        "reason": [None, reason],
    })
