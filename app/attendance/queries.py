"""Reads of the working calendar: a placement's days off, schedules and the enterprise share."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Select, func, literal, select, union_all
from sqlalchemy.orm import joinedload

from app.domain.calendar import (
    DEFAULT_SCHEDULE,
    DayRange,
    Schedule,
    academic_year,
    enterprise_share,
    holiday_name,
)
from app.extensions import db
from app.models import (
    Absence,
    AbsenceKind,
    AbsenceStatus,
    Group,
    GroupSchedule,
    LearningBreak,
    Placement,
    StudentProfile,
    User,
)
from app.scopes import scope_of

# Kinds of absence that excuse the trainee from the enterprise once the mentor confirms them;
# an unexcused day stays a day the trainee was expected.
EXCUSING_KINDS = tuple(kind for kind in AbsenceKind if kind != AbsenceKind.UNEXCUSED)


def schedule_of(weekdays, enterprise_weeks, college_weeks, cycle_start) -> Schedule:
    """A schedule from its columns (all None: the group has none, the five-day week applies)."""
    if weekdays is None:
        return DEFAULT_SCHEDULE
    if isinstance(cycle_start, str):  # SQLite hands back a date column of an outer join as text
        cycle_start = date.fromisoformat(cycle_start)
    return Schedule(int(weekdays), int(enterprise_weeks), int(college_weeks), cycle_start)


def schedule_columns():
    """The schedule's columns, for a select that outer-joins `with_schedule`."""
    return (GroupSchedule.enterprise_weekdays, GroupSchedule.enterprise_weeks,
            GroupSchedule.college_weeks, GroupSchedule.cycle_start)


def with_schedule(stmt: Select) -> Select:
    """Outer-join the trainee's group schedule to a select of placements."""
    return (stmt.outerjoin(StudentProfile, StudentProfile.user_id == Placement.student_id)
            .outerjoin(GroupSchedule, GroupSchedule.group_id == StudentProfile.group_id))


def days_off_for(placement_ids: Select) -> dict[int, tuple[DayRange, ...]]:
    """The days each placement's trainee is excused from the enterprise: confirmed absences of an
    excusing kind and learning breaks (up to the day before the planned return). One query."""
    absences = select(Absence.placement_id, Absence.first_day, Absence.last_day,
                      literal(0).label("until_return")).where(
        Absence.placement_id.in_(placement_ids), Absence.status == AbsenceStatus.CONFIRMED,
        Absence.kind.in_(EXCUSING_KINDS))
    breaks = select(LearningBreak.placement_id, LearningBreak.starts_on,
                    LearningBreak.planned_return_on, literal(1)).where(
        LearningBreak.placement_id.in_(placement_ids))
    found: dict[int, list[DayRange]] = defaultdict(list)
    for placement_id, first, last, until_return in db.session.execute(union_all(absences, breaks)):
        last = _date(last) - timedelta(days=1 if until_return else 0)
        found[placement_id].append((_date(first), last))
    return {pid: tuple(ranges) for pid, ranges in found.items()}


def _date(value) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


@dataclass
class PlacementCalendar:
    """One placement's schedule, absences and breaks, for its pages and its diary."""

    schedule: Schedule
    absences: list[Absence] = field(default_factory=list)
    breaks: list[LearningBreak] = field(default_factory=list)

    @property
    def days_off(self) -> tuple[DayRange, ...]:
        return tuple(
            [(a.first_day, a.last_day) for a in self.absences
             if a.status == AbsenceStatus.CONFIRMED and a.kind in EXCUSING_KINDS]
            + [(b.starts_on, b.planned_return_on - timedelta(days=1)) for b in self.breaks])

    def absence_on(self, day: date) -> Absence | None:
        return next((a for a in self.absences if a.covers(day)), None)

    def break_on(self, day: date) -> LearningBreak | None:
        return next((b for b in self.breaks if b.covers(day)), None)

    def note_on(self, day: date, locale: str) -> str:
        """Why the trainee is not expected at the enterprise that day, in words ("" if they are)."""
        from flask_babel import gettext as _

        from app.labels import label

        absence = self.absence_on(day)
        if absence is not None:
            return _("пропуск: %(kind)s (%(status)s)", kind=label(absence.kind),
                     status=label(absence.status))
        if self.break_on(day) is not None:
            return _("перерыв в обучении")
        holiday = holiday_name(day, locale)
        if holiday is not None:
            return _("праздник: %(name)s", name=holiday) if holiday else _("праздничный день")
        if self.schedule.is_college_day(day):
            return _("день в колледже по графику")
        return ""

    def warning_for(self, day: date, locale: str) -> str:
        """The warning for hours written on a day the trainee was not expected ("" if fine)."""
        from flask_babel import format_date
        from flask_babel import gettext as _

        note = self.note_on(day, locale)
        if not note and not self.schedule.is_enterprise_day(day):
            note = _("не рабочий день по графику")
        return _("%(date)s — %(note)s", date=format_date(day, "d MMMM"), note=note) if note else ""


def calendar_of(placement: Placement) -> PlacementCalendar:
    """The placement's schedule, absences and breaks (three queries)."""
    row = db.session.execute(
        with_schedule(select(*schedule_columns()).select_from(Placement))
        .where(Placement.id == placement.id)).one_or_none()
    schedule = schedule_of(*row) if row is not None else DEFAULT_SCHEDULE
    absences = list(db.session.scalars(
        select(Absence).where(Absence.placement_id == placement.id)
        .options(joinedload(Absence.recorded_by), joinedload(Absence.reviewed_by))
        .order_by(Absence.first_day, Absence.id)))
    breaks = list(db.session.scalars(
        select(LearningBreak).where(LearningBreak.placement_id == placement.id)
        .options(joinedload(LearningBreak.recorded_by))
        .order_by(LearningBreak.starts_on, LearningBreak.id)))
    return PlacementCalendar(schedule, absences, breaks)


def absences_list(user: User, pending_only: bool = False, limit: int = 200) -> list[Absence]:
    """Absences of the placements the user may see, newest first, with trainee (one query)."""
    stmt = (select(Absence).join(Placement, Absence.placement_id == Placement.id)
            .where(scope_of(Placement, user))
            .options(joinedload(Absence.placement).joinedload(Placement.student),
                     joinedload(Absence.recorded_by))
            .order_by(Absence.first_day.desc(), Absence.id.desc()).limit(limit))
    if pending_only:
        stmt = stmt.where(Absence.status == AbsenceStatus.PENDING)
    return list(db.session.scalars(stmt))


def absences_of(placement_ids: list[int]) -> dict[int, list[Absence]]:
    """Absences of the placements by placement, in date order (one query; none if no ids)."""
    found: dict[int, list[Absence]] = defaultdict(list)
    if not placement_ids:
        return found
    for absence in db.session.scalars(
            select(Absence).where(Absence.placement_id.in_(placement_ids))
            .order_by(Absence.placement_id, Absence.first_day, Absence.id)):
        found[absence.placement_id].append(absence)
    return found


def group_schedule(group: Group) -> GroupSchedule | None:
    return db.session.get(GroupSchedule, group.id)


@dataclass(frozen=True)
class ShareFigure:
    """A group's (or the region's) share of study time at the enterprise against the plan."""

    share_percent: int | None
    plan_percent: int
    groups: int = 1

    @property
    def over_plan(self) -> bool:
        return self.share_percent is not None and self.share_percent > self.plan_percent


def share_of(schedule: GroupSchedule | None, today: date, plan_percent: int) -> ShareFigure:
    """The scheduled share of this academic year's study days at the enterprise."""
    if schedule is None:
        return ShareFigure(None, plan_percent)
    share = enterprise_share(schedule_of(schedule.enterprise_weekdays, schedule.enterprise_weeks,
                                         schedule.college_weeks, schedule.cycle_start),
                             *academic_year(today))
    return ShareFigure(None if share is None else round(100 * share),
                       schedule.planned_share_percent)


def shares_by_group(user: User, today: date, college_id: int | None = None
                    ) -> list[tuple[Group, ShareFigure, int]]:
    """Each scheduled group in the user's scope with its share and its number of students
    (two queries; the share is computed per distinct schedule, cached)."""
    students = (select(StudentProfile.group_id, func.count().label("n"))
                .group_by(StudentProfile.group_id).subquery())
    stmt = (select(Group, GroupSchedule, func.coalesce(students.c.n, 0))
            .join(GroupSchedule, GroupSchedule.group_id == Group.id)
            .outerjoin(students, students.c.group_id == Group.id)
            .where(scope_of(Group, user))
            .order_by(Group.code, Group.id))
    if college_id is not None:
        stmt = stmt.where(Group.college_id == college_id)
    return [(group, share_of(schedule, today, schedule.planned_share_percent), int(n))
            for group, schedule, n in db.session.execute(stmt)]


def overall_share(rows: list[tuple[Group, ShareFigure, int]], default_plan: int) -> ShareFigure:
    """The students-weighted share over groups (each group once if none has students)."""
    known = [(f.share_percent, f.plan_percent, n) for _g, f, n in rows
             if f.share_percent is not None]
    if not known:
        return ShareFigure(None, default_plan, 0)
    weight = sum(n for _s, _p, n in known)
    if weight:
        share = sum(s * n for s, _p, n in known) / weight
        plan = sum(p * n for _s, p, n in known) / weight
    else:
        share = sum(s for s, _p, _n in known) / len(known)
        plan = sum(p for _s, p, _n in known) / len(known)
    return ShareFigure(round(share), round(plan), len(known))
