"""Changes to an agreement in force: one party (the college's coordinator or the enterprise's HR)
asks, the other approves or declines. Nothing changes until approved; every request and answer
stays on record. The rules of the change are checked when asked and again when approved.

A mentor change touches only the placement's mentor: the diary's sign-offs keep the mentor who
gave them (`DiaryEntry.reviewed_by_id`).
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import CursorResult, select, update

from app.audit import record
from app.extensions import db
from app.labels import FIELDS, LABELS, register_actions
from app.models import (
    ChangeKind,
    ChangeRequest,
    ChangeStatus,
    Department,
    Placement,
    PlacementStatus,
    Role,
    User,
)
from app.notifications import messages
from app.notify import notify
from app.placements import compensation, services
from app.policy.agreements import (
    COLLEGE,
    party_of,
)
from app.policy.agreements import change_answer_refusal as answer_refusal
from app.policy.agreements import change_request_refusal as request_refusal
from app.rules import RuleViolation

MAX_REASON = 2000

register_actions({
    "change_requested": _l("предложено изменение"),
    "change_approved": _l("изменение одобрено"),
    "change_declined": _l("изменение отклонено"),
})
FIELDS.update({"change": _l("Изменение"), "comment": _l("Комментарий")})
messages.RENDERERS["change_requested"] = lambda p: _(
    "Предложено изменение договора: %(student)s — одобрите или отклоните его.",
    student=p["student"])
KIND_LABELS = {
    ChangeKind.MENTOR: _l("другой наставник"),
    ChangeKind.DATES: _l("новые сроки"),
    ChangeKind.HOURS: _l("другое количество часов"),
    ChangeKind.DEPARTMENT: _l("другой цех"),
    ChangeKind.COMPENSATION: _l("другая компенсационная выплата"),
    ChangeKind.TERMINATION: _l("расторжение"),
}
LABELS.update(KIND_LABELS)
LABELS.update({
    ChangeStatus.PENDING: _l("ждёт ответа"),
    ChangeStatus.APPROVED: _l("одобрено"),
    ChangeStatus.DECLINED: _l("отклонено"),
})


def pending_of(placement_id: int) -> ChangeRequest | None:
    return db.session.scalar(select(ChangeRequest).where(
        ChangeRequest.placement_id == placement_id, ChangeRequest.status == ChangeStatus.PENDING
    ).limit(1))


def _reason(text: str, field: str = "reason") -> str:
    text = (text or "").strip()
    if not text:
        raise RuleViolation(_("Укажите причину."), field)
    if len(text) > MAX_REASON:
        raise RuleViolation(_("Причина — не длиннее %(n)s символов.", n=MAX_REASON), field)
    return text


def _proposal(placement: Placement, kind: ChangeKind, values: dict[str, Any],
              today: date) -> dict[str, Any]:
    """Check the proposed values against the rules; the plain JSON to store."""
    match kind:
        case ChangeKind.MENTOR:
            mentor = _mentor(placement, values.get("mentor_id"))
            return {"mentor_id": mentor.id}
        case ChangeKind.DATES:
            start, end = services._check_terms(values.get("start_date"), values.get("end_date"),
                                               placement.required_hours,
                                               placement.agreement_number)
            if (start, end) == (placement.start_date, placement.end_date):
                raise RuleViolation(_("Сроки не отличаются от нынешних."), "start_date")
            services._check_no_overlap(placement.student, start, end, placement.id)
            return {"start_date": start.isoformat(), "end_date": end.isoformat()}
        case ChangeKind.HOURS:
            hours = values.get("required_hours")
            services._check_terms(placement.start_date, placement.end_date, hours, "")
            if hours == placement.required_hours:
                raise RuleViolation(_("Часы не отличаются от нынешних."), "required_hours")
            return {"required_hours": hours}
        case ChangeKind.DEPARTMENT:
            department_id = values.get("department_id")
            if department_id is None or department_id == placement.department_id:
                raise RuleViolation(_("Выберите другой цех."), "department_id")
            services._check_department(department_id, placement.enterprise)
            return {"department_id": department_id}
        case ChangeKind.COMPENSATION:
            amount = compensation.check_amount(values.get("compensation_amount"))
            rule = compensation.check_rule(values.get("compensation_rule"))
            if (amount, rule) == (placement.compensation_amount,
                                  placement.compensation_rule or ""):
                raise RuleViolation(_("Условия выплаты не отличаются от нынешних."),
                                    "compensation_amount")
            return {"compensation_amount": None if amount is None else str(amount),
                    "compensation_rule": rule}
        case ChangeKind.TERMINATION:
            on = _check_termination_day(placement, values.get("on"), today)
            return {"on": on.isoformat()}
    raise RuleViolation(_("Выберите, что изменить."), "kind")


def _mentor(placement: Placement, mentor_id: Any) -> User:
    mentor = db.session.get(User, mentor_id) if isinstance(mentor_id, int) else None
    if (mentor is None or mentor.role != Role.MENTOR or not mentor.active
            or mentor.enterprise_id != placement.enterprise_id):
        raise RuleViolation(_("Выберите наставника этого предприятия."), "mentor_id")
    if mentor.id == placement.mentor_id:
        raise RuleViolation(_("Это и есть нынешний наставник."), "mentor_id")
    return mentor


def _check_termination_day(placement: Placement, on: Any, today: date) -> date:
    if not isinstance(on, date):
        raise RuleViolation(_("Укажите дату расторжения."), "on")
    if on > today:
        raise RuleViolation(
            _("Дата расторжения не может быть позже сегодняшнего дня (%(today)s).",
              today=services._day(today)), "on")
    if not placement.start_date <= on <= placement.end_date:
        raise RuleViolation(
            _("Дата расторжения должна быть в пределах срока договора (%(start)s – %(end)s).",
              start=services._day(placement.start_date), end=services._day(placement.end_date)),
            "on")
    return on


def request_change(actor: User, placement: Placement, version: int | None, kind: ChangeKind,
                   values: dict[str, Any], reason: str, now: datetime) -> ChangeRequest:
    """A party asks for a change; the agreement itself is not touched."""
    services._read_again_locked(placement)
    if version is not None and placement.version != version:
        raise RuleViolation(_("Договор только что изменил другой пользователь: откройте его "
                              "заново."))
    refusal = request_refusal(actor, placement)
    if refusal:
        raise RuleViolation(refusal)
    if pending_of(placement.id) is not None:
        raise RuleViolation(_("По договору уже есть изменение, ждущее ответа: сначала "
                              "дождитесь его."))
    proposed = _proposal(placement, kind, values, now.date())
    reason = _reason(reason)
    request = ChangeRequest(placement_id=placement.id, kind=kind,
                            proposed={**proposed, "_party": party_of(actor, placement)},
                            reason=reason, requested_by_id=actor.id, requested_at=now)
    db.session.add(request)
    db.session.flush()
    record(actor, "change_requested", placement,
           {"change": [None, kind.value], **{k: [None, v] for k, v in
                                                          proposed.items() if k != "on"},
            **({"terminated_on": [None, proposed["on"]]} if "on" in proposed else {}),
            "reason": [None, reason]})
    _tell_other_party(placement, party_of(actor, placement))
    return request


def answer_change(actor: User, request: ChangeRequest, approve: bool, comment: str,
                  now: datetime, today: date) -> ChangeRequest:
    """The other party approves (the change is made, its rules checked again) or declines."""
    placement = request.placement
    services._read_again_locked(placement)
    db.session.refresh(request)
    refusal = answer_refusal(actor, request)
    if refusal:
        raise RuleViolation(refusal)
    comment = (comment or "").strip()
    if not approve:
        comment = _reason(comment, "comment")
    if len(comment) > MAX_REASON:
        raise RuleViolation(_("Комментарий — не длиннее %(n)s символов.", n=MAX_REASON),
                            "comment")
    # Claim the request in one conditional UPDATE: of two simultaneous answers one wins.
    claimed = db.session.execute(
        update(ChangeRequest)
        .where(ChangeRequest.id == request.id, ChangeRequest.status == ChangeStatus.PENDING)
        .values(status=ChangeStatus.APPROVED if approve else ChangeStatus.DECLINED,
                answered_by_id=actor.id, answered_at=now, answer_comment=comment)
        .execution_options(synchronize_session=False))
    if cast(CursorResult, claimed).rowcount != 1:  # an UPDATE's result is a CursorResult
        raise RuleViolation(_("На это изменение уже ответили."))
    db.session.refresh(request)
    if approve:
        _apply(request, placement, today)
        services._record_change(actor, "change_approved", placement)
    else:
        record(actor, "change_declined", placement,
               {"change": [None, request.kind.value], "comment": [None, comment]})
    return request


def _apply(request: ChangeRequest, placement: Placement, today: date) -> None:
    values = request.proposed
    match request.kind:
        case ChangeKind.MENTOR:
            mentor = _mentor(placement, values["mentor_id"])
            db.session.execute(select(User.id).where(User.id == mentor.id).with_for_update())
            services._check_mentor_cap(mentor, placement.id)
            placement.mentor_id = mentor.id
        case ChangeKind.DATES:
            start = date.fromisoformat(values["start_date"])
            end = date.fromisoformat(values["end_date"])
            services._check_terms(start, end, placement.required_hours, "")
            services._check_no_overlap(placement.student, start, end, placement.id)
            placement.start_date, placement.end_date = start, end
        case ChangeKind.HOURS:
            placement.required_hours = values["required_hours"]
        case ChangeKind.DEPARTMENT:
            services._check_department(values["department_id"], placement.enterprise)
            placement.department_id = values["department_id"]
        case ChangeKind.COMPENSATION:
            amount = values["compensation_amount"]
            placement.compensation_amount = compensation.check_amount(amount)
            placement.compensation_rule = compensation.check_rule(values["compensation_rule"])
        case ChangeKind.TERMINATION:
            on = date.fromisoformat(values["on"])
            _check_termination_day(placement, on, today)
            placement.status = PlacementStatus.TERMINATED
            placement.terminated_on = on
            placement.termination_reason = request.reason


def _tell_other_party(placement: Placement, party: str | None) -> None:
    if party == COLLEGE:
        people = select(User).where(User.enterprise_id == placement.enterprise_id,
                                    User.role == Role.EMPLOYER, User.active)
    else:
        people = select(User).where(User.college_id == placement.college_id,
                                    User.role == Role.COORDINATOR, User.active)
    for person in db.session.scalars(people):
        notify(person, "change_requested", {"student": placement.student.full_name},
               link=f"/placements/{placement.id}")


def requests_of(placement_id: int) -> list[ChangeRequest]:
    """Every request of the agreement and its answer, newest first (one query)."""
    from sqlalchemy.orm import joinedload

    return list(db.session.scalars(
        select(ChangeRequest).where(ChangeRequest.placement_id == placement_id)
        .options(joinedload(ChangeRequest.requested_by), joinedload(ChangeRequest.answered_by))
        .order_by(ChangeRequest.requested_at.desc(), ChangeRequest.id.desc())))


def describe(request: ChangeRequest) -> str:
    """What the request proposes, in words."""
    values = request.proposed
    match request.kind:
        case ChangeKind.MENTOR:
            mentor = db.session.get(User, values["mentor_id"])
            return _("наставник: %(name)s", name=mentor.full_name if mentor else "—")
        case ChangeKind.DATES:
            return _("срок: %(start)s – %(end)s",
                     start=services._day(date.fromisoformat(values["start_date"])),
                     end=services._day(date.fromisoformat(values["end_date"])))
        case ChangeKind.HOURS:
            return _("часы: %(hours)s", hours=values["required_hours"])
        case ChangeKind.DEPARTMENT:
            department = db.session.get(Department, values["department_id"])
            return _("цех: %(name)s", name=department.local_name if department else "—")
        case ChangeKind.COMPENSATION:
            amount = values["compensation_amount"]
            terms = compensation.Compensation(
                None if amount is None else Decimal(amount), values["compensation_rule"])
            return _("выплата: %(terms)s", terms=compensation.in_words(terms)) if terms else \
                _("выплата: общее правило предприятия")
        case ChangeKind.TERMINATION:
            return _("расторжение с %(day)s",
                     day=services._day(date.fromisoformat(values["on"])))
    return ""
