"""Scoped reads of the diary, the review queue and progress — aggregates summed in SQL."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import case, select, true
from sqlalchemy.orm import joinedload

from app.attendance.queries import days_off_for, schedule_columns, schedule_of, with_schedule
from app.extensions import db
from app.models import (
    College,
    Competency,
    DiaryEntry,
    DiaryPlacementTotal,
    EntryStatus,
    Group,
    Placement,
    PlacementStatus,
    StudentProfile,
    User,
)
from app.naming import local_name
from app.practice.health import PlacementProgress, Thresholds, assess
from app.practice.weeks import Week
from app.scopes import scope_of
from app.training.queries import in_training_plan


def week_entries(placement: Placement, week: Week) -> dict[date, DiaryEntry]:
    """The placement's entries of one week by date (one query)."""
    entries = db.session.scalars(
        select(DiaryEntry)
        .where(DiaryEntry.placement_id == placement.id,
               DiaryEntry.work_date.between(week.monday, week.sunday))
        .options(joinedload(DiaryEntry.competency), joinedload(DiaryEntry.reviewed_by),
                 joinedload(DiaryEntry.signed_for))
    )
    return {entry.work_date: entry for entry in entries}


def birth_date_of(placement: Placement) -> date | None:
    """The trainee's date of birth, for the working-time law (one query)."""
    return db.session.scalar(
        select(StudentProfile.birth_date).where(StudentProfile.user_id == placement.student_id)
    )


def competencies_for(placement: Placement) -> list[Competency]:
    """Competencies of the specialty of the trainee's group — the modules of the placement's
    training plan, once it has its own copy (those with hours) (one query)."""
    specialty = (
        select(Group.specialty_id)
        .join(StudentProfile, StudentProfile.group_id == Group.id)
        .where(StudentProfile.user_id == placement.student_id)
        .scalar_subquery()
    )
    return list(db.session.scalars(
        select(Competency).where(Competency.specialty_id == specialty,
                                 in_training_plan(placement.id, Competency.id))
        .order_by(Competency.position, Competency.code)
    ))


def current_placement_id(student: User) -> int | None:
    """The student's active placement, else the latest one."""
    rank = case((Placement.status == PlacementStatus.ACTIVE, 0), else_=1)
    return db.session.scalar(
        select(Placement.id).where(scope_of(Placement, student),
                                   Placement.student_id == student.id)
        .order_by(rank, Placement.start_date.desc(), Placement.id.desc()).limit(1)
    )


def review_queue(mentor: User, page: int, per_page: int) -> Pagination:
    """Every submitted entry of the mentor's trainees, the longest waiting first (two queries)."""
    stmt = (
        select(DiaryEntry)
        .join(Placement, DiaryEntry.placement_id == Placement.id)
        # The scope holds the mentor's own trainees and, while deputising, the covered foreman's.
        .where(scope_of(DiaryEntry, mentor), DiaryEntry.status == EntryStatus.SUBMITTED)
        .options(joinedload(DiaryEntry.placement).joinedload(Placement.student),
                 joinedload(DiaryEntry.placement).joinedload(Placement.mentor),
                 joinedload(DiaryEntry.competency))
        .order_by(DiaryEntry.submitted_at, DiaryEntry.work_date, DiaryEntry.id)
    )
    return db.paginate(stmt, page=page, per_page=per_page, max_per_page=200, error_out=False)


def scoped_entries(user: User, ids: Iterable[int]) -> list[DiaryEntry]:
    """The entries among `ids` that the user may see, with their placements (one query)."""
    ids = list(ids)
    if not ids:
        return []
    return list(db.session.scalars(
        select(DiaryEntry).where(DiaryEntry.id.in_(ids), scope_of(DiaryEntry, user))
        .options(joinedload(DiaryEntry.placement).joinedload(Placement.student))
        .order_by(DiaryEntry.work_date)
    ))


def _totals(*conditions):
    """Approved and waiting minutes, the last entry and the oldest waiting one per placement
    matching `conditions`, from the diary's running totals (one row per placement)."""
    t = DiaryPlacementTotal
    return (
        select(
            t.placement_id.label("placement_id"),
            t.approved_minutes.label("approved"),
            t.submitted_minutes.label("pending"),
            t.last_work_date.label("last_entry"),
            t.oldest_submitted_at.label("oldest_waiting"),
        )
        .where(t.placement_id.in_(select(Placement.id).where(*conditions)))
        .subquery()
    )


def _assessed(rows, today: date, thresholds: Thresholds,
              days_off: dict[int, tuple]) -> list[PlacementProgress]:
    """Rows of (placement, approved, pending, last entry, oldest waiting, *schedule columns)."""
    progress = [
        assess(PlacementProgress(p, int(a or 0), int(w or 0), _as_date(last), _as_datetime(oldest),
                                 schedule=schedule_of(*schedule),
                                 days_off=days_off.get(p.id, ())),
               today, thresholds)
        for p, a, w, last, oldest, *schedule in rows
    ]
    return sorted(progress, key=lambda item: item.risk_key)


def progress_rows(
    user: User | None,
    today: date,
    thresholds: Thresholds,
    statuses: tuple[PlacementStatus, ...] = (PlacementStatus.ACTIVE,),
    placement_id: int | None = None,
    id_range: tuple[int, int] | None = None,
) -> list[PlacementProgress]:
    """Progress of the placements in the user's scope, riskiest first (two queries: the rows
    with their schedules, and the days off of the working calendar).

    `user=None` is the system's own view of every placement (the CLI's progress check, which
    takes them a chunk at a time: `id_range` is (after this id, up to this id))."""
    conditions = [scope_of(Placement, user) if user is not None else true(),
                  Placement.status.in_(statuses)]
    if placement_id is not None:
        conditions.append(Placement.id == placement_id)
    if id_range is not None:
        conditions += [Placement.id > id_range[0], Placement.id <= id_range[1]]
    totals = _totals(*conditions)
    stmt = with_schedule(
        select(Placement, totals.c.approved, totals.c.pending, totals.c.last_entry,
               totals.c.oldest_waiting, *schedule_columns())
        .outerjoin(totals, totals.c.placement_id == Placement.id)
    ).where(*conditions).options(joinedload(Placement.student), joinedload(Placement.mentor),
                                 joinedload(Placement.enterprise))
    days_off = days_off_for(select(Placement.id).where(*conditions))
    return _assessed(db.session.execute(stmt).unique(), today, thresholds, days_off)


def progress_board(
    user: User,
    today: date,
    thresholds: Thresholds,
    statuses: tuple[PlacementStatus, ...],
    college_id: int | None = None,
) -> list[PlacementProgress]:
    """Progress of the user's placements (of one college, if given), riskiest first (two
    queries: the rows with their schedules, and the days off of the working calendar).

    The status depends on working days, the thresholds and today's date, so it is computed in
    Python, not SQL. To keep that bounded the rows are light — the placement's dates and hours
    only, no people — and the caller bounds the set: the admin must pick a college, the others
    see their own scope (a college, a mentor's trainees, a student's own). The people are loaded
    only for the page shown, by `with_people`."""
    conditions = [scope_of(Placement, user), Placement.status.in_(statuses)]
    if college_id is not None:
        conditions.append(Placement.college_id == college_id)
    totals = _totals(*conditions)
    stmt = with_schedule(
        select(Placement.id, Placement.college_id, Placement.start_date, Placement.end_date,
               Placement.required_hours, totals.c.approved, totals.c.pending,
               totals.c.last_entry, totals.c.oldest_waiting, *schedule_columns())
        .outerjoin(totals, totals.c.placement_id == Placement.id)
    ).where(*conditions)
    days_off = days_off_for(select(Placement.id).where(*conditions))
    rows = ((_LightPlacement(*row[:5]), *row[5:]) for row in db.session.execute(stmt))
    return _assessed(rows, today, thresholds, days_off)


@dataclass(frozen=True)
class _LightPlacement:
    """What the status needs of a placement, until the page shown is given its people."""

    id: int
    college_id: int
    start_date: date
    end_date: date
    required_hours: int


def with_people(progress: list[PlacementProgress]) -> list[PlacementProgress]:
    """Swap in the full placements, with trainee, mentor and enterprise (one query)."""
    if not progress:
        return progress
    placements = {p.id: p for p in db.session.scalars(
        select(Placement).where(Placement.id.in_([item.placement.id for item in progress]))
        .options(joinedload(Placement.student), joinedload(Placement.mentor),
                 joinedload(Placement.enterprise))
    ).unique()}
    for item in progress:
        item.placement = placements[item.placement.id]
    return progress


def college_choices(user: User) -> list[tuple[int, str]]:
    """The colleges the user may pick on the progress board, by name (one query)."""
    return [(row.id, local_name(row.name, row.name_kk)) for row in db.session.execute(
        select(College.id, College.name, College.name_kk).where(scope_of(College, user))
        .order_by(College.name, College.id)
    )]


def _as_date(value) -> date | None:
    # SQLite returns MAX() of a date column as text.
    if isinstance(value, str):
        return date.fromisoformat(value)
    return value


def _as_datetime(value) -> datetime | None:
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    return value
