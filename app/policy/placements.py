"""Who may do what with a dual-training agreement: each answers a refusal in words or None.

Seeing a placement is its scope (`app.scopes`); these are the actions on it.
"""

from flask_babel import gettext as _

from app.models import Placement, User
from app.policy.parties import is_college_coordinator, is_enterprise_employer


def may_manage_placements(user: User, college_id: int | None) -> str | None:
    """Why the user may not create, change, activate, complete or end the college's agreements;
    None if they may (its coordinator)."""
    if not is_college_coordinator(user, college_id):
        return _("Договорами колледжа управляет его координатор.")
    return None


def may_create_placement(user: User) -> str | None:
    """Why the user may not draw up a new agreement (of their own college); None if they may."""
    return may_manage_placements(user, user.college_id)


def may_manage_placement(user: User, placement: Placement) -> str | None:
    """Why the user may not change, activate, complete or end the agreement; None if they may."""
    return may_manage_placements(user, placement.college_id)


def may_import(user: User, college_id: int | None) -> str | None:
    """Why the user may not load the college's agreements from a spreadsheet."""
    return may_manage_placements(user, college_id)


def may_record_offer(user: User, placement: Placement) -> str | None:
    """Why the user may not record the host's job offer to the trainee; None if they may (an
    employer of the placement's enterprise)."""
    if not is_enterprise_employer(user, placement.enterprise_id):
        return _("Предложение о работе записывает только работодатель базового предприятия.")
    return None
