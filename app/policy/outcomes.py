"""Who may write a graduate's ledger record: each answers a refusal in words or None.

Seeing the record is its scope (`app.scopes`); these are the actions on it.
"""

from flask_babel import gettext as _

from app.models import GraduateOutcome, OutcomeKind, Role, User
from app.policy.parties import is_college_coordinator, is_enterprise_employer


def may_record_outcome(user: User, college_id: int | None) -> str | None:
    """Why the user may not open or change a graduate's record of the college; None if they may
    (its coordinator)."""
    if not is_college_coordinator(user, college_id):
        return _("Это может сделать только координатор колледжа выпускника.")
    return None


def may_add_graduate(user: User) -> str | None:
    """Why the user may not open a graduate's record (of their own college); None if they may."""
    return may_record_outcome(user, user.college_id)


def may_edit_outcome(user: User, outcome: GraduateOutcome) -> str | None:
    """Why the user may not change what became of the graduate; None if they may."""
    return may_record_outcome(user, outcome.college_id)


def may_record_hire(user: User, outcome: GraduateOutcome) -> str | None:
    """Why the user may not record an offer or the hire of the graduate; None if they may (an
    employer of the host enterprise)."""
    if not is_enterprise_employer(user, outcome.host_enterprise_id):
        return _("Предложения и найм записывает только базовое предприятие выпускника.")
    return None


def may_check_retention(user: User, outcome: GraduateOutcome) -> str | None:
    """Why the user may not record whether the graduate still works there; None if they may:
    the college's coordinator, or the host's employer for a graduate it hired."""
    if user.role == Role.EMPLOYER:
        if refusal := may_record_hire(user, outcome):
            return refusal
        if outcome.outcome != OutcomeKind.HIRED_BY_HOST:
            return _("Предприятие проверяет только своих принятых выпускников.")
        return None
    return may_record_outcome(user, outcome.college_id)
