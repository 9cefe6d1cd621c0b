"""Scoped reads of the diary, the review queue and progress — aggregates summed in SQL."""

from collections.abc import Iterable
from datetime import date, datetime

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, case, func, select, true
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import (
    Competency,
    DiaryEntry,
    EntryStatus,
    Group,
    Placement,
    PlacementStatus,
    StudentProfile,
    User,
)
from app.practice.health import PlacementProgress, Thresholds, assess
from app.practice.weeks import Week
from app.security import scope_of


def week_entries(placement: Placement, week: Week) -> dict[date, DiaryEntry]:
    """The placement's entries of one week by date (one query)."""
    entries = db.session.scalars(
        select(DiaryEntry)
        .where(DiaryEntry.placement_id == placement.id,
               DiaryEntry.work_date.between(week.monday, week.sunday))
        .options(joinedload(DiaryEntry.competency), joinedload(DiaryEntry.reviewed_by))
    )
    return {entry.work_date: entry for entry in entries}


def birth_date_of(placement: Placement) -> date | None:
    """The trainee's date of birth, for the working-time law (one query)."""
    return db.session.scalar(
        select(StudentProfile.birth_date).where(StudentProfile.user_id == placement.student_id)
    )


def competencies_for(placement: Placement) -> list[Competency]:
    """Competencies of the specialty of the trainee's group (one query)."""
    specialty = (
        select(Group.specialty_id)
        .join(StudentProfile, StudentProfile.group_id == Group.id)
        .where(StudentProfile.user_id == placement.student_id)
        .scalar_subquery()
    )
    return list(db.session.scalars(
        select(Competency).where(Competency.specialty_id == specialty)
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
        .where(scope_of(DiaryEntry, mentor), Placement.mentor_id == mentor.id,
               DiaryEntry.status == EntryStatus.SUBMITTED)
        .options(joinedload(DiaryEntry.placement).joinedload(Placement.student),
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


def _progress_select(user: User | None) -> Select:
    minutes_when = lambda status: func.coalesce(  # noqa: E731
        func.sum(case((DiaryEntry.status == status, DiaryEntry.minutes), else_=0)), 0
    )
    totals = (
        select(
            DiaryEntry.placement_id.label("placement_id"),
            minutes_when(EntryStatus.APPROVED).label("approved"),
            minutes_when(EntryStatus.SUBMITTED).label("pending"),
            func.max(DiaryEntry.work_date).label("last_entry"),
            func.min(case((DiaryEntry.status == EntryStatus.SUBMITTED,
                           DiaryEntry.submitted_at))).label("oldest_waiting"),
        )
        .group_by(DiaryEntry.placement_id)
        .subquery()
    )
    return (
        select(Placement, totals.c.approved, totals.c.pending, totals.c.last_entry,
               totals.c.oldest_waiting)
        .outerjoin(totals, totals.c.placement_id == Placement.id)
        .where(scope_of(Placement, user) if user is not None else true())
        .options(joinedload(Placement.student), joinedload(Placement.mentor),
                 joinedload(Placement.enterprise))
    )


def progress_rows(
    user: User | None,
    today: date,
    thresholds: Thresholds,
    statuses: tuple[PlacementStatus, ...] = (PlacementStatus.ACTIVE,),
    placement_id: int | None = None,
) -> list[PlacementProgress]:
    """Progress of the placements in the user's scope, riskiest first (one query).

    `user=None` is the system's own view of every placement (the CLI's progress check)."""
    stmt = _progress_select(user).where(Placement.status.in_(statuses))
    if placement_id is not None:
        stmt = stmt.where(Placement.id == placement_id)
    rows = db.session.execute(stmt).unique()
    progress = [
        assess(PlacementProgress(p, int(a or 0), int(w or 0), _as_date(last), _as_datetime(oldest)),
               today, thresholds)
        for p, a, w, last, oldest in rows
    ]
    return sorted(progress, key=lambda item: item.risk_key)


def _as_date(value) -> date | None:
    # SQLite returns MAX() of a date column as text.
    if isinstance(value, str):
        return date.fromisoformat(value)
    return value


def _as_datetime(value) -> datetime | None:
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    return value
