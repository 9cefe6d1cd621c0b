"""Authentication plumbing and authorization, written once and used by every view.

Two ideas: a role check (`roles_required`) and object scoping (`scope_of`), which gives the SQL
condition for the objects a user may see. Lists are filtered by it in SQL; a single object is
loaded through `get_scoped_or_404`, so an object outside the scope answers 404 and reveals nothing.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import ColumnElement, Select, and_, false, or_, select, true

from app import clock
from app.extensions import db, login_manager
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

_hasher = PasswordHasher()
# Verified against when the e-mail is unknown, so both failures take the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password")

M = TypeVar("M")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(user: User | None, password: str) -> bool:
    """Check a password in constant-ish time, whether or not the user exists."""
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    try:
        ok = _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False
    return ok and user is not None and user.password_hash is not None


def is_safe_next(target: str | None) -> bool:
    """Only paths of our own site: no scheme, no host, no protocol-relative or backslash tricks."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(c) < 32 for c in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Войдите, чтобы открыть эту страницу.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Load the user only if the session's version is still the user's current one."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or user.session_version != int(version):
        return None
    return user


def end_all_sessions(user: User) -> None:
    """Invalidate every session and remember-cookie of the user (logout, password change)."""
    user.session_version += 1


def roles_required(*roles: Role) -> Callable:
    """Let in only signed-in users with one of the roles; others get 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


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
    shown = Assessment.submitted_at.is_not(None)
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


def scoped(model: type[M], user: User) -> Select[tuple[M]]:
    """A select of the objects of `model` that `user` may see, to filter and page further."""
    return select(model).where(scope_of(model, user))


def get_scoped_or_404(model: type[M], object_id: int, user: User | None = None) -> M:
    """Load one object within the user's scope; outside it the answer is 404, not its data."""
    user = user or current_user
    found = db.session.scalar(
        select(model).where(model.id == object_id, scope_of(model, user))  # type: ignore[attr-defined]
    )
    if found is None:
        abort(404)
    return found


# --- whose college it is -------------------------------------------------------------------------

def is_college_coordinator(user: User, college_id: int | None) -> bool:
    """Whether the user is a coordinator of this college (the one test every college action's
    predicate starts from)."""
    return (user.role == Role.COORDINATOR and college_id is not None
            and user.college_id == college_id)


# --- whose account an actor manages --------------------------------------------------------------
# Two actions, two rules: inviting prepares an organisation's people (a coordinator invites a
# partner enterprise's HR until it is on board; HR invites its foremen), managing access (block,
# unblock, contacts, a reset link) belongs to whoever runs those people day to day.

def manages_invitation_of(actor: User, person: User) -> bool:
    """Whose invitations the actor manages at all: the admin anyone but admins, a coordinator
    the college's students and the partner enterprises' staff, an employer their mentors."""
    if person.role == Role.ADMIN or person.id == actor.id:
        return False
    match actor.role:
        case Role.ADMIN:
            return True
        case Role.COORDINATOR:
            if person.role == Role.STUDENT:
                return person.college_id == actor.college_id
            if person.role in (Role.MENTOR, Role.EMPLOYER):
                return can_see_enterprise_staff(actor, person.enterprise)
        case Role.EMPLOYER:
            return person.role == Role.MENTOR and person.enterprise_id == actor.enterprise_id
    return False


def manages_access_of(actor: User, person: User) -> bool:
    """Whose access the actor manages at all: the admin anyone but admins, a coordinator the
    college's students and partner enterprises' mentors, an employer the enterprise's staff."""
    if person.role == Role.ADMIN or person.id == actor.id:
        return False
    match actor.role:
        case Role.ADMIN:
            return True
        case Role.COORDINATOR:
            if person.role == Role.STUDENT:
                return person.college_id == actor.college_id
            if person.role == Role.MENTOR:
                return can_see_enterprise_staff(actor, person.enterprise)
        case Role.EMPLOYER:
            return (person.role in (Role.MENTOR, Role.EMPLOYER)
                    and person.enterprise_id == actor.enterprise_id)
    return False


# --- who may manage an enterprise's data and staff ----------------------------------------------
# An employer sees every college's trainees at the enterprise, so the enterprise's staff and data
# belong to the enterprise once its HR has signed in; a coordinator only prepares them until then.

def _is_partner(college_id: int | None, enterprise_id: int | None) -> bool:
    from app.models import Partnership

    if college_id is None or enterprise_id is None:
        return False
    return db.session.get(Partnership, (college_id, enterprise_id)) is not None


def has_active_employer(enterprise_id: int) -> bool:
    """Whether an employer of the enterprise has already set a password (HR is on board)."""
    return db.session.scalar(select(User.id).where(
        User.enterprise_id == enterprise_id, User.role == Role.EMPLOYER,
        User.password_hash.is_not(None)).limit(1)) is not None


def _other_college_placement(column: Any, value: int, college_id: int | None) -> bool:
    return db.session.scalar(select(Placement.id).where(
        column == value, Placement.college_id != college_id).limit(1)) is not None


def can_edit_enterprise(user: User, enterprise: Enterprise) -> bool:
    """Master data (name, capacity, contacts, departments): the admin, the enterprise's employer,
    or a partner college's coordinator while no employer of the enterprise has a password."""
    match user.role:
        case Role.ADMIN:
            return True
        case Role.EMPLOYER:
            return user.enterprise_id == enterprise.id
        case Role.COORDINATOR:
            return (_is_partner(user.college_id, enterprise.id)
                    and not has_active_employer(enterprise.id))
    return False


def can_see_enterprise_staff(user: User, enterprise: Enterprise) -> bool:
    """Who sees an enterprise's employers and mentors: admin, its employer, partner colleges."""
    match user.role:
        case Role.ADMIN:
            return True
        case Role.EMPLOYER:
            return user.enterprise_id == enterprise.id
        case Role.COORDINATOR:
            return _is_partner(user.college_id, enterprise.id)
    return False


def employer_refusal(user: User, enterprise: Enterprise) -> str | None:
    """Why the user may not register or invite an employer of the enterprise; None if they may."""
    from flask_babel import gettext as _

    if not can_see_enterprise_staff(user, enterprise):
        return _("Выберите предприятие-партнёр своего колледжа.")
    if user.role != Role.COORDINATOR:
        return None
    if has_active_employer(enterprise.id):
        return _("У предприятия уже есть представитель с доступом: новых представителей "
                 "добавляет и приглашает он или управление образования.")
    if _other_college_placement(Placement.enterprise_id, enterprise.id, user.college_id):
        return _("Представитель предприятия видит практикантов всех колледжей, а на этом "
                 "предприятии проходят практику студенты других колледжей: представителя "
                 "добавляет управление образования.")
    return None


def mentor_refusal(user: User, mentor: User) -> str | None:
    """Why the user may not change or invite the mentor; None if they may."""
    from flask_babel import gettext as _

    if not can_see_enterprise_staff(user, mentor.enterprise):
        return _("Выберите предприятие-партнёр своего колледжа.")
    if user.role == Role.COORDINATOR and _other_college_placement(
            Placement.mentor_id, mentor.id, user.college_id):
        return _("У наставника есть практиканты других колледжей: его данные и доступ меняет "
                 "представитель предприятия или управление образования.")
    return None


def staff_refusal(user: User, person: User) -> str | None:
    """Why the user may not manage this employer or mentor account; None if they may."""
    if person.role == Role.EMPLOYER:
        return employer_refusal(user, person.enterprise)
    if person.role == Role.MENTOR:
        return mentor_refusal(user, person)
    return None
