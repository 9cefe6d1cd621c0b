"""Who may do what with inductions and plans: each answers a refusal in words, or None."""

from flask_babel import gettext as _

from app.models import Placement, PlacementStatus, Role, SafetyInduction, Specialty, User
from app.policy.parties import is_college_coordinator

PLAN_EDITABLE = (PlacementStatus.DRAFT, PlacementStatus.ACTIVE)


def induction_refusal(user: User, placement: Placement) -> str | None:
    """Why the user may not record a safety induction of the placement; None if they may."""
    enterprise_side = (
        (user.role == Role.MENTOR and placement.mentor_id == user.id)
        or (user.role == Role.EMPLOYER and user.enterprise_id == placement.enterprise_id)
    )
    if not enterprise_side:
        return _("Инструктаж записывает предприятие практиканта: его наставник или "
                 "представитель предприятия.")
    if placement.status != PlacementStatus.ACTIVE:
        return _("Договор не действует: инструктаж к нему не записывается.")
    return None


def confirm_refusal(user: User, induction: SafetyInduction) -> str | None:
    """Why the user may not confirm the induction; None if they may."""
    if user.id != induction.placement.student_id:
        return _("Подтвердить инструктаж может только сам практикант.")
    if induction.confirmed_at is not None:
        return _("Этот инструктаж уже подтверждён.")
    if induction.placement.status != PlacementStatus.ACTIVE:
        return _("Договор не действует: подтверждать нечего.")
    return None


def plan_refusal(user: User, placement: Placement) -> str | None:
    """Why the user may not adjust the placement's training plan; None if they may."""
    if not is_college_coordinator(user, placement.college_id):
        return _("Учебный план договора меняет координатор колледжа.")
    if placement.status not in PLAN_EDITABLE:
        return _("Договор закрыт: его учебный план больше не меняется.")
    return None


def template_refusal(user: User, specialty: Specialty) -> str | None:
    """Why the user may not change the specialty's plan template; None if they may."""
    if not is_college_coordinator(user, specialty.college_id):
        return _("Шаблон плана специальности меняет координатор её колледжа.")
    return None
