"""Changes to the diary: the student's week and the mentor's sign-off. Flush, never commit."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.audit import changes_of, record
from app.domain.working_time import MINIMUM_AGE, age_on, limit_for, usable_hours_per_day
from app.evidence.queries import entries_with_files
from app.extensions import db
from app.i18n import format_date
from app.labels import register_actions
from app.models import DiaryEntry, EntryStatus, Placement, User
from app.notify import notify
from app.policy.evidence import evidence_keeps_entry
from app.policy.practice import may_sign, may_write_diary, signed_for_id
from app.practice import links
from app.practice.queries import birth_date_of, competencies_for, week_entries
from app.practice.thread import start_return_threads
from app.practice.weeks import Week
from app.rules import RuleViolation
from app.training.services import shop_floor_gate

MAX_ACTIVITY = 10_000
MAX_COMMENT = 2_000
CONTENT = ("minutes", "activity", "competency_id")

register_actions({
    "entry_submitted": _l("запись отправлена на проверку"),
    "entry_approved": _l("запись подписана"),
    "entry_rejected": _l("запись возвращена"),
    "entry_corrected": _l("запись исправлена"),
})


@dataclass(frozen=True)
class DayInput:
    """One row of the week's form, as parsed: hours may be anything numeric the user typed."""

    work_date: date
    hours: Decimal | None
    activity: str
    competency_id: int | None = None
    version: int | None = None


@dataclass(frozen=True)
class WeekResult:
    saved: int
    submitted: int
    deleted: int


class DiaryViolations(RuleViolation):
    """Several refusals at once; each has `field` as '<iso date>.<field name>' or None."""

    def __init__(self, violations: list[RuleViolation]) -> None:
        super().__init__(violations[0].message, violations[0].field)
        self.violations = violations


def _day(day: date) -> str:
    return format_date(day, "short")


def _hours(value: float) -> str:
    return format_decimal(value, format="#,##0.#")


def _who(age: int) -> str:
    return _("В %(age)s лет", age=age) if age < 18 else _("Совершеннолетнему")


def _stale() -> RuleViolation:
    return RuleViolation(_("Дневник изменился в другой вкладке — обновите страницу. "
                           "Ничего не сохранено."))


def flush_reviewed_entries() -> None:
    """Flush entries a mentor has just reviewed (or taken a review back from); a version clash
    means another tab got there first, and is a refusal in words."""
    try:
        db.session.flush()
    except StaleDataError:
        raise RuleViolation(_("Эти записи только что изменили в другой вкладке. Обновите "
                              "страницу — ничего не изменено.")) from None


def _flush() -> None:
    try:
        db.session.flush()
    except StaleDataError:
        raise _stale() from None
    except IntegrityError:
        raise RuleViolation(_("На эту дату уже есть запись — обновите страницу. "
                              "Ничего не сохранено.")) from None


def daily_limit_violation(birth: date | None, day: date, hours: Decimal) -> str | None:
    """The working-time law for one day: a message naming the limit and the reason, or None."""
    if birth is None:
        return _("В профиле практиканта нет даты рождения: координатор должен её указать.")
    limit = limit_for(birth, day)
    age = age_on(birth, day)
    if limit is None:
        return _("%(who)s работать нельзя: по закону — не младше %(min)s лет.",
                 who=_who(age), min=MINIMUM_AGE)
    if hours > Decimal(str(limit.hours_per_day)):
        usable = usable_hours_per_day(limit)
        if usable != limit.hours_per_day:
            # Say what the half-hour steps allow as well as what the law says.
            return _("%(who)s можно записать не более %(usable)s ч в день (по закону — "
                     "%(limit)s ч, а часы указываются шагом в полчаса).",
                     who=_who(age), usable=_hours(usable), limit=_hours(limit.hours_per_day))
        return _("%(who)s можно работать не более %(limit)s ч в день.",
                 who=_who(age), limit=_hours(limit.hours_per_day))
    return None


def _hours_violation(hours: Decimal | None, activity: str) -> str | None:
    if hours is None:
        return _("Укажите часы.")
    if hours < 0:
        return _("Часы не могут быть отрицательными.")
    if hours == 0:
        return _("Укажите часы больше нуля — или очистите описание, если в этот день "
                 "не работали.")
    if hours > 24:
        return _("В сутках 24 часа: укажите не больше 24.")
    if (hours * 2) % 1:
        return _("Часы указываются шагом в полчаса, например 7 или 7,5.")
    return None


def _weekly_violation(birth: date | None, minutes_by_day: dict[date, int]) -> str | None:
    """The weekly limit of the youngest age in the week (the strictest), against the sum."""
    if birth is None or not minutes_by_day:
        return None
    strictest = None
    for day in minutes_by_day:
        limit = limit_for(birth, day)
        if limit is not None and (strictest is None or limit.hours_per_week
                                  < strictest[1].hours_per_week):
            strictest = (day, limit)
    total = sum(minutes_by_day.values()) / 60
    if strictest and total > strictest[1].hours_per_week:
        day, limit = strictest
        return _("%(who)s можно работать не более %(limit)s ч в неделю, а за эту неделю "
                 "выходит %(total)s ч.", who=_who(age_on(birth, day)),
                 limit=_hours(limit.hours_per_week), total=_hours(total))
    return None


def save_week(
    student: User,
    placement: Placement,
    week: Week,
    days: list[DayInput],
    *,
    submit_all: bool = False,
    submit_days: frozenset[date] = frozenset(),
    today: date,
    now: datetime,
) -> WeekResult:
    """Save the student's rows of one week as drafts, and submit the chosen days or all."""
    if refusal := may_write_diary(student, placement):
        raise RuleViolation(refusal)

    existing = week_entries(placement, week)
    held_by_files = entries_with_files(e.id for e in existing.values())
    birth = birth_date_of(placement)
    competency_ids = {c.id for c in competencies_for(placement)}
    inducted = shop_floor_gate(placement)  # no hours before the safety induction
    problems: list[RuleViolation] = []
    plans: list[tuple[DayInput, DiaryEntry | None]] = []
    deletions: list[DiaryEntry] = []
    seen: set[date] = set()

    for row in days:
        day = row.work_date
        before = len(problems)

        def refuse(message: str, name: str = "row", day: date = day) -> None:
            problems.append(RuleViolation(message, f"{day.isoformat()}.{name}"))

        if day in seen:
            refuse(_("Дата %(date)s указана дважды.", date=_day(day)))
            continue
        seen.add(day)
        entry = existing.get(day)
        if day not in week:
            refuse(_("Дата %(date)s — не из этой недели.", date=_day(day)))
        elif not placement.start_date <= day <= placement.end_date:
            refuse(_("Дата %(date)s вне периода практики (%(start)s – %(end)s).", date=_day(day),
                     start=_day(placement.start_date), end=_day(placement.end_date)))
        elif day > today:
            refuse(_("Нельзя заполнять дневник наперёд: %(date)s ещё не наступило.",
                     date=_day(day)))
        elif entry is not None and entry.status == EntryStatus.APPROVED:
            refuse(_("Запись за %(date)s подписана наставником: изменить её нельзя.",
                     date=_day(day)))
        elif entry is not None and row.version is None:
            refuse(_("На %(date)s уже есть запись — обновите страницу, чтобы увидеть её.",
                     date=_day(day)))
        elif entry is None and row.version is not None:
            refuse(_("Запись за %(date)s удалили в другой вкладке — обновите страницу.",
                     date=_day(day)))
        elif entry is not None and entry.version != row.version:
            refuse(_("Запись за %(date)s изменилась в другой вкладке — обновите страницу.",
                     date=_day(day)))
        elif entry is not None and entry.status == EntryStatus.SUBMITTED:
            refuse(_("Запись за %(date)s на проверке у наставника: дождитесь решения.",
                     date=_day(day)))
        if len(problems) > before:
            continue

        if (row.hours is None or row.hours == 0) and not row.activity:
            if entry is not None:
                deletions.append(entry)
            elif day in submit_days:
                refuse(_("Нечего отправлять за %(date)s: укажите часы и что сделано.",
                         date=_day(day)))
            continue
        message = _hours_violation(row.hours, row.activity)
        if message is None and row.hours is not None:  # no violation: the hours are given
            message = daily_limit_violation(birth, day, row.hours) or inducted(day)
        if message:
            refuse(message, "hours")
        if not row.activity:
            refuse(_("Опишите, что сделано за день."), "activity")
        elif len(row.activity) > MAX_ACTIVITY:
            refuse(_("Описание — не длиннее %(max)s символов.", max=MAX_ACTIVITY), "activity")
        if row.competency_id is not None and row.competency_id not in competency_ids:
            refuse(_("Выберите компетенцию из списка вашей специальности."), "competency")
        plans.append((row, entry))

    for entry in deletions:
        if message := evidence_keeps_entry(entry, held_by_files):
            problems.append(RuleViolation(message, f"{entry.work_date.isoformat()}.row"))
    minutes_by_day = {d: e.minutes for d, e in existing.items()
                      if e.status != EntryStatus.REJECTED}
    for entry in deletions:
        minutes_by_day.pop(entry.work_date, None)
    for row, entry in plans:
        stays_rejected = (entry is not None and entry.status == EntryStatus.REJECTED
                          and not _changed(entry, row) and not _submits(row, submit_all,
                                                                        submit_days))
        if not stays_rejected:
            minutes_by_day[row.work_date] = int((row.hours or 0) * 60)
    if not problems and (message := _weekly_violation(birth, minutes_by_day)):
        problems.append(RuleViolation(message, None))
    if not problems and submit_all and not plans:
        problems.append(RuleViolation(_("Нечего отправлять: заполните хотя бы один день.")))
    if problems:
        raise DiaryViolations(problems)

    return _write_week(student, placement, plans, deletions, submit_all, submit_days, now)


def _changed(entry: DiaryEntry, row: DayInput) -> bool:
    return (entry.minutes, entry.activity, entry.competency_id) != (
        int((row.hours or 0) * 60), row.activity, row.competency_id)


def _submits(row: DayInput, submit_all: bool, submit_days: frozenset[date]) -> bool:
    return submit_all or row.work_date in submit_days


def _write_week(student, placement, plans, deletions, submit_all, submit_days, now):
    events: list[tuple[DiaryEntry, str, dict]] = []
    saved = submitted = 0
    for entry in deletions:
        record(student, "deleted", entry, {k: [getattr(entry, k), None] for k in CONTENT})
        db.session.delete(entry)
    for row, entry in plans:
        submit = _submits(row, submit_all, submit_days)
        if entry is None:
            entry = DiaryEntry(placement_id=placement.id, work_date=row.work_date)
            db.session.add(entry)
        elif not _changed(entry, row) and not submit:
            continue
        was_rejected = entry.status == EntryStatus.REJECTED
        entry.minutes = int(row.hours * 60)
        entry.activity = row.activity
        entry.competency_id = row.competency_id
        content = changes_of(entry) if entry.id is not None else {}
        if submit:
            entry.status, entry.submitted_at = EntryStatus.SUBMITTED, now
            submitted += 1
        else:
            entry.status = EntryStatus.DRAFT
        saved += 1
        changes = changes_of(entry)
        if entry.id is None:
            events.append((entry, "entry_submitted" if submit else "created", changes))
            continue
        if was_rejected and content:
            events.append((entry, "entry_corrected", content))
        if submit:
            events.append((entry, "entry_submitted", changes))
        elif not was_rejected:
            events.append((entry, "updated", changes))
    _flush()
    for entry, action, changes in events:
        record(student, action, entry, changes)
    if submitted:
        notify(placement.mentor, "entries_submitted",
               {"student": student.full_name, "count": submitted},
               links.review_queue(), email=False)
    return WeekResult(saved=saved, submitted=submitted, deleted=len(deletions))


def review_entries(
    mentor: User,
    entries: list[tuple[DiaryEntry, int | None]],
    *,
    approve: bool,
    comment: str = "",
    now: datetime,
) -> int:
    """Approve or reject entries, each at the version the mentor saw; all or nothing."""
    comment = (comment or "").strip()
    if not entries:
        raise RuleViolation(_("Не выбрано ни одной записи."))
    if not approve and not comment:
        raise RuleViolation(_("Напишите, что исправить: без комментария вернуть запись нельзя."),
                            "comment")
    if len(comment) > MAX_COMMENT:
        raise RuleViolation(_("Комментарий — не длиннее %(max)s символов.", max=MAX_COMMENT),
                            "comment")
    for entry, expected_version in entries:
        if refusal := may_sign(mentor, entry):
            raise RuleViolation(refusal)
        if entry.status == EntryStatus.APPROVED:
            raise RuleViolation(_("Запись за %(date)s уже подписана. Ничего не изменено.",
                                  date=_day(entry.work_date)))
        if entry.status != EntryStatus.SUBMITTED or entry.version != expected_version:
            raise RuleViolation(_(
                "Запись за %(date)s изменилась, пока страница была открыта (её вернули, "
                "исправили или подписали в другой вкладке). Обновите страницу — ничего не "
                "изменено.", date=_day(entry.work_date)))

    events = []
    for entry, _version in entries:
        entry.status = EntryStatus.APPROVED if approve else EntryStatus.REJECTED
        entry.reviewed_by_id = mentor.id
        entry.signed_for_id = signed_for_id(mentor, entry)
        entry.reviewed_at = now
        entry.review_comment = "" if approve else comment
        events.append((entry, changes_of(entry)))
    flush_reviewed_entries()
    for entry, changes in events:
        record(mentor, "entry_approved" if approve else "entry_rejected", entry, changes)
    if not approve:
        returned = [entry for entry, _v in entries]
        _tell_students_of_rejection(returned, comment)
        start_return_threads(mentor, returned, comment, now=now)
    return len(entries)


def _tell_students_of_rejection(entries: list[DiaryEntry], comment: str) -> None:
    by_placement: dict[int, list[DiaryEntry]] = defaultdict(list)
    for entry in entries:
        by_placement[entry.placement_id].append(entry)
    for placement_entries in by_placement.values():
        placement_entries.sort(key=lambda e: e.work_date)
        first = placement_entries[0]
        notify(first.placement.student, "entry_rejected",
               {"dates": [e.work_date.isoformat() for e in placement_entries],
                "comment": comment},
               links.diary_week(first.placement_id, first.work_date))
