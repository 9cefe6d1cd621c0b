"""What a user may do: one predicate per action, answering a refusal in words or None.

Reading is the scope's (`app.scopes`); these are the actions. Views and services ask the
predicates; templates ask them through `may(action, …)` and `refusal(action, …)`, which look the
action up in `ACTIONS` and answer for the signed-in user.
"""

from app.policy.colleges import is_college_coordinator
from app.policy.staff import (
    can_edit_enterprise,
    can_see_enterprise_staff,
    employer_refusal,
    has_active_employer,
    manages_access_of,
    manages_invitation_of,
    mentor_refusal,
    staff_refusal,
)

__all__ = [
    "can_edit_enterprise",
    "can_see_enterprise_staff",
    "employer_refusal",
    "has_active_employer",
    "is_college_coordinator",
    "manages_access_of",
    "manages_invitation_of",
    "mentor_refusal",
    "staff_refusal",
]
