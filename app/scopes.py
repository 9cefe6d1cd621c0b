"""Object scoping, written once: what a user may read.

`scope_of` gives the SQL condition for the objects a user may see. Lists are filtered by it in
SQL; a single object is loaded through `get_scoped_or_404`, so an object outside the scope answers
404 and reveals nothing. What a user may *do* with what they see is `app.policy`.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user
from sqlalchemy import ColumnElement, Select, and_, false, or_, select, true

from app import clock
from app.extensions import db
from app.models import (
    Assessment,
    AuditEvent,
    College,
    DeputyAssignment,
    DiaryEntry,
    Enterprise,
    EntryAttachment,
    GraduateOutcome,
    Group,
    Notification,
    Placement,
    Role,
    Specialty,
    User,
    WeekComment,
)

M = TypeVar("M")


def _placements_of(user: User) -> ColumnElement[bool]:
    match user.role:
        case Role.ADMIN:
            return true()
        case Role.COORDINATOR:
            return Placement.college_id == user.college_id
        case Role.EMPLOYER:
            return Placement.enterprise_id == user.enterprise_id
        case Role.MENTOR:
            # A deputy sees the covered foreman's trainees of their own enterprise while the
            # range lasts, by the clock: access ends by itself on the day after it.
            return (Placement.mentor_id == user.id) | (
                Placement.mentor_id.in_(covered_mentor_ids(user))
                & (Placement.enterprise_id == user.enterprise_id))
        case Role.STUDENT:
            return Placement.student_id == user.id
    return false()


def covered_mentor_ids(deputy: User) -> Select:
    """The foremen the user stands in for today (a select of their ids)."""
    today = clock.today()
    return select(DeputyAssignment.mentor_id).where(
        DeputyAssignment.deputy_id == deputy.id, DeputyAssignment.starts_on <= today,
        DeputyAssignment.ends_on >= today)


def _visible_placement_ids(user: User) -> Select:
    return select(Placement.id).where(_placements_of(user))


def _diary_entries_of(user: User) -> ColumnElement[bool]:
    if user.role == Role.ADMIN:
        return true()
    return DiaryEntry.placement_id.in_(_visible_placement_ids(user))


def _attachments_of(user: User) -> ColumnElement[bool]:
    """A diary entry's files are seen by exactly those who see the entry."""
    if user.role == Role.ADMIN:
        return true()
    return EntryAttachment.entry_id.in_(
        select(DiaryEntry.id).where(_diary_entries_of(user)))


def _assessments_of(user: User) -> ColumnElement[bool]:
    """A draft is its mentor's working copy: everyone else sees an assessment once submitted
    (the admin too), and only of the placements they see."""
    shown: ColumnElement[bool] = Assessment.submitted_at.is_not(None)
    if user.role == Role.MENTOR:
        shown = or_(shown, Assessment.placement_id.in_(
            select(Placement.id).where(Placement.mentor_id == user.id)))
    if user.role == Role.ADMIN:
        return shown
    return and_(Assessment.placement_id.in_(_visible_placement_ids(user)), shown)


def _users_of(user: User) -> ColumnElement[bool]:
    """People a user may see: a college's own people, an enterprise's own staff, trainees."""
    match user.role:
        case Role.ADMIN:
            return true()
        case Role.COORDINATOR:
            mentors_of_college = select(Placement.mentor_id).where(
                Placement.college_id == user.college_id
            )
            return (
                (User.college_id == user.college_id)
                | User.id.in_(mentors_of_college)
                | ((User.role.in_([Role.MENTOR, Role.EMPLOYER])) & User.enterprise_id.in_(
                    _partner_enterprise_ids(user)
                ))
            )
        case Role.EMPLOYER:
            trainees = select(Placement.student_id).where(
                Placement.enterprise_id == user.enterprise_id
            )
            return (User.enterprise_id == user.enterprise_id) | User.id.in_(trainees)
        case Role.MENTOR:
            trainees = select(Placement.student_id).where(_placements_of(user))
            return (User.id == user.id) | User.id.in_(trainees)
        case Role.STUDENT:
            return User.id == user.id
    return false()


def _partner_enterprise_ids(user: User) -> Select:
    from app.models import Partnership

    return select(Partnership.enterprise_id).where(Partnership.college_id == user.college_id)


def _enterprises_of(user: User) -> ColumnElement[bool]:
    # Enterprises are regional: every coordinator may find any of them to partner with.
    match user.role:
        case Role.ADMIN | Role.COORDINATOR:
            return true()
        case Role.EMPLOYER | Role.MENTOR:
            return Enterprise.id == user.enterprise_id
        case Role.STUDENT:
            return Enterprise.id.in_(
                select(Placement.enterprise_id).where(Placement.student_id == user.id)
            )
    return false()


def _colleges_of(user: User) -> ColumnElement[bool]:
    match user.role:
        case Role.ADMIN:
            return true()
        case Role.COORDINATOR | Role.STUDENT:
            return College.id == user.college_id
        case Role.EMPLOYER | Role.MENTOR:
            return College.id.in_(select(Placement.college_id).where(_placements_of(user)))
    return false()


def _college_owned(column: Any) -> Callable[[User], ColumnElement[bool]]:
    def condition(user: User) -> ColumnElement[bool]:
        if user.role == Role.ADMIN:
            return true()
        if user.role in (Role.COORDINATOR, Role.STUDENT):
            return column == user.college_id
        return column.in_(select(Placement.college_id).where(_placements_of(user)))

    return condition


def _outcomes_of(user: User) -> ColumnElement[bool]:
    match user.role:
        case Role.ADMIN:
            return true()
        case Role.COORDINATOR:
            return GraduateOutcome.college_id == user.college_id
        case Role.EMPLOYER:
            return GraduateOutcome.host_enterprise_id == user.enterprise_id
        case Role.MENTOR:
            return GraduateOutcome.placement_id.in_(_visible_placement_ids(user))
        case Role.STUDENT:
            return GraduateOutcome.student_id == user.id
    return false()


def _audit_events_of(user: User) -> ColumnElement[bool]:
    """The trail is read by the region's admin (all of it) and a college's coordinators."""
    if user.role == Role.ADMIN:
        return true()
    if user.role == Role.COORDINATOR:
        return AuditEvent.college_id == user.college_id
    return false()


def _notifications_of(user: User) -> ColumnElement[bool]:
    return Notification.user_id == user.id


def _week_comments_of(user: User) -> ColumnElement[bool]:
    if user.role == Role.ADMIN:
        return true()
    return WeekComment.placement_id.in_(_visible_placement_ids(user))


def _deputy_assignments_of(user: User) -> ColumnElement[bool]:
    """The admin all; an employer those of the enterprise's foremen; a mentor their own
    (named for them, or them named as deputy)."""
    match user.role:
        case Role.ADMIN:
            return true()
        case Role.EMPLOYER:
            return DeputyAssignment.mentor_id.in_(select(User.id).where(
                User.enterprise_id == user.enterprise_id, User.role == Role.MENTOR))
        case Role.MENTOR:
            return (DeputyAssignment.mentor_id == user.id) | (
                DeputyAssignment.deputy_id == user.id)
    return false()


_SCOPES: dict[type, Callable[[User], ColumnElement[bool]]] = {
    Placement: _placements_of,
    DiaryEntry: _diary_entries_of,
    EntryAttachment: _attachments_of,
    Assessment: _assessments_of,
    User: _users_of,
    Enterprise: _enterprises_of,
    College: _colleges_of,
    Specialty: _college_owned(Specialty.college_id),
    Group: _college_owned(Group.college_id),
    GraduateOutcome: _outcomes_of,
    Notification: _notifications_of,
    AuditEvent: _audit_events_of,
    WeekComment: _week_comments_of,
    DeputyAssignment: _deputy_assignments_of,
}


def scope_of(model: type, user: User) -> ColumnElement[bool]:
    """The SQL condition selecting the objects of `model` that `user` may see."""
    try:
        return _SCOPES[model](user)
    except KeyError:
        raise LookupError(f"no scope is defined for {model.__name__}") from None


def scoped(model: type[M], user: User) -> Select[M]:
    """A select of the objects of `model` that `user` may see, to filter and page further."""
    return select(model).where(scope_of(model, user))


def get_scoped_or_404(model: type[M], object_id: int, user: User | None = None) -> M:
    """Load one object within the user's scope; outside it the answer is 404, not its data."""
    user = user or current_user
    found: M | None = db.session.scalars(
        scoped(model, user).where(model.id == object_id)  # type: ignore[attr-defined]
    ).first()
    if found is None:
        abort(404)
    return found
