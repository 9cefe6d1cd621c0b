"""The dashboards' aggregates, each one SQL statement within the user's scope.

Every function runs a fixed number of queries whatever the size of the data: counting, summing,
the weekly buckets and the median time to sign-off are all done by the database.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    Row,
    and_,
    case,
    extract,
    false,
    func,
    or_,
    select,
    union,
)
from sqlalchemy.sql.elements import ColumnElement, True_

from app.diary_totals import signoff_per_mentor
from app.extensions import db
from app.models import (
    Assessment,
    AssessmentKind,
    College,
    DiaryCollegeWeek,
    DiaryWeekTotal,
    Enterprise,
    GraduateOutcome,
    Group,
    HireRecommendation,
    MentorSignoffStat,
    OfferStatus,
    OutcomeKind,
    Partnership,
    Placement,
    PlacementStatus,
    RetentionCheck,
    Role,
    Specialty,
    StudentProfile,
    User,
)
from app.naming import local_name
from app.outcomes.figures import graduate_counts
from app.scopes import scope_of

OFFERED = (OfferStatus.MADE, OfferStatus.ACCEPTED, OfferStatus.DECLINED)
RECENT_WEEKS = 26
ENTERPRISE_CHOICES = 500


@dataclass(frozen=True)
class Filters:
    """What the dashboard is narrowed to; None means every value in the user's scope."""

    year: int | None = None
    college_id: int | None = None
    specialty: str | None = None
    enterprise_id: int | None = None

    def args(self) -> dict[str, Any]:
        """The filters as query-string arguments, for links and exports."""
        pairs = {"year": self.year, "college": self.college_id, "specialty": self.specialty,
                 "enterprise": self.enterprise_id}
        return {key: value for key, value in pairs.items() if value is not None}


def _count_if(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _year_range(column: Any, year: int) -> Any:
    return and_(column >= date(year, 1, 1), column < date(year + 1, 1, 1))


def _codes(code: str) -> Any:
    return select(Specialty.id).where(Specialty.code == code)


# --- graduates ------------------------------------------------------------------------------------


def _outcome_conditions(user: User, f: Filters, year: int | None) -> list[Any]:
    conditions = [scope_of(GraduateOutcome, user)]
    if f.college_id is not None:
        conditions.append(GraduateOutcome.college_id == f.college_id)
    if f.enterprise_id is not None:
        conditions.append(GraduateOutcome.host_enterprise_id == f.enterprise_id)
    if f.specialty is not None:
        conditions.append(GraduateOutcome.specialty_id.in_(_codes(f.specialty)))
    if year is not None:
        conditions.append(GraduateOutcome.graduation_year == year)
    return conditions


def graduates_by_year(user: User, f: Filters) -> list[Row]:
    """Graduates, employed in the specialty and outcomes known, per graduation year."""
    return list(db.session.execute(
        select(GraduateOutcome.graduation_year.label("year"), *graduate_counts())
        .where(*_outcome_conditions(user, f, None))
        .group_by(GraduateOutcome.graduation_year)
        .order_by(GraduateOutcome.graduation_year)
    ))


def graduates_by_college(user: User, f: Filters, year: int, limit: int | None) -> list[Row]:
    """The year's graduate figures per college, largest first; `total` counts all colleges."""
    stmt = (
        select(College.id, College.name, College.name_kk, *graduate_counts(),
               func.count().over().label("total"))
        .join(College, College.id == GraduateOutcome.college_id)
        .where(*_outcome_conditions(user, f, year))
        .group_by(College.id, College.name, College.name_kk)
        .order_by(func.count(GraduateOutcome.id).desc(), College.name, College.id)
    )
    return list(db.session.execute(stmt.limit(limit) if limit else stmt))


def graduates_by_specialty(user: User, f: Filters, year: int, limit: int | None) -> list[Row]:
    """The year's graduate figures per specialty code of the classifier, largest first."""
    stmt = (
        select(Specialty.code, func.min(Specialty.name).label("name"),
               func.max(Specialty.name_kk).label("name_kk"), *graduate_counts(),
               func.count().over().label("total"))
        .join(Specialty, Specialty.id == GraduateOutcome.specialty_id)
        .where(*_outcome_conditions(user, f, year))
        .group_by(Specialty.code)
        .order_by(func.count(GraduateOutcome.id).desc(), Specialty.code)
    )
    return list(db.session.execute(stmt.limit(limit) if limit else stmt))


# --- placements: the funnel and the placement-to-hire ledger -------------------------------------


def _placement_conditions(user: User, f: Filters, by_year: bool = True) -> list[Any]:
    conditions = [scope_of(Placement, user), Placement.status != PlacementStatus.DRAFT]
    if f.college_id is not None:
        conditions.append(Placement.college_id == f.college_id)
    if f.enterprise_id is not None:
        conditions.append(Placement.enterprise_id == f.enterprise_id)
    if f.specialty is not None:
        conditions.append(Placement.student_id.in_(
            select(StudentProfile.user_id)
            .join(Group, Group.id == StudentProfile.group_id)
            .where(Group.specialty_id.in_(_codes(f.specialty)))
        ))
    if by_year and f.year is not None:
        conditions.append(_year_range(Placement.end_date, f.year))
    return conditions


def _stages() -> dict[str, Any]:
    return {
        "placed": func.count(Placement.id),
        "completed": _count_if(Placement.status == PlacementStatus.COMPLETED),
        "recommended": _count_if(Assessment.hire_recommendation == HireRecommendation.YES),
        # The host's offer, recorded on the placement or later on the graduate's outcome.
        "offered": _count_if(or_(Placement.offer_status.in_(OFFERED),
                                 GraduateOutcome.offer_status.in_(OFFERED))),
        "hired": _count_if(GraduateOutcome.outcome == OutcomeKind.HIRED_BY_HOST),
        # Still employed at the host a year on: a 12-month check of a hire.
        "retained": _count_if(and_(GraduateOutcome.outcome == OutcomeKind.HIRED_BY_HOST,
                                   RetentionCheck.id.is_not(None))),
    }


def _with_outcomes(stmt: Any) -> Any:
    """Join each placement to its submitted final assessment, its outcome and 12-month check."""
    return (
        stmt.outerjoin(Assessment, and_(
            Assessment.placement_id == Placement.id,
            Assessment.kind == AssessmentKind.FINAL,
            Assessment.submitted_at.is_not(None),
        ))
        # The student is unique among outcomes (and indexed): the lookup goes through it.
        .outerjoin(GraduateOutcome, and_(GraduateOutcome.student_id == Placement.student_id,
                                         GraduateOutcome.placement_id == Placement.id))
        .outerjoin(RetentionCheck, and_(
            RetentionCheck.outcome_id == GraduateOutcome.id,
            RetentionCheck.months == 12,
            RetentionCheck.still_employed.is_(True),
        ))
    )


def funnel_counts(user: User, f: Filters) -> dict[str, int]:
    """Placed → completed → recommended → offered → hired → still employed at 12 months."""
    stages = _stages()
    stmt = _with_outcomes(
        select(*(expr.label(name) for name, expr in stages.items())).select_from(Placement)
    ).where(*_placement_conditions(user, f))
    row = db.session.execute(stmt).one()
    return {name: int(row._mapping[name] or 0) for name in stages}


def enterprise_ledger(user: User, f: Filters, limit: int | None) -> list[Row]:
    """Placements and hires per host enterprise, most hires first; `total` counts them all."""
    stages = _stages()
    stmt = (
        _with_outcomes(
            select(Enterprise.id, Enterprise.name, Enterprise.name_kk,
                   *(expr.label(name) for name, expr in stages.items()),
                   func.count().over().label("total"))
            .select_from(Placement)
            .join(Enterprise, Enterprise.id == Placement.enterprise_id)
        )
        .where(*_placement_conditions(user, f))
        .group_by(Enterprise.id, Enterprise.name, Enterprise.name_kk)
        .order_by(stages["hired"].desc(), stages["placed"].desc(), Enterprise.name, Enterprise.id)
    )
    return list(db.session.execute(stmt.limit(limit) if limit else stmt))


def _diary_per_mentor(user: User, f: Filters, conditions: list[Any],
                      mentor_ids: list[int] | None) -> dict[int, tuple[int, float | None]]:
    """Per mentor: minutes approved and the median hours to sign-off. The whole country's
    figures are the mentors' running totals; a narrower view sums its own entries."""
    if isinstance(scope_of(Placement, user), True_) and f == Filters():
        stmt = select(MentorSignoffStat.mentor_id, MentorSignoffStat.approved_minutes,
                      MentorSignoffStat.median_hours)
        if mentor_ids is not None:
            stmt = stmt.where(MentorSignoffStat.mentor_id.in_(mentor_ids))
    else:
        per_mentor = signoff_per_mentor(
            *conditions,
            *([Placement.mentor_id.in_(mentor_ids)] if mentor_ids is not None else [])).subquery()
        stmt = select(per_mentor.c.mentor_id, per_mentor.c.approved_minutes,
                      per_mentor.c.median_hours)
    return {mentor_id: (int(minutes or 0), None if median is None else float(median))
            for mentor_id, minutes, median in db.session.execute(stmt)}


@dataclass(frozen=True)
class MentorRow:
    id: int
    full_name: str
    enterprise: str
    trainees: int
    minutes: int
    median: float | None
    recommended: int
    hired: int
    total: int


def mentor_ledger(user: User, f: Filters, limit: int | None) -> list[MentorRow]:
    """Per mentor: trainees, hours supervised, median sign-off time, recommendations and hires.

    Two queries: the placements' figures per mentor (most hires first), then the diary's for
    the mentors shown — so a page of the ledger does not sort the whole region's diary.
    """
    conditions = _placement_conditions(user, f)
    stages = _stages()
    trainees = func.count(func.distinct(Placement.student_id))
    stmt = (
        _with_outcomes(
            select(
                User.id, User.full_name, Enterprise.name.label("enterprise"),
                Enterprise.name_kk.label("enterprise_kk"),
                trainees.label("trainees"),
                stages["recommended"].label("recommended"),
                stages["hired"].label("hired"),
                func.count().over().label("total"),
            )
            .select_from(Placement)
            .join(User, User.id == Placement.mentor_id)
            .join(Enterprise, Enterprise.id == Placement.enterprise_id)
        )
        .where(*conditions)
        .group_by(User.id, User.full_name, Enterprise.name, Enterprise.name_kk)
        .order_by(stages["hired"].desc(), trainees.desc(), User.full_name, User.id)
    )
    rows = list(db.session.execute(stmt.limit(limit) if limit else stmt))
    diary = _diary_per_mentor(user, f, conditions, [r.id for r in rows] if limit else None)
    return [
        MentorRow(r.id, r.full_name, local_name(r.enterprise, r.enterprise_kk), r.trainees,
                  *diary.get(r.id, (0, None)), r.recommended, r.hired, r.total)
        for r in rows
    ]


# --- the practice diary ---------------------------------------------------------------------------


# The admin's and a coordinator's scope is made of whole colleges: their weeks are the sums
# the colleges' running totals hold; any other view sums its placements' week totals.
_WHOLE_COLLEGES = (Role.ADMIN, Role.COORDINATOR)


def _week_totals(user: User, f: Filters) -> tuple[Any, list[Any]]:
    if user.role in _WHOLE_COLLEGES and f.enterprise_id is None and f.specialty is None:
        conditions: list[ColumnElement[bool]] = [
            DiaryCollegeWeek.college_id.in_(select(College.id).where(scope_of(College, user)))]
        if f.college_id is not None:
            conditions.append(DiaryCollegeWeek.college_id == f.college_id)
        return DiaryCollegeWeek, [select(DiaryCollegeWeek).where(*conditions)]
    return DiaryWeekTotal, [
        select(DiaryWeekTotal).join(Placement, Placement.id == DiaryWeekTotal.placement_id)
        .where(*_placement_conditions(user, f, by_year=False))]


def weekly_hours(user: User, f: Filters) -> list[tuple[date, int, int]]:
    """Minutes logged (submitted or reviewed) and approved per ISO week, oldest week first.

    With a year, the weeks of that year (a week across New Year counts that year's days);
    without, the latest weeks that have entries. Read from the diary's running totals.
    """
    t, (source,) = _week_totals(user, f)
    if f.year is not None:
        source = source.where(t.work_year == f.year)
    cells = source.subquery()
    week = cells.c.week_start
    stmt = (
        select(week, func.sum(cells.c.logged_minutes), func.sum(cells.c.approved_minutes))
        .group_by(week)
        .having(func.sum(cells.c.entries) > 0)
    )
    if f.year is not None:
        stmt = stmt.order_by(week)
    else:
        stmt = stmt.order_by(week.desc()).limit(RECENT_WEEKS)
    found = {_as_date(w): (int(logged), int(approved))
             for w, logged, approved in db.session.execute(stmt)}
    if not found:
        return []
    # Weeks without entries (holidays) are shown as zeros, so the weeks are evenly spaced.
    first, last = min(found), max(found)
    weeks = [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]
    return [(week, *found.get(week, (0, 0))) for week in weeks]


def _as_date(value: Any) -> date:
    # SQLite hands back the date expression as text, PostgreSQL as a date.
    return value if isinstance(value, date) else date.fromisoformat(str(value))


# --- what the filters may offer -----------------------------------------------------------------


@dataclass
class Choices:
    """The values each filter may take for this user."""

    years: list[int]
    colleges: list[tuple[int, str]]
    specialties: list[tuple[str, str]]
    enterprises: list[tuple[int, str]]
    enterprises_truncated: bool


def filter_choices(user: User, college_id: int | None) -> Choices:
    """Years, colleges, specialties and enterprises within the user's scope (four queries)."""
    years_union = union(
        select(GraduateOutcome.graduation_year.label("year")).where(
            scope_of(GraduateOutcome, user)),
        select(extract("year", Placement.end_date).label("year")).where(
            scope_of(Placement, user), Placement.status != PlacementStatus.DRAFT),
    ).subquery()
    years = [int(y) for y in db.session.scalars(
        select(years_union.c.year).order_by(years_union.c.year.desc())) if y is not None]
    colleges = [(i, local_name(name, kk)) for i, name, kk in db.session.execute(
        select(College.id, College.name, College.name_kk).where(scope_of(College, user))
        .order_by(College.name, College.id))]
    specialties = [(code, local_name(name, kk)) for code, name, kk in db.session.execute(
        select(Specialty.code, func.min(Specialty.name), func.max(Specialty.name_kk))
        .where(scope_of(Specialty, user)).group_by(Specialty.code).order_by(Specialty.code))]
    enterprises = [(i, local_name(name, kk)) for i, name, kk in db.session.execute(
        select(Enterprise.id, Enterprise.name, Enterprise.name_kk)
        .where(_enterprise_choice_condition(user, college_id))
        .order_by(Enterprise.name, Enterprise.id)
        .limit(ENTERPRISE_CHOICES + 1))]
    truncated = len(enterprises) > ENTERPRISE_CHOICES
    return Choices(years, colleges, specialties, enterprises[:ENTERPRISE_CHOICES], truncated)


def _enterprise_choice_condition(user: User, college_id: int | None) -> Any:
    match user.role:
        case Role.EMPLOYER:
            return Enterprise.id == user.enterprise_id
        case Role.COORDINATOR:
            return _partners_of(user.college_id)
        case Role.ADMIN:
            return _partners_of(college_id) if college_id is not None else Enterprise.id > 0
    return false()


def _partners_of(college_id: int | None) -> Any:
    return or_(
        Enterprise.id.in_(select(Partnership.enterprise_id).where(
            Partnership.college_id == college_id)),
        Enterprise.id.in_(select(Placement.enterprise_id).where(
            Placement.college_id == college_id)),
    )


def enterprise_exists(enterprise_id: int) -> bool:
    """Whether an enterprise with this id exists (for the admin's filter past the choice list)."""
    return db.session.get(Enterprise, enterprise_id) is not None
