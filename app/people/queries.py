"""Scoped lists of students and mentors, with their search, filters and sort keys."""

from sqlalchemy import Select, func, select
from sqlalchemy.orm import contains_eager

from app.extensions import db
from app.listing import ListRequest, ordered, search
from app.models import (
    Department,
    Enterprise,
    Group,
    MentorProfile,
    Partnership,
    Placement,
    PlacementStatus,
    Role,
    Specialty,
    StudentProfile,
    User,
)
from app.scopes import scope_of

STUDENT_SORTS = {
    "name": User.full_name,
    "group": Group.code,
    "birth_date": StudentProfile.birth_date,
}

MENTOR_SORTS = {
    "name": User.full_name,
    "enterprise": Enterprise.name,
    "position": MentorProfile.position,
    "cap": MentorProfile.trainee_cap,
}


def student_list(user: User, req: ListRequest, group_id: int | None = None,
                 access: str = "") -> Select:
    """Students the user may see, with profile, group and specialty loaded in the same query."""
    stmt = (
        select(User)
        .join(StudentProfile, StudentProfile.user_id == User.id)
        .join(Group, Group.id == StudentProfile.group_id)
        .join(Specialty, Specialty.id == Group.specialty_id)
        .where(User.role == Role.STUDENT, scope_of(User, user))
        .options(contains_eager(User.student_profile).contains_eager(StudentProfile.group)
                 .contains_eager(Group.specialty))
    )
    if group_id:
        stmt = stmt.where(StudentProfile.group_id == group_id)
    if access == "none":
        stmt = stmt.where(User.password_hash.is_(None))
    elif access == "active":
        stmt = stmt.where(User.password_hash.is_not(None))
    stmt = search(stmt, req.q, User.full_name, StudentProfile.iin, User.email, User.phone)
    return ordered(stmt, STUDENT_SORTS, req, User.id)


def mentor_list(user: User, req: ListRequest, enterprise_id: int | None = None) -> Select:
    """Mentors the user may see: a college's partners' foremen, an enterprise's own."""
    stmt = (
        select(User)
        .join(Enterprise, Enterprise.id == User.enterprise_id)
        .outerjoin(MentorProfile, MentorProfile.user_id == User.id)
        .outerjoin(Department, Department.id == MentorProfile.department_id)
        .where(User.role == Role.MENTOR, scope_of(User, user))
        .options(contains_eager(User.enterprise),
                 contains_eager(User.mentor_profile).contains_eager(MentorProfile.department))
    )
    if enterprise_id:
        stmt = stmt.where(User.enterprise_id == enterprise_id)
    stmt = search(stmt, req.q, User.full_name, User.email, User.phone, MentorProfile.position,
                  Enterprise.name, Enterprise.name_kk)
    return ordered(stmt, MENTOR_SORTS, req, User.id)


def active_trainees(mentor_ids: list[int]) -> dict[int, int]:
    """Active placements per mentor, in one query."""
    if not mentor_ids:
        return {}
    rows = db.session.execute(
        select(Placement.mentor_id, func.count())
        .where(Placement.mentor_id.in_(mentor_ids), Placement.status == PlacementStatus.ACTIVE)
        .group_by(Placement.mentor_id))
    return dict(rows.all())


def mentor_enterprises(user: User) -> list[Enterprise]:
    """Enterprises whose mentors the user may register or filter by."""
    stmt = select(Enterprise).where(scope_of(Enterprise, user)).order_by(Enterprise.name)
    if user.role == Role.COORDINATOR:
        stmt = stmt.join(Partnership, Partnership.enterprise_id == Enterprise.id).where(
            Partnership.college_id == user.college_id)
    return list(db.session.scalars(stmt.limit(500)))


def departments_by_enterprise(enterprise_ids: list[int]) -> list[Department]:
    if not enterprise_ids:
        return []
    return list(db.session.scalars(
        select(Department).where(Department.enterprise_id.in_(enterprise_ids))
        .options(contains_eager(Department.enterprise))
        .join(Enterprise, Enterprise.id == Department.enterprise_id)
        .order_by(Enterprise.name, Department.name)))


def trainees_of(mentor: User, viewer: User) -> list[Placement]:
    """The mentor's placements that the viewer may see (a coordinator: own college's only)."""
    return list(db.session.scalars(
        select(Placement).where(Placement.mentor_id == mentor.id, scope_of(Placement, viewer))
        .join(User, User.id == Placement.student_id)
        .options(contains_eager(Placement.student))
        .order_by(Placement.start_date.desc())))


def students_of_group(group: Group, limit: int = 500) -> list[User]:
    return list(db.session.scalars(
        select(User).join(StudentProfile, StudentProfile.user_id == User.id)
        .where(StudentProfile.group_id == group.id, User.role == Role.STUDENT)
        .order_by(User.full_name, User.id).limit(limit)))
