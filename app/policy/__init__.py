"""What a user may do: one predicate per action, answering a refusal in words or None.

Reading is the scope's (`app.scopes`); these are the actions. Views and services ask the
predicates; templates ask them through `may(action, …)` and `refusal(action, …)`, which look the
action up in `ACTIONS` and answer for the signed-in user.
"""

from collections.abc import Callable

from flask import Flask
from flask_babel import gettext as _
from flask_login import current_user

from app.policy import (
    agreements,
    assessments,
    attendance,
    documents,
    evidence,
    organisations,
    outcomes,
    placements,
    practice,
    staff,
    tokens,
    training,
)
from app.policy.parties import is_college_coordinator
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
    "ACTIONS",
    "can_edit_enterprise",
    "can_see_enterprise_staff",
    "employer_refusal",
    "has_active_employer",
    "init_app",
    "is_college_coordinator",
    "manages_access_of",
    "manages_invitation_of",
    "may",
    "mentor_refusal",
    "refusal",
    "staff_refusal",
]

Predicate = Callable[..., str | None]

# Every action a template may ask about, by name; the first argument is always the user.
ACTIONS: dict[str, Predicate] = {
    # placements
    "create_placement": placements.may_create_placement,
    "manage_placement": placements.may_manage_placement,
    "import_placements": placements.may_import,
    "record_offer": placements.may_record_offer,
    # the agreement: acceptance by the parties, changes once in force
    "send_agreement": agreements.send_refusal,
    "answer_agreement": agreements.answer_refusal,
    "acknowledge_agreement": agreements.acknowledge_refusal,
    "issue_guardian_link": agreements.guardian_link_refusal,
    "request_change": agreements.change_request_refusal,
    "answer_change": agreements.change_answer_refusal,
    # practice
    "write_diary": practice.may_write_diary,
    "sign": practice.may_sign,
    "comment": practice.may_comment,
    "edit_comment": practice.may_edit_comment,
    "name_deputy": practice.may_name_deputy,
    # assessments
    "assess": assessments.may_assess,
    "score": assessments.may_score,
    # outcomes
    "add_graduate": outcomes.may_add_graduate,
    "edit_outcome": outcomes.may_edit_outcome,
    "record_hire": outcomes.may_record_hire,
    "check_retention": outcomes.may_check_retention,
    # colleges and enterprises
    "edit_college": organisations.may_edit_college,
    "add_to_catalogue": organisations.may_add_to_catalogue,
    "edit_group": organisations.may_edit_group,
    "edit_specialty": organisations.may_edit_specialty,
    "add_partner": organisations.may_add_partner,
    # people and accounts
    "add_coordinator": staff.may_add_coordinator,
    "add_student": staff.may_add_student,
    "edit_student": staff.may_edit_student,
    "add_employer": staff.employer_refusal,
    "change_mentor": staff.mentor_refusal,
    "manage_access": staff.access_refusal,
    "issue_reset_link": staff.reset_link_refusal,
    "edit_contact": staff.contact_refusal,
    "set_up_two_factor": staff.may_set_up_two_factor,
    "get_work_experience": staff.may_get_work_experience,
    "manage_organisation_tokens": tokens.may_manage_organisation_tokens,
    "revoke_token": tokens.may_revoke_token,
    # documents
    "issue_report": documents.may_issue_report,
    "collect_group_diaries": documents.may_collect_group_diaries,
    # the working calendar
    "record_absence": attendance.may_record_absence,
    "review_absence": attendance.may_review_absence,
    "withdraw_absence": attendance.may_withdraw_absence,
    "record_break": attendance.may_record_break,
    "edit_schedule": attendance.may_edit_schedule,
    # inductions and plans
    "record_induction": training.induction_refusal,
    "confirm_induction": training.confirm_refusal,
    "edit_plan": training.plan_refusal,
    "edit_plan_template": training.template_refusal,
    # a diary entry's files
    "attach": evidence.attach_refusal,
    "detach": evidence.detach_refusal,
}


def refusal(action: str, *args: object) -> str | None:
    """Why the signed-in user may not do `action` (on `args`); None if they may."""
    if not current_user.is_authenticated:
        return _("Войдите, чтобы открыть эту страницу.")
    return ACTIONS[action](current_user._get_current_object(), *args)


def may(action: str, *args: object) -> bool:
    """Whether the signed-in user may do `action` (on `args`): the template's question."""
    return current_user.is_authenticated and refusal(action, *args) is None


def init_app(app: Flask) -> None:
    """Offer `may(...)` and `refusal(...)` to every template."""
    app.jinja_env.globals.update(may=may, refusal=refusal)
