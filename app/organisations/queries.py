"""Scoped reads of colleges, specialties, groups and enterprises."""

from sqlalchemy import Select, func, select
from sqlalchemy.orm import contains_eager

from app.extensions import db
from app.listing import ListRequest, ordered, search
from app.models import (
    College,
    Department,
    Enterprise,
    Group,
    Partnership,
    Role,
    Specialty,
    StudentProfile,
    User,
)
from app.scopes import scope_of

ENTERPRISE_SORTS = {
    "name": Enterprise.name,
    "bin": Enterprise.bin,
    "city": Enterprise.city,
    "industry": Enterprise.industry,
    "capacity": Enterprise.intake_capacity,
}


def is_partner(college_id: int | None, enterprise_id: int) -> bool:
    if college_id is None:
        return False
    return db.session.get(Partnership, (college_id, enterprise_id)) is not None


def enterprise_list(user: User, req: ListRequest, city: str = "") -> Select:
    """The enterprises a user works with: a coordinator's partners, the whole region for admin."""
    stmt = select(Enterprise).where(scope_of(Enterprise, user))
    if user.role == Role.COORDINATOR:
        stmt = stmt.where(Enterprise.id.in_(
            select(Partnership.enterprise_id).where(Partnership.college_id == user.college_id)))
    if city:
        stmt = stmt.where(Enterprise.city == city)
    stmt = search(stmt, req.q, Enterprise.name, Enterprise.name_kk, Enterprise.bin,
                  Enterprise.industry)
    return ordered(stmt, ENTERPRISE_SORTS, req, Enterprise.id)


def enterprise_cities(user: User) -> list[str]:
    return list(db.session.scalars(
        select(Enterprise.city).where(scope_of(Enterprise, user)).distinct()
        .order_by(Enterprise.city)))


def mentor_counts(enterprise_ids: list[int]) -> dict[int, int]:
    """Mentors per enterprise, in one query."""
    if not enterprise_ids:
        return {}
    rows = db.session.execute(
        select(User.enterprise_id, func.count())
        .where(User.role == Role.MENTOR, User.enterprise_id.in_(enterprise_ids))
        .group_by(User.enterprise_id))
    # The filter already leaves out mentors without an enterprise (a column that may be NULL).
    return {enterprise_id: n for enterprise_id, n in rows if enterprise_id is not None}


def find_enterprises(text: str, limit: int = 20) -> list[Enterprise]:
    """Regional search by name or BIN, so a college links an existing enterprise."""
    if len(text) < 2:
        return []
    stmt = search(select(Enterprise), text, Enterprise.name, Enterprise.name_kk, Enterprise.bin)
    return list(db.session.scalars(stmt.order_by(Enterprise.name, Enterprise.id).limit(limit)))


def partner_ids(college_id: int | None) -> set[int]:
    if college_id is None:
        return set()
    return set(db.session.scalars(
        select(Partnership.enterprise_id).where(Partnership.college_id == college_id)))


def partner_colleges(enterprise: Enterprise) -> list[College]:
    return list(db.session.scalars(
        select(College).join(Partnership, Partnership.college_id == College.id)
        .where(Partnership.enterprise_id == enterprise.id).order_by(College.name)))


def staff_of(enterprise: Enterprise, role: Role) -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.enterprise_id == enterprise.id, User.role == role)
        .order_by(User.full_name, User.id)))


def departments_of(enterprise_id: int) -> list[Department]:
    return list(db.session.scalars(
        select(Department).where(Department.enterprise_id == enterprise_id)
        .order_by(Department.name)))


def specialties_of(college_id: int) -> list[Specialty]:
    return list(db.session.scalars(
        select(Specialty).where(Specialty.college_id == college_id)
        .order_by(Specialty.code, Specialty.id)))


def groups_of(college_id: int) -> list[tuple[Group, int]]:
    """The college's groups with their specialty and number of students (one query)."""
    students = (select(func.count()).where(StudentProfile.group_id == Group.id)
                .correlate(Group).scalar_subquery())
    stmt = (select(Group, students).join(Group.specialty)
            .where(Group.college_id == college_id)
            .order_by(Group.intake_year.desc(), Group.code))
    return list(db.session.execute(stmt.options(contains_eager(Group.specialty))))


def college_list(user: User) -> list[tuple[College, int, int]]:
    """Colleges with their numbers of students and coordinators (one query)."""
    students = (select(func.count()).where(User.college_id == College.id,
                                           User.role == Role.STUDENT)
                .correlate(College).scalar_subquery())
    coordinators = (select(func.count()).where(User.college_id == College.id,
                                               User.role == Role.COORDINATOR)
                    .correlate(College).scalar_subquery())
    stmt = (select(College, students, coordinators).where(scope_of(College, user))
            .order_by(College.name, College.id))
    return list(db.session.execute(stmt))


def coordinators_of(college: College) -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.college_id == college.id, User.role == Role.COORDINATOR)
        .order_by(User.full_name)))
