"""Changes to the working calendar: absences, their review, breaks, group schedules.

Plain arguments in; flush and audit, never commit; refusals as `RuleViolation`."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.audit import record
from app.database import lock_for_counting
from app.domain.calendar import mask_of
from app.extensions import db
from app.labels import FIELDS, LABELS, register_actions
from app.models import (
    Absence,
    AbsenceKind,
    AbsenceStatus,
    DiaryEntry,
    EntryStatus,
    Group,
    GroupSchedule,
    LearningBreak,
    Placement,
    User,
)
from app.policy import attendance as policy
from app.rules import RuleViolation

MAX_NOTE = 2_000

LABELS.update({
    AbsenceKind.SICK: _l("болезнь"),
    AbsenceKind.EXCUSED: _l("по уважительной причине"),
    AbsenceKind.UNEXCUSED: _l("без уважительной причины"),
    AbsenceKind.COLLEGE: _l("учебный день в колледже"),
    AbsenceKind.HOLIDAY: _l("праздничный день"),
    AbsenceStatus.PENDING: _l("ждёт решения наставника"),
    AbsenceStatus.CONFIRMED: _l("подтверждён"),
    AbsenceStatus.DISPUTED: _l("оспорен"),
})
FIELDS.update({
    "first_day": _l("С"),
    "last_day": _l("По"),
    "note": _l("Пояснение"),
    "starts_on": _l("Начало перерыва"),
    "planned_return_on": _l("Плановая дата возвращения"),
    "reason": _l("Причина"),
    "enterprise_weekdays": _l("Дни на предприятии"),
    "enterprise_weeks": _l("Недель на предприятии подряд"),
    "college_weeks": _l("Недель в колледже подряд"),
    "cycle_start": _l("Начало цикла"),
    "planned_share_percent": _l("Плановая доля на предприятии, %"),
})
register_actions({
    "absence_recorded": _l("пропуск записан"),
    "absence_confirmed": _l("пропуск подтверждён"),
    "absence_disputed": _l("пропуск оспорен"),
    "absence_withdrawn": _l("пропуск отозван"),
    "break_recorded": _l("перерыв в обучении оформлен"),
    "schedule_saved": _l("график группы сохранён"),
})


@dataclass(frozen=True)
class StoredDocument:
    """A supporting document already checked and stored (app/files): what the row names."""

    key: str
    name: str
    content_type: str


def _day(day: date) -> str:
    return format_date(day, "d MMMM y")


def _refuse(refusal: str | None) -> None:
    if refusal:
        raise RuleViolation(refusal)


def _lock(placement: Placement) -> None:
    """Serialise the calendar's overlap checks per placement (SQLite: the write lock)."""
    lock_for_counting(db.session)
    db.session.execute(select(Placement.id).where(Placement.id == placement.id).with_for_update())


def _in_placement(placement: Placement, first: date, last: date, field: str) -> None:
    if first < placement.start_date or last > placement.end_date:
        raise RuleViolation(_("Даты должны быть в периоде практики: с %(start)s по %(end)s.",
                              start=_day(placement.start_date), end=_day(placement.end_date)),
                            field)


def record_absence(actor: User, placement: Placement, *, first_day: date, last_day: date,
                   kind: AbsenceKind, note: str, today: date, horizon_days: int,
                   document: StoredDocument | None = None) -> Absence:
    """Record days the trainee was (or will be) away; the mentor then confirms or disputes."""
    _refuse(policy.may_record_absence(actor, placement))
    if last_day < first_day:
        raise RuleViolation(_("Последний день не может быть раньше первого."), "last_day")
    _in_placement(placement, first_day, last_day, "first_day")
    horizon = today + timedelta(days=horizon_days)
    if last_day > horizon:
        raise RuleViolation(_("Пропуск можно записать не дальше чем на %(days)s дн. вперёд "
                              "(до %(date)s).", days=horizon_days, date=_day(horizon)),
                            "last_day")
    if len(note) > MAX_NOTE:
        raise RuleViolation(_("Пояснение не длиннее %(n)s знаков.", n=MAX_NOTE), "note")
    _lock(placement)
    clash = db.session.scalar(select(Absence).where(
        Absence.placement_id == placement.id, Absence.first_day <= last_day,
        Absence.last_day >= first_day).order_by(Absence.first_day).limit(1))
    if clash is not None:
        raise RuleViolation(_("На эти дни уже записан пропуск: с %(first)s по %(last)s.",
                              first=_day(clash.first_day), last=_day(clash.last_day)),
                            "first_day")
    pause = db.session.scalar(select(LearningBreak).where(
        LearningBreak.placement_id == placement.id, LearningBreak.starts_on <= last_day,
        LearningBreak.planned_return_on > first_day).limit(1))
    if pause is not None:
        raise RuleViolation(_("На эти дни приходится перерыв в обучении (с %(start)s): "
                              "пропуск не нужен.", start=_day(pause.starts_on)), "first_day")
    signed = db.session.scalar(select(DiaryEntry.work_date).where(
        DiaryEntry.placement_id == placement.id, DiaryEntry.status == EntryStatus.APPROVED,
        DiaryEntry.minutes > 0, DiaryEntry.work_date.between(first_day, last_day))
        .order_by(DiaryEntry.work_date).limit(1))
    if signed is not None:
        raise RuleViolation(_("За %(date)s наставник уже подписал часы: в этот день "
                              "практикант был на предприятии.", date=_day(signed)), "first_day")
    absence = Absence(placement_id=placement.id, first_day=first_day, last_day=last_day,
                      kind=kind, note=note, status=AbsenceStatus.PENDING,
                      recorded_by_id=actor.id)
    if document is not None:
        absence.document_key = document.key
        absence.document_name = document.name[:200]
        absence.document_type = document.content_type
    db.session.add(absence)
    db.session.flush()
    record(actor, "absence_recorded", absence)
    return absence


def review_absence(actor: User, absence: Absence, *, confirm: bool, comment: str,
                   now: datetime) -> Absence:
    """The mentor confirms the absence, or disputes it with a word of why."""
    _refuse(policy.may_review_absence(actor, absence))
    comment = comment or ""
    if not confirm and not comment:
        raise RuleViolation(_("Напишите, почему вы оспариваете пропуск."), "comment")
    if len(comment) > MAX_NOTE:
        raise RuleViolation(_("Комментарий не длиннее %(n)s знаков.", n=MAX_NOTE), "comment")
    absence.status = AbsenceStatus.CONFIRMED if confirm else AbsenceStatus.DISPUTED
    absence.review_comment = comment
    absence.reviewed_by_id, absence.reviewed_at = actor.id, now
    record(actor, "absence_confirmed" if confirm else "absence_disputed", absence)
    db.session.flush()
    return absence


def withdraw_absence(actor: User, absence: Absence) -> None:
    """Whoever recorded it takes it back while the mentor has not decided."""
    _refuse(policy.may_withdraw_absence(actor, absence))
    record(actor, "absence_withdrawn", absence,
           {"first_day": [absence.first_day.isoformat(), None],
            "last_day": [absence.last_day.isoformat(), None]})
    db.session.delete(absence)
    db.session.flush()


def record_break(actor: User, placement: Placement, *, starts_on: date,
                 planned_return_on: date, reason: str) -> LearningBreak:
    """A pause in learning: from a day, with a reason and a planned day of return."""
    _refuse(policy.may_record_break(actor, placement))
    if not reason:
        raise RuleViolation(_("Укажите причину перерыва."), "reason")
    if len(reason) > MAX_NOTE:
        raise RuleViolation(_("Причина не длиннее %(n)s знаков.", n=MAX_NOTE), "reason")
    if planned_return_on <= starts_on:
        raise RuleViolation(_("Дата возвращения должна быть позже начала перерыва."),
                            "planned_return_on")
    if not placement.start_date <= starts_on <= placement.end_date:
        raise RuleViolation(_("Перерыв начинается в периоде практики: с %(start)s по %(end)s.",
                              start=_day(placement.start_date), end=_day(placement.end_date)),
                            "starts_on")
    _lock(placement)
    clash = db.session.scalar(select(LearningBreak).where(
        LearningBreak.placement_id == placement.id,
        LearningBreak.starts_on < planned_return_on,
        LearningBreak.planned_return_on > starts_on).limit(1))
    if clash is not None:
        raise RuleViolation(_("Перерыв пересекается с уже оформленным (с %(start)s по "
                              "%(end)s).", start=_day(clash.starts_on),
                              end=_day(clash.planned_return_on)), "starts_on")
    pause = LearningBreak(placement_id=placement.id, starts_on=starts_on,
                          planned_return_on=planned_return_on, reason=reason,
                          recorded_by_id=actor.id)
    db.session.add(pause)
    db.session.flush()
    record(actor, "break_recorded", pause)
    return pause


def save_schedule(actor: User, group: Group, *, weekdays: list[int], enterprise_weeks: int,
                  college_weeks: int, cycle_start: date, planned_share_percent: int
                  ) -> GroupSchedule:
    """Set the group's dual schedule (the days at the enterprise and the cycle of weeks)."""
    _refuse(policy.may_edit_schedule(actor, group))
    mask = mask_of(weekdays)
    if not mask:
        raise RuleViolation(_("В графике нет ни одного дня на предприятии: отметьте хотя бы "
                              "один день."), "weekdays")
    if not 1 <= enterprise_weeks <= 52:
        raise RuleViolation(_("Недель на предприятии подряд — от 1 до 52."), "enterprise_weeks")
    if not 0 <= college_weeks <= 52:
        raise RuleViolation(_("Недель в колледже подряд — от 0 до 52."), "college_weeks")
    if not 1 <= planned_share_percent <= 100:
        raise RuleViolation(_("Плановая доля — от 1 до 100%."), "planned_share_percent")
    monday = cycle_start - timedelta(days=cycle_start.weekday())
    schedule = db.session.get(GroupSchedule, group.id)
    if schedule is None:
        schedule = GroupSchedule(group_id=group.id)
        db.session.add(schedule)
    schedule.enterprise_weekdays = mask
    schedule.enterprise_weeks = enterprise_weeks
    schedule.college_weeks = college_weeks
    schedule.cycle_start = monday
    schedule.planned_share_percent = planned_share_percent
    record(actor, "schedule_saved", group, _schedule_changes(schedule))
    db.session.flush()
    return schedule


def _schedule_changes(schedule: GroupSchedule) -> dict:
    from app.audit import changes_of

    return changes_of(schedule)
