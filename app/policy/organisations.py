"""Who may change a college's and an enterprise's records: each answers a refusal in words or
None. Seeing them is their scope (`app.scopes`)."""

from flask_babel import gettext as _

from app.models import College, Enterprise, Group, Role, Specialty, User
from app.policy.parties import is_admin, is_college_coordinator


def may_edit_college(user: User, college: College) -> str | None:
    """Why the user may not change the college's details; None if they may (the admin)."""
    if not is_admin(user):
        return _("Сведения колледжа меняет управление образования.")
    return None


def may_keep_catalogue(user: User, college_id: int | None) -> str | None:
    """Why the user may not add or change the college's groups and specialties; None if they
    may (its coordinator)."""
    if not is_college_coordinator(user, college_id):
        return _("Группы и специальности колледжа ведёт его координатор.")
    return None


def may_add_to_catalogue(user: User) -> str | None:
    """Why the user may not add a group or a specialty (to their own college)."""
    return may_keep_catalogue(user, user.college_id)


def may_edit_group(user: User, group: Group) -> str | None:
    return may_keep_catalogue(user, group.college_id)


def may_edit_specialty(user: User, specialty: Specialty) -> str | None:
    return may_keep_catalogue(user, specialty.college_id)


def may_add_partner(user: User, enterprise: Enterprise | None = None) -> str | None:
    """Why the user may not find an enterprise of the region and add it as the college's
    partner; None if they may (a coordinator)."""
    if user.role != Role.COORDINATOR or user.college_id is None:
        return _("В партнёры предприятие добавляет координатор колледжа.")
    return None
