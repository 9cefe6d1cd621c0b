"""The figures on each role's home page, each aggregated in SQL within the user's scope."""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.acceptance import queries as acceptance_queries
from app.extensions import db
from app.models import (
    College,
    DiaryEntry,
    DiaryPlacementTotal,
    Enterprise,
    EntryStatus,
    GraduateOutcome,
    OutcomeKind,
    Placement,
    PlacementStatus,
    Role,
    User,
)
from app.outcomes.figures import EmploymentFigure, employment_figure
from app.outcomes.queries import due_count
from app.practice.health import Health, Thresholds
from app.practice.queries import progress_board
from app.scopes import scope_of


@dataclass
class PlacementProgress:
    placement: Placement
    approved_hours: float
    pending_hours: float

    @property
    def percent(self) -> int:
        if not self.placement.required_hours:
            return 0
        return min(100, round(100 * self.approved_hours / self.placement.required_hours))


def _placement_counts(user: User) -> dict[PlacementStatus, int]:
    rows = db.session.execute(
        select(Placement.status, func.count())
        .where(scope_of(Placement, user))
        .group_by(Placement.status)
    )
    counts = dict.fromkeys(PlacementStatus, 0)
    counts.update({row[0]: row[1] for row in rows})
    return counts


def _waiting_entries(user: User) -> int:
    """Entries waiting for a signature in the user's scope, from the diary's running totals."""
    return int(db.session.scalar(
        select(func.sum(DiaryPlacementTotal.submitted_entries))
        .join(Placement, DiaryPlacementTotal.placement_id == Placement.id)
        .where(scope_of(Placement, user))
    ) or 0)


def graduate_figures(user: User, year: int) -> EmploymentFigure:
    """Graduates of a year in the user's scope, employed in the specialty, outcomes known."""
    return employment_figure(year, scope_of(GraduateOutcome, user))


def latest_graduation_year(user: User) -> int | None:
    return db.session.scalar(
        select(func.max(GraduateOutcome.graduation_year)).where(scope_of(GraduateOutcome, user))
    )


def admin_figures(user: User) -> dict:
    year = latest_graduation_year(user)
    return {
        "colleges": db.session.scalar(select(func.count()).select_from(College)),
        "enterprises": db.session.scalar(select(func.count()).select_from(Enterprise)),
        "placements": _placement_counts(user),
        "year": year,
        "graduates": graduate_figures(user, year) if year else None,
    }


def _red_placements(user: User, today: date, thresholds: Thresholds) -> int:
    """Active placements in scope whose progress is red (one query, bounded by the scope)."""
    rows = progress_board(user, today, thresholds, (PlacementStatus.ACTIVE,))
    return sum(1 for row in rows if row.health == Health.RED)


def _overdue_entries(user: User, submitted_before: datetime) -> int:
    """Entries waiting for the mentor's signature since before `submitted_before`: their own
    trainees' and, while a deputy range lasts, those of the foreman they stand in for (the
    mentor's scope holds both)."""
    return db.session.scalar(
        select(func.count())
        .select_from(DiaryEntry)
        .join(Placement, DiaryEntry.placement_id == Placement.id)
        .where(scope_of(Placement, user),
               DiaryEntry.status == EntryStatus.SUBMITTED,
               DiaryEntry.submitted_at < submitted_before)
    ) or 0


def coordinator_figures(user: User, today: date, thresholds: Thresholds) -> dict:
    year = latest_graduation_year(user)
    return {
        "red_placements": _red_placements(user, today, thresholds),
        "placements": _placement_counts(user),
        "waiting_entries": _waiting_entries(user),
        "students": db.session.scalar(
            select(func.count()).select_from(User).where(
                User.college_id == user.college_id, User.role == Role.STUDENT
            )
        ),
        "year": year,
        "graduates": graduate_figures(user, year) if year else None,
    }


def employer_figures(user: User, today: date) -> dict:
    enterprise = db.session.get(Enterprise, user.enterprise_id)
    year_start, year_end = date(today.year, 1, 1), date(today.year, 12, 31)
    intake = db.session.scalar(
        select(func.count()).select_from(Placement).where(
            Placement.enterprise_id == user.enterprise_id,
            Placement.status != PlacementStatus.TERMINATED,
            Placement.start_date.between(year_start, year_end),
        )
    )
    return {
        "enterprise": enterprise,
        "placements": _placement_counts(user),
        "mentors": db.session.scalar(
            select(func.count()).select_from(User).where(
                User.enterprise_id == user.enterprise_id, User.role == Role.MENTOR
            )
        ),
        "intake_this_year": intake,
        "agreements_waiting": acceptance_queries.waiting_count(user),
        "retention_due": due_count(user, today),
        "hires": db.session.scalar(
            select(func.count()).select_from(GraduateOutcome).where(
                GraduateOutcome.host_enterprise_id == user.enterprise_id,
                GraduateOutcome.outcome == OutcomeKind.HIRED_BY_HOST,
            )
        ),
    }


def progress_of(user: User, statuses: tuple[PlacementStatus, ...]) -> list[PlacementProgress]:
    """Placements in scope with approved and pending hours, in two queries whatever the count
    (read from the diary's running totals)."""
    approved = func.coalesce(DiaryPlacementTotal.approved_minutes, 0)
    pending = func.coalesce(DiaryPlacementTotal.submitted_minutes, 0)

    rows = db.session.execute(
        select(Placement, approved, pending)
        .outerjoin(DiaryPlacementTotal, DiaryPlacementTotal.placement_id == Placement.id)
        .where(scope_of(Placement, user), Placement.status.in_(statuses))
        .order_by(Placement.start_date.desc())
        .options(joinedload(Placement.student), joinedload(Placement.enterprise))
    ).unique()
    return [PlacementProgress(p, a / 60, w / 60) for p, a, w in rows]


def mentor_figures(user: User, overdue_before: datetime) -> dict:
    trainees = progress_of(user, (PlacementStatus.ACTIVE,))
    return {
        "trainees": trainees,
        "overdue_entries": _overdue_entries(user, overdue_before),
        "waiting_entries": _waiting_entries(user),
        "placements": _placement_counts(user),
    }


@dataclass
class StudentDay:
    """What the student's home leads with: today's entry (if any) and the returned ones."""

    today: date
    today_entry: DiaryEntry | None = None
    returned: list[DiaryEntry] = field(default_factory=list)

    @property
    def today_done(self) -> bool:
        return self.today_entry is not None and self.today_entry.status in (
            EntryStatus.SUBMITTED, EntryStatus.APPROVED)


def _student_day(user: User, placement_id: int | None, today: date) -> StudentDay:
    """Today's entry of the current placement and every returned entry (one query)."""
    entries = db.session.scalars(
        select(DiaryEntry)
        .join(Placement, DiaryEntry.placement_id == Placement.id)
        .where(scope_of(Placement, user), Placement.student_id == user.id,
               (DiaryEntry.status == EntryStatus.REJECTED)
               | ((DiaryEntry.placement_id == (placement_id or -1))
                  & (DiaryEntry.work_date == today)))
        .order_by(DiaryEntry.work_date)
        .limit(50)
    )
    day = StudentDay(today)
    for entry in entries:
        if entry.placement_id == placement_id and entry.work_date == today:
            day.today_entry = entry
        if entry.status == EntryStatus.REJECTED:
            day.returned.append(entry)
    return day


def student_figures(user: User, today: date) -> dict:
    progress = progress_of(
        user, (PlacementStatus.ACTIVE, PlacementStatus.COMPLETED, PlacementStatus.DRAFT)
    )
    current = progress[0] if progress else None
    writable = (current is not None and current.placement.status == PlacementStatus.ACTIVE
                and current.placement.start_date <= today <= current.placement.end_date)
    return {"progress": progress, "current": current, "writable_today": writable,
            "to_acknowledge": acceptance_queries.to_acknowledge(user),
            "day": _student_day(user, current.placement.id if current else None, today)}
