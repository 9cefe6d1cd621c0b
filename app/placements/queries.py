"""Scoped reads for placements: the list with its filters, form choices and the export."""

from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import aliased, contains_eager, joinedload

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
    StudentProfile,
    User,
)
from app.naming import local_name
from app.scopes import scope_of, scoped

Student = aliased(User, name="student")
Mentor = aliased(User, name="mentor")

SORTABLE = {
    "student": Student.full_name,
    "enterprise": Enterprise.name,
    "mentor": Mentor.full_name,
    "group": Group.code,
    "start": Placement.start_date,
    "end": Placement.end_date,
    "status": Placement.status,
    "number": Placement.id,
}


@dataclass(frozen=True)
class PlacementFilters:
    """What the list is narrowed to besides the search text."""

    status: PlacementStatus | None = None
    enterprise_id: int | None = None
    group_id: int | None = None

    @classmethod
    def from_args(cls, args) -> "PlacementFilters":
        status = args.get("status", "")
        return cls(
            status=PlacementStatus(status) if status in set(PlacementStatus) else None,
            enterprise_id=args.get("enterprise", type=int),
            group_id=args.get("group", type=int),
        )


def placements_for(user: User, req: ListRequest, filters: PlacementFilters) -> Select:
    """The placements a user may see, searched, filtered and sorted, with the parties loaded."""
    stmt = (
        scoped(Placement, user)
        .join(Student, Placement.student_id == Student.id)
        .join(Mentor, Placement.mentor_id == Mentor.id)
        .join(Enterprise, Placement.enterprise_id == Enterprise.id)
        .join(StudentProfile, StudentProfile.user_id == Student.id)
        .join(Group, StudentProfile.group_id == Group.id)
        .options(
            contains_eager(Placement.student.of_type(Student))
            .contains_eager(Student.student_profile)
            .contains_eager(StudentProfile.group),
            contains_eager(Placement.mentor.of_type(Mentor)),
            contains_eager(Placement.enterprise),
        )
    )
    stmt = search(stmt, req.q, Student.full_name, Mentor.full_name, Enterprise.name,
                  Enterprise.name_kk, Placement.agreement_number)
    if filters.status is not None:
        stmt = stmt.where(Placement.status == filters.status)
    if filters.enterprise_id is not None:
        stmt = stmt.where(Placement.enterprise_id == filters.enterprise_id)
    if filters.group_id is not None:
        stmt = stmt.where(StudentProfile.group_id == filters.group_id)
    return ordered(stmt, SORTABLE, req, Placement.id)


def enterprise_choices(user: User) -> list[tuple[int, str]]:
    """Enterprises to filter the list by: those the user's placements can be at."""
    stmt = select(Enterprise.id, Enterprise.name, Enterprise.name_kk).order_by(Enterprise.name)
    if user.role == Role.COORDINATOR:
        stmt = stmt.join(Partnership, Partnership.enterprise_id == Enterprise.id).where(
            Partnership.college_id == user.college_id
        )
    elif user.role != Role.ADMIN:
        stmt = stmt.where(scope_of(Enterprise, user))
    return [(row.id, local_name(row.name, row.name_kk)) for row in db.session.execute(stmt)]


def group_choices(user: User) -> list[tuple[int, str]]:
    """Groups to filter the list by (the college's own, or all for the admin)."""
    if user.role not in (Role.ADMIN, Role.COORDINATOR):
        return []
    stmt = scoped(Group, user).order_by(Group.code, Group.id)
    return [(g.id, g.code) for g in db.session.scalars(stmt)]


def student_choices(college_id: int) -> list[tuple[int, str]]:
    """The college's students for the placement form: name and group."""
    rows = db.session.execute(
        select(User.id, User.full_name, Group.code)
        .join(StudentProfile, StudentProfile.user_id == User.id)
        .join(Group, StudentProfile.group_id == Group.id)
        .where(User.college_id == college_id, User.role == Role.STUDENT)
        .order_by(User.full_name, User.id)
    )
    return [(row.id, f"{row.full_name} · {row.code}") for row in rows]


def mentor_choices(college_id: int) -> list[tuple[int, str, int]]:
    """Active mentors of the college's partner enterprises, with their enterprise (and its id,
    which the form uses to offer only that enterprise's workshops)."""
    rows = db.session.execute(
        select(User.id, User.full_name, Enterprise.name, Enterprise.name_kk,
               Enterprise.id.label("enterprise_id"))
        .join(Enterprise, User.enterprise_id == Enterprise.id)
        .join(Partnership, Partnership.enterprise_id == Enterprise.id)
        .join(MentorProfile, MentorProfile.user_id == User.id)
        .where(Partnership.college_id == college_id, User.role == Role.MENTOR, User.active)
        .order_by(Enterprise.name, User.full_name, User.id)
    )
    return [(row.id, f"{row.full_name} · {local_name(row.name, row.name_kk)}", row.enterprise_id)
            for row in rows]


def department_choices(college_id: int, mentor_id: int | None = None
                       ) -> list[tuple[int, str, str, int]]:
    """Workshops as (id, name, enterprise, enterprise id): of the mentor's enterprise when a
    mentor is chosen, else of every partner enterprise of the college (grouped by enterprise,
    and narrowed in the browser to the mentor's once one is chosen)."""
    stmt = (
        select(Department.id, Department.name, Department.name_kk,
               Enterprise.name.label("enterprise"), Enterprise.name_kk.label("enterprise_kk"),
               Enterprise.id.label("enterprise_id"))
        .join(Enterprise, Department.enterprise_id == Enterprise.id)
        .join(Partnership, Partnership.enterprise_id == Enterprise.id)
        .where(Partnership.college_id == college_id)
        .order_by(Enterprise.name, Department.name)
    )
    if mentor_id is not None:
        stmt = stmt.where(Enterprise.id == select(User.enterprise_id).where(
            User.id == mentor_id, User.role == Role.MENTOR).scalar_subquery())
    return [(row.id, local_name(row.name, row.name_kk),
             local_name(row.enterprise, row.enterprise_kk), row.enterprise_id)
            for row in db.session.execute(stmt)]


def placement_page(placement_id: int, user: User) -> Placement | None:
    """One placement in scope with everything its page shows, in one query."""
    return db.session.scalar(
        scoped(Placement, user)
        .where(Placement.id == placement_id)
        .options(
            joinedload(Placement.student).joinedload(User.student_profile)
            .joinedload(StudentProfile.group),
            joinedload(Placement.mentor),
            joinedload(Placement.enterprise),
            joinedload(Placement.department),
            joinedload(Placement.college),
            joinedload(Placement.sent_by),
            joinedload(Placement.answered_by),
        )
    )
