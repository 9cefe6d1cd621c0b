"""A foreman's deputy: a mentor of the same enterprise who, from one day to another (both
included), sees and signs the foreman's trainees' entries. The read access is in the scope
(app/scopes.py), by the clock, so it ends by itself. Flush, never commit."""

from datetime import date, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.audit import record
from app.database import lock_for_counting
from app.extensions import db
from app.labels import register_actions
from app.models import DeputyAssignment, Role, User
from app.policy.practice import forget_covered, may_name_deputy
from app.rules import RuleViolation
from app.scopes import scope_of

# Long enough for a holiday or a sick leave; a longer absence is a change of mentor.
MAX_DAYS = 92

register_actions({
    "deputy_named": _l("назначен заместитель наставника"),
    "deputy_ended": _l("замещение завершено"),
})


def _day(value: date) -> str:
    return format_date(value, "d MMMM y")


def name_deputy(actor: User, mentor: User, deputy: User | None, starts_on: date | None,
                ends_on: date | None, *, today: date) -> DeputyAssignment:
    """Name `deputy` for `mentor` from `starts_on` to `ends_on`; every refusal in words."""
    if refusal := may_name_deputy(actor, mentor):
        raise RuleViolation(refusal, "mentor")
    if deputy is None or deputy.role != Role.MENTOR:
        raise RuleViolation(_("Заместителем может быть только наставник."), "deputy")
    if deputy.enterprise_id != mentor.enterprise_id:
        raise RuleViolation(_("Заместитель должен быть наставником того же предприятия."),
                            "deputy")
    if deputy.id == mentor.id:
        raise RuleViolation(_("Наставник не может замещать сам себя."), "deputy")
    if not deputy.is_active:
        raise RuleViolation(_("У выбранного наставника нет доступа к системе: пригласите его "
                              "или выберите другого."), "deputy")
    if starts_on is None:
        raise RuleViolation(_("Укажите, с какого дня замещение."), "starts_on")
    if ends_on is None:
        raise RuleViolation(_("Укажите, по какой день замещение."), "ends_on")
    if starts_on < today:
        raise RuleViolation(_("Замещение не может начинаться в прошлом: самое раннее — "
                              "сегодня, %(today)s.", today=_day(today)), "starts_on")
    if ends_on < starts_on:
        raise RuleViolation(_("Последний день замещения — не раньше первого."), "ends_on")
    if (ends_on - starts_on).days + 1 > MAX_DAYS:
        raise RuleViolation(_("Замещение — не дольше %(days)s дн.; при долгом отсутствии "
                              "координатор назначает практикантам другого наставника.",
                              days=MAX_DAYS), "ends_on")
    lock_for_counting(db.session)
    clash = db.session.scalars(
        select(DeputyAssignment).where(
            DeputyAssignment.mentor_id == mentor.id, DeputyAssignment.starts_on <= ends_on,
            DeputyAssignment.ends_on >= starts_on)
        .options(joinedload(DeputyAssignment.deputy)).limit(1)).first()
    if clash is not None:
        raise RuleViolation(_("У наставника уже есть заместитель на часть этих дней: "
                              "%(name)s, %(start)s – %(end)s. Выберите другие дни.",
                              name=clash.deputy.full_name, start=_day(clash.starts_on),
                              end=_day(clash.ends_on)), "starts_on")
    assignment = DeputyAssignment(mentor_id=mentor.id, deputy_id=deputy.id, starts_on=starts_on,
                                  ends_on=ends_on, created_by_id=actor.id)
    db.session.add(assignment)
    db.session.flush()
    changes = {"mentor_id": [None, mentor.id], "deputy_id": [None, deputy.id],
               "starts_on": [None, starts_on.isoformat()],
               "ends_on": [None, ends_on.isoformat()]}
    record(actor, "deputy_named", assignment, changes)
    record(actor, "deputy_named", mentor, changes)
    forget_covered()
    return assignment


def end_deputy(actor: User, assignment: DeputyAssignment, *, today: date) -> None:
    """End a deputy range early: one not begun is withdrawn, one under way ends yesterday."""
    if refusal := may_name_deputy(actor, assignment.mentor):
        raise RuleViolation(refusal)
    if assignment.ends_on < today:
        raise RuleViolation(_("Это замещение уже закончилось."))
    before = assignment.ends_on.isoformat()
    if assignment.starts_on >= today:
        changes = {"ends_on": [before, None]}
        record(actor, "deputy_ended", assignment.mentor, changes)
        record(actor, "deputy_ended", assignment, changes)
        db.session.delete(assignment)
    else:
        assignment.ends_on = today - timedelta(days=1)
        changes = {"ends_on": [before, assignment.ends_on.isoformat()]}
        record(actor, "deputy_ended", assignment.mentor, changes)
        record(actor, "deputy_ended", assignment, changes)
    db.session.flush()
    forget_covered()


# --- reads ------------------------------------------------------------------------------------

def current_and_coming(user: User, today: date) -> list[DeputyAssignment]:
    """Deputy ranges the user may see that have not ended, soonest first (one query)."""
    return list(db.session.scalars(
        select(DeputyAssignment)
        .where(scope_of(DeputyAssignment, user), DeputyAssignment.ends_on >= today)
        .options(joinedload(DeputyAssignment.mentor), joinedload(DeputyAssignment.deputy))
        .order_by(DeputyAssignment.starts_on, DeputyAssignment.id)))


def enterprise_mentors(user: User) -> list[User]:
    """The mentors of the user's enterprise, by name (one query); none for other roles."""
    if user.role not in (Role.EMPLOYER, Role.MENTOR) or user.enterprise_id is None:
        return []
    return list(db.session.scalars(
        select(User).where(User.enterprise_id == user.enterprise_id, User.role == Role.MENTOR,
                           User.active.is_(True))
        .order_by(User.full_name, User.id)))
