"""Scoped reads of the ledger: filtered pages, exports, the due list and the filter choices."""

from dataclasses import dataclass
from datetime import date

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload

from app.extensions import db
from app.listing import ListRequest, ordered, paginate, search
from app.models import (
    GraduateOutcome,
    Group,
    OutcomeKind,
    RetentionCheck,
    Role,
    Specialty,
    StudentProfile,
    User,
)
from app.naming import local_name
from app.outcomes.dates import hired_by_for_due
from app.outcomes.services import EMPLOYED
from app.scopes import scope_of

SORTABLE = {
    "student": User.full_name,
    "year": GraduateOutcome.graduation_year,
    "outcome": GraduateOutcome.outcome,
    "date": GraduateOutcome.outcome_date,
    "offer": GraduateOutcome.offer_status,
}


@dataclass(frozen=True)
class LedgerFilters:
    """The ledger's filters, already checked: anything unreadable is simply no filter."""

    year: int | None = None
    # By classifier code: every college has its own row of the same specialty.
    specialty_code: str | None = None
    outcome: OutcomeKind | None = None

    @classmethod
    def from_args(cls, args) -> "LedgerFilters":
        year = args.get("year", type=int)
        specialty_code = (args.get("specialty") or "").strip()[:20] or None
        try:
            outcome = OutcomeKind(args.get("outcome", ""))
        except ValueError:
            outcome = None
        return cls(year if year and 1990 <= year <= 2100 else None, specialty_code, outcome)

    def conditions(self) -> list[ColumnElement[bool]]:
        found = []
        if self.year:
            found.append(GraduateOutcome.graduation_year == self.year)
        if self.specialty_code:
            found.append(GraduateOutcome.specialty_id.in_(
                select(Specialty.id).where(Specialty.code == self.specialty_code)))
        if self.outcome:
            found.append(GraduateOutcome.outcome == self.outcome)
        return found


def _ledger(user: User, filters: LedgerFilters, q: str) -> Select:
    stmt = (
        select(GraduateOutcome)
        .join(User, GraduateOutcome.student_id == User.id)
        .where(scope_of(GraduateOutcome, user), *filters.conditions())
        .options(
            contains_eager(GraduateOutcome.student),
            joinedload(GraduateOutcome.specialty),
            joinedload(GraduateOutcome.college),
            joinedload(GraduateOutcome.host_enterprise),
        )
    )
    return search(stmt, q, User.full_name, GraduateOutcome.employer_name)


def ledger_page(user: User, filters: LedgerFilters, req: ListRequest) -> Pagination:
    """One page of the ledger with the retention checks of its rows (three queries)."""
    stmt = ordered(_ledger(user, filters, req.q), SORTABLE, req, GraduateOutcome.id)
    stmt = stmt.options(selectinload(GraduateOutcome.retention_checks))
    return paginate(stmt, req)


def ledger_rows(user: User, filters: LedgerFilters, q: str) -> list[GraduateOutcome]:
    """Every ledger row under the filters, for an export (two queries)."""
    stmt = _ledger(user, filters, q).options(selectinload(GraduateOutcome.retention_checks))
    return list(db.session.scalars(stmt.order_by(GraduateOutcome.graduation_year.desc(),
                                                 User.full_name, GraduateOutcome.id)))


def filter_choices(user: User) -> dict:
    """The years and specialties present in the user's part of the ledger (two queries)."""
    scope = scope_of(GraduateOutcome, user)
    years = list(db.session.scalars(
        select(GraduateOutcome.graduation_year).where(scope).distinct()
        .order_by(GraduateOutcome.graduation_year.desc())
    ))
    # One choice per classifier code, however many colleges teach the specialty.
    specialties = [
        SpecialtyChoice(code, local_name(name, name_kk)) for code, name, name_kk in
        db.session.execute(
            select(Specialty.code, func.min(Specialty.name), func.max(Specialty.name_kk))
            .where(Specialty.id.in_(
                select(GraduateOutcome.specialty_id).where(scope)))
            .group_by(Specialty.code).order_by(Specialty.code)
        )
    ]
    return {"years": years, "specialties": specialties}


@dataclass(frozen=True)
class SpecialtyChoice:
    code: str
    name: str


def _has_check(months: int) -> ColumnElement[bool]:
    return exists().where(RetentionCheck.outcome_id == GraduateOutcome.id,
                          RetentionCheck.months == months)


@dataclass
class DueCheck:
    outcome: GraduateOutcome
    months: tuple[int, ...]


def due_checks(user: User, today: date, req: ListRequest) -> tuple[Pagination, list[DueCheck]]:
    """Employed graduates whose 6- or 12-month check date has passed with no check recorded."""
    due6 = and_(GraduateOutcome.outcome_date <= hired_by_for_due(today, 6), ~_has_check(6))
    due12 = and_(GraduateOutcome.outcome_date <= hired_by_for_due(today, 12), ~_has_check(12))
    stmt = (
        select(GraduateOutcome)
        .join(User, GraduateOutcome.student_id == User.id)
        .where(
            scope_of(GraduateOutcome, user),
            GraduateOutcome.outcome.in_(EMPLOYED),
            GraduateOutcome.outcome_date.is_not(None),
            or_(due6, due12),
        )
        .options(contains_eager(GraduateOutcome.student),
                 joinedload(GraduateOutcome.specialty),
                 selectinload(GraduateOutcome.retention_checks))
        .order_by(GraduateOutcome.outcome_date, GraduateOutcome.id)
    )
    pager = paginate(search(stmt, req.q, User.full_name), req)
    rows = []
    for outcome in pager.items:
        done = {c.months for c in outcome.retention_checks}
        months = tuple(m for m in (6, 12)
                       if m not in done and outcome.outcome_date <= hired_by_for_due(today, m))
        rows.append(DueCheck(outcome, months))
    return pager, rows


def due_count(user: User, today: date) -> int:
    """How many graduates wait for a retention check (one query)."""
    due6 = and_(GraduateOutcome.outcome_date <= hired_by_for_due(today, 6), ~_has_check(6))
    due12 = and_(GraduateOutcome.outcome_date <= hired_by_for_due(today, 12), ~_has_check(12))
    return db.session.scalar(
        select(func.count()).select_from(GraduateOutcome).where(
            scope_of(GraduateOutcome, user), GraduateOutcome.outcome.in_(EMPLOYED),
            GraduateOutcome.outcome_date.is_not(None), or_(due6, due12))
    ) or 0


def graduates_without_record(user: User, req: ListRequest) -> Pagination:
    """The coordinator's students with no ledger record yet, graduating years first."""
    if user.role != Role.COORDINATOR:
        return paginate(select(User).where(User.id.is_(None)), req)
    group = aliased(Group)
    stmt = (
        select(User)
        .join(StudentProfile, StudentProfile.user_id == User.id)
        .join(group, StudentProfile.group_id == group.id)
        .where(
            scope_of(User, user),
            User.role == Role.STUDENT,
            User.college_id == user.college_id,
            ~exists().where(GraduateOutcome.student_id == User.id),
        )
        .options(contains_eager(User.student_profile)
                 .contains_eager(StudentProfile.group.of_type(group)))
        .order_by(StudentProfile.graduation_year.desc().nulls_last(), User.full_name, User.id)
    )
    return paginate(search(stmt, req.q, User.full_name, group.code), req)
