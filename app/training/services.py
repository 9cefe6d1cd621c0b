"""Recording and confirming safety inductions, the diary's gate, and training plans.

Plain arguments in, RuleViolation out; flush and audit, never commit."""

from collections.abc import Callable
from datetime import date, datetime

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.audit import changes_of, record
from app.database import lock_for_counting
from app.extensions import db
from app.labels import LABELS, label, register_actions
from app.models import (
    Competency,
    DiaryEntry,
    EntryStatus,
    InductionKind,
    Placement,
    PlanModule,
    PlanTemplateModule,
    SafetyInduction,
    Specialty,
    User,
)
from app.policy import training as policy
from app.rules import RuleViolation
from app.training import queries

MAX_INSTRUCTOR = 200
MAX_MODULE_HOURS = 10_000

LABELS.update({
    InductionKind.INTRODUCTORY: _l("вводный"),
    InductionKind.WORKPLACE: _l("первичный на рабочем месте"),
    InductionKind.REPEAT: _l("повторный"),
})

register_actions({
    "induction_recorded": _l("инструктаж записан"),
    "induction_confirmed": _l("инструктаж подтверждён"),
    "plan_adjusted": _l("учебный план изменён"),
    "plan_template_changed": _l("шаблон учебного плана изменён"),
})


def _lock(placement: Placement) -> None:
    """Serialise writers of one placement's inductions or plan (check-then-write rules)."""
    lock_for_counting(db.session)
    db.session.execute(select(Placement.id).where(Placement.id == placement.id)
                       .with_for_update())


def _day(day: date) -> str:
    return format_date(day, "dd.MM.yyyy")


# --- inductions ------------------------------------------------------------------------------


def record_induction(actor: User, placement: Placement, kind: InductionKind, held_on: date,
                     instructor: str, *, today: date) -> SafetyInduction:
    """The enterprise records an induction it gave; the trainee confirms it afterwards."""
    refusal = policy.induction_refusal(actor, placement)
    if refusal:
        raise RuleViolation(refusal)
    instructor = (instructor or "").strip()
    if not instructor:
        raise RuleViolation(_("Укажите, кто провёл инструктаж."), "instructor")
    if len(instructor) > MAX_INSTRUCTOR:
        raise RuleViolation(_("Имя инструктора — не длиннее %(max)s символов.",
                              max=MAX_INSTRUCTOR), "instructor")
    if held_on > today:
        raise RuleViolation(_("Дата инструктажа %(date)s ещё не наступила: записывается "
                              "проведённый инструктаж.", date=_day(held_on)), "held_on")
    if not placement.start_date <= held_on <= placement.end_date:
        raise RuleViolation(_("Дата инструктажа — в сроке договора (%(start)s – %(end)s).",
                              start=_day(placement.start_date), end=_day(placement.end_date)),
                            "held_on")
    _lock(placement)
    existing = queries.inductions_of(placement.id)
    if any(i.kind == kind and i.held_on == held_on for i in existing):
        raise RuleViolation(_("Такой инструктаж на эту дату уже записан."), "held_on")
    first = [i for i in existing if i.kind != InductionKind.REPEAT]
    if kind == InductionKind.REPEAT:
        if not any(i.held_on <= held_on for i in first):
            raise RuleViolation(_("Повторный инструктаж проводится после вводного или "
                                  "первичного на рабочем месте — сначала запишите их."), "kind")
    elif not any(i.held_on <= held_on for i in first):
        approved = _first_approved_day(placement.id)
        if approved is not None and approved < held_on:
            raise RuleViolation(_(
                "С %(approved)s у практиканта уже подписаны часы, а инструктаж датирован "
                "%(date)s — позже. Первый инструктаж проводится до работы: проверьте дату.",
                approved=_day(approved), date=_day(held_on)), "held_on")
    induction = SafetyInduction(placement_id=placement.id, kind=kind, held_on=held_on,
                                instructor=instructor, recorded_by_id=actor.id)
    db.session.add(induction)
    db.session.flush()
    record(actor, "induction_recorded", induction, changes_of(induction))
    return induction


def _first_approved_day(placement_id: int) -> date | None:
    return db.session.scalar(
        select(DiaryEntry.work_date)
        .where(DiaryEntry.placement_id == placement_id, DiaryEntry.status == EntryStatus.APPROVED)
        .order_by(DiaryEntry.work_date).limit(1)
    )


def confirm_induction(student: User, induction: SafetyInduction, *, now: datetime) -> None:
    """The trainee confirms that the induction was given to them."""
    refusal = policy.confirm_refusal(student, induction)
    if refusal:
        raise RuleViolation(refusal)
    induction.confirmed_at = now
    changes = changes_of(induction)
    db.session.flush()
    record(student, "induction_confirmed", induction, changes)


def shop_floor_gate(placement: Placement) -> Callable[[date], str | None]:
    """For the diary: a check of one day's hours against the safety induction (one query).

    Hours are accepted from the date of the earliest confirmed introductory or first-at-the-
    workplace induction; the answer says why a day is refused."""
    first = [i for i in queries.inductions_of(placement.id) if i.kind != InductionKind.REPEAT]
    confirmed = [i for i in first if i.confirmed_at is not None]
    if confirmed:
        admitting = min(confirmed, key=lambda i: i.held_on)

        def gate(day: date) -> str | None:
            if day < admitting.held_on:
                return _("%(date)s — до инструктажа по охране труда (%(kind)s, %(held)s): "
                         "часы до него не принимаются.", date=_day(day),
                         kind=label(admitting.kind), held=_day(admitting.held_on))
            return None
        return gate
    if first:
        waiting = min(first, key=lambda i: i.held_on)
        message = _("Подтвердите инструктаж по охране труда от %(date)s (раздел «Инструктаж» "
                    "ниже): до подтверждения часы не принимаются.", date=_day(waiting.held_on))
    else:
        message = _("Часы не принимаются: предприятие ещё не записало инструктаж по охране "
                    "труда (вводный или первичный на рабочем месте). Обратитесь к наставнику.")
    return lambda day: message


# --- training plans ------------------------------------------------------------------------------


def _hours_refusal(hours: dict[int, int | None], allowed: set[int]) -> RuleViolation | None:
    for competency_id, value in hours.items():
        if competency_id not in allowed:
            return RuleViolation(_("Модуль не из плана этой специальности — обновите "
                                   "страницу. Ничего не сохранено."))
        if value is None:
            return RuleViolation(_("Укажите часы каждого модуля (0 — модуль не изучается)."),
                                 str(competency_id))
        if not 0 <= value <= MAX_MODULE_HOURS:
            return RuleViolation(_("Часы модуля — от 0 до %(max)s.", max=MAX_MODULE_HOURS),
                                 str(competency_id))
    return None


def save_template(actor: User, specialty: Specialty, hours: dict[int, int | None]) -> None:
    """Set the planned hours of the specialty's modules (its competencies)."""
    refusal = policy.template_refusal(actor, specialty)
    if refusal:
        raise RuleViolation(refusal)
    competencies = queries.specialty_competencies(specialty.id)
    if (violation := _hours_refusal(hours, {c.id for c in competencies})):
        raise violation
    known = {row.competency_id: row for row in db.session.scalars(
        select(PlanTemplateModule).where(PlanTemplateModule.competency_id.in_(list(hours))))}
    changes = {}
    for competency_id, value in hours.items():
        if value is None:  # refused above by _hours_refusal
            continue
        row = known.get(competency_id)
        before = row.planned_hours if row else None
        if before == value:
            continue
        if row is None:
            db.session.add(PlanTemplateModule(competency_id=competency_id, planned_hours=value))
        else:
            row.planned_hours = value
        changes[f"module_{competency_id}"] = [before, value]
    db.session.flush()
    if changes:
        record(actor, "plan_template_changed", specialty, changes)


def copy_plan_template(placement: Placement) -> int:
    """Give the placement its own copy of its specialty's plan template (once); module count."""
    if db.session.scalar(select(PlanModule.id).where(PlanModule.placement_id == placement.id)
                         .limit(1)) is not None:
        return 0
    rows = db.session.execute(
        select(Competency.id, PlanTemplateModule.planned_hours)
        .outerjoin(PlanTemplateModule, PlanTemplateModule.competency_id == Competency.id)
        .where(Competency.specialty_id == queries.specialty_id_of(placement.student_id))
    ).all()
    db.session.add_all(PlanModule(placement_id=placement.id, competency_id=cid,
                                  planned_hours=hours or 0) for cid, hours in rows)
    db.session.flush()
    return len(rows)


def save_plan(actor: User, placement: Placement, hours: dict[int, int | None]) -> None:
    """The coordinator adjusts the placement's own plan; a total that differs from the
    required hours is allowed here and shown on the plan, never silently fixed."""
    refusal = policy.plan_refusal(actor, placement)
    if refusal:
        raise RuleViolation(refusal)
    _lock(placement)
    allowed = {c.id for c in queries.specialty_competencies(
        queries.specialty_id_of(placement.student_id))}
    if (violation := _hours_refusal(hours, allowed)):
        raise violation
    own = {m.competency_id: m for m in db.session.scalars(
        select(PlanModule).where(PlanModule.placement_id == placement.id))}
    template = {} if own else queries.template_hours(list(hours))
    changes = {}
    for competency_id, value in hours.items():
        if value is None:  # refused above by _hours_refusal
            continue
        module = own.get(competency_id)
        before = module.planned_hours if module else template.get(competency_id)
        if module is None:
            db.session.add(PlanModule(placement_id=placement.id, competency_id=competency_id,
                                      planned_hours=value))
        else:
            module.planned_hours = value
        if before != value:
            changes[f"module_{competency_id}"] = [before, value]
    db.session.flush()
    if changes:
        record(actor, "plan_adjusted", placement, changes)
