"""Who may do what on the working calendar: each predicate answers a refusal in words or None.

Reading is scoped by the placement (`scope_of(Placement, …)`); these are the actions."""

from flask_babel import gettext as _

from app.models import Absence, AbsenceStatus, Group, Placement, PlacementStatus, Role, User
from app.policy.parties import is_college_coordinator

OPEN_STATUSES = (PlacementStatus.ACTIVE, PlacementStatus.COMPLETED)


def may_record_absence(user: User, placement: Placement) -> str | None:
    """The trainee on their own placement or the coordinator of its college."""
    if not (user.role == Role.STUDENT and placement.student_id == user.id
            or is_college_coordinator(user, placement.college_id)):
        return _("Пропуск записывает сам практикант или координатор колледжа.")
    if placement.status not in OPEN_STATUSES:
        return _("Пропуски записываются только по действующему или завершённому договору.")
    return None


def may_review_absence(user: User, absence: Absence) -> str | None:
    """The trainee's mentor, while the absence waits for a decision."""
    if user.role != Role.MENTOR or absence.placement.mentor_id != user.id:
        return _("Подтверждает или оспаривает пропуск наставник практиканта.")
    if absence.status != AbsenceStatus.PENDING:
        return _("Решение по этому пропуску уже принято.")
    return None


def may_withdraw_absence(user: User, absence: Absence) -> str | None:
    """Whoever recorded it, while the mentor has not decided."""
    if absence.recorded_by_id != user.id:
        return _("Отозвать пропуск может только тот, кто его записал.")
    if absence.status != AbsenceStatus.PENDING:
        return _("Пропуск уже рассмотрен наставником: его нельзя отозвать.")
    return None


def may_record_break(user: User, placement: Placement) -> str | None:
    """The coordinator of the placement's college, on an active placement."""
    if not is_college_coordinator(user, placement.college_id):
        return _("Перерыв в обучении оформляет координатор колледжа.")
    if placement.status != PlacementStatus.ACTIVE:
        return _("Перерыв оформляется только по действующему договору.")
    return None


def may_edit_schedule(user: User, group: Group) -> str | None:
    if not is_college_coordinator(user, group.college_id):
        return _("График группы ведёт координатор колледжа.")
    return None
