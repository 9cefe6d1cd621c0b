"""What an object page links to besides itself: a placement's assessments and outcome, a
student's placements — each read in one scoped query, so the pages' query counts stay fixed."""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Assessment, GraduateOutcome, Placement, Role, User
from app.scopes import scope_of

# Who may open which page (the views check it again; these only decide whether to link).
MAY_OPEN = {
    "student": {Role.COORDINATOR, Role.ADMIN},
    "mentor": {Role.COORDINATOR, Role.ADMIN, Role.EMPLOYER},
    "enterprise": {Role.COORDINATOR, Role.ADMIN, Role.EMPLOYER},
    "outcome": {Role.COORDINATOR, Role.ADMIN, Role.EMPLOYER},
    "placements": {Role.COORDINATOR, Role.ADMIN, Role.EMPLOYER, Role.MENTOR},
    "enterprises": {Role.COORDINATOR, Role.ADMIN},
    "review_queue": {Role.MENTOR},
    "progress": {Role.COORDINATOR, Role.ADMIN, Role.MENTOR},
    "hires": {Role.EMPLOYER},
    "schedule_share": {Role.COORDINATOR, Role.ADMIN},
}


def may_open(user: User, page: str) -> bool:
    """Whether to link `page` (a key of MAY_OPEN) for this user's role."""
    return user.role in MAY_OPEN[page]


@dataclass
class Related:
    placements: list[Placement] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)
    outcome: GraduateOutcome | None = None


def _outcome_of_student(user: User, student_id: int) -> GraduateOutcome | None:
    return db.session.scalar(
        select(GraduateOutcome).where(scope_of(GraduateOutcome, user),
                                      GraduateOutcome.student_id == student_id).limit(1)
    )


def of_placement(user: User, placement: Placement) -> Related:
    """The placement's assessments and its trainee's outcome, within the user's scope."""
    assessments = list(db.session.scalars(
        select(Assessment).where(scope_of(Assessment, user),
                                 Assessment.placement_id == placement.id)
        .order_by(Assessment.kind)
    ))
    return Related(assessments=assessments,
                   outcome=_outcome_of_student(user, placement.student_id))


def of_student(user: User, student: User) -> Related:
    """The student's placements (newest first) and outcome, within the user's scope."""
    placements = list(db.session.scalars(
        select(Placement).where(scope_of(Placement, user), Placement.student_id == student.id)
        .options(joinedload(Placement.enterprise))
        .order_by(Placement.start_date.desc(), Placement.id.desc())
    ))
    return Related(placements=placements, outcome=_outcome_of_student(user, student.id))
