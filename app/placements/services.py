"""Placement changes and the rules that guard them: each raises RuleViolation before writing.

Counts behind the caps are re-checked inside the transaction, after locking: the student, the
mentor and the enterprise rows FOR UPDATE on PostgreSQL, the whole database (BEGIN IMMEDIATE) on
SQLite — so two coordinators cannot both take the last place. The placement itself is read
again under the lock and carries a version, so a double activation is one activation.
"""

from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app.audit import changes_of, record
from app.database import lock_for_counting
from app.domain.working_time import is_minor
from app.extensions import db
from app.labels import agreement_name, label, register_actions
from app.models import (
    Assessment,
    AssessmentKind,
    AuditEvent,
    Department,
    Enterprise,
    Partnership,
    Placement,
    PlacementStatus,
    Role,
    StudentProfile,
    User,
    utcnow,
)
from app.placements import compensation
from app.policy.placements import may_manage_placements
from app.rules import RuleViolation
from app.training.services import copy_plan_template

MAX_REQUIRED_HOURS = 5000
MAX_REASON = 2000
# Plausible years of a placement's dates, and its longest term in years.
FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_TERM_YEARS = 5
EDITABLE = (
    "student_id", "mentor_id", "department_id", "start_date", "end_date", "required_hours",
    "agreement_number", "parent_consent_on", "compensation_amount", "compensation_rule",
)
# Placements that hold a student's time, a mentor's attention or an enterprise's place.
HOLDING = (PlacementStatus.DRAFT, PlacementStatus.ACTIVE, PlacementStatus.COMPLETED)

register_actions({
    "activated": _l("введён в действие"),
    "completed": _l("завершён"),
    "terminated": _l("расторгнут"),
})


def create_placement(
    actor: User,
    *,
    college_id: int,
    student_id: int,
    mentor_id: int,
    start_date: date,
    end_date: date,
    required_hours: int,
    department_id: int | None = None,
    agreement_number: str = "",
    parent_consent_on: date | None = None,
    compensation_amount: Decimal | None = None,
    compensation_rule: str = "",
) -> Placement:
    """Draft a placement at the mentor's enterprise.

    An identical placement already on record (same student, mentor and dates, not terminated) is
    returned as is: a double-submitted form or a re-imported file creates no duplicate.
    """
    _require_coordinator_of(actor, college_id)
    _check_terms(start_date, end_date, required_hours, agreement_number)
    compensation_amount = compensation.check_amount(compensation_amount)
    compensation_rule = compensation.check_rule(compensation_rule)
    lock_for_counting(db.session)
    student, mentor = _lock_people(college_id, student_id, mentor_id)
    same = db.session.scalar(
        select(Placement).where(
            Placement.student_id == student.id, Placement.mentor_id == mentor.id,
            Placement.start_date == start_date, Placement.end_date == end_date,
            Placement.status != PlacementStatus.TERMINATED,
        )
    )
    if same is not None:
        return same
    enterprise = _partner_enterprise(college_id, mentor)
    _check_department(department_id, enterprise)
    _check_no_overlap(student, start_date, end_date, None)
    _check_intake(enterprise, start_date, None)
    placement = Placement(
        student_id=student.id,
        college_id=college_id,
        enterprise_id=enterprise.id,
        mentor_id=mentor.id,
        department_id=department_id,
        start_date=start_date,
        end_date=end_date,
        required_hours=required_hours,
        agreement_number=agreement_number,
        parent_consent_on=parent_consent_on,
        compensation_amount=compensation_amount,
        compensation_rule=compensation_rule,
        status=PlacementStatus.DRAFT,
    )
    db.session.add(placement)
    _record_change(actor, "created", placement)
    return placement


def update_placement(actor: User, placement: Placement, **fields: Any) -> Placement:
    """Change a draft placement's terms; every rule of creation is checked again."""
    _require_coordinator_of(actor, placement.college_id)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    _read_again_locked(placement)
    if placement.status != PlacementStatus.DRAFT:
        raise RuleViolation(_("Изменять можно только черновик договора."))
    new = {key: getattr(placement, key) for key in EDITABLE} | fields
    new["agreement_number"] = new["agreement_number"] or ""
    _check_terms(new["start_date"], new["end_date"], new["required_hours"],
                 new["agreement_number"])
    new["compensation_amount"] = compensation.check_amount(new["compensation_amount"])
    new["compensation_rule"] = compensation.check_rule(new["compensation_rule"])
    student, mentor = _lock_people(placement.college_id, new["student_id"], new["mentor_id"])
    enterprise = _partner_enterprise(placement.college_id, mentor)
    _check_department(new["department_id"], enterprise)
    _check_no_overlap(student, new["start_date"], new["end_date"], placement.id)
    _check_intake(enterprise, new["start_date"], placement.id)
    for key, value in new.items():
        setattr(placement, key, value)
    placement.enterprise_id = enterprise.id
    if changes_of(placement):
        # The parties answered other terms: the agreement goes round again.
        from app.placements import acceptance

        acceptance.reset(placement)
    changes = changes_of(placement)
    if changes:
        db.session.flush()
        record(actor, "updated", placement, changes)
    return placement


def activate_placement(actor: User, placement: Placement, today: date) -> Placement:
    """Put a draft into force once the student, mentor and enterprise can take it."""
    _require_coordinator_of(actor, placement.college_id)
    _read_again_locked(placement)
    if placement.status != PlacementStatus.DRAFT:
        raise RuleViolation(_("Ввести в действие можно только черновик договора."))
    if placement.end_date < today:
        raise RuleViolation(_("Срок договора уже истёк: измените даты."), "end_date")
    student, mentor = _lock_people(placement.college_id, placement.student_id,
                                   placement.mentor_id)
    enterprise = _partner_enterprise(placement.college_id, mentor)
    if enterprise.id != placement.enterprise_id:
        raise RuleViolation(_("Наставник больше не работает на этом предприятии."), "mentor_id")
    profile = student.student_profile
    if profile is None:  # _lock_people has refused a student without one
        raise RuleViolation(_("Такого студента нет в вашем колледже."), "student_id")
    if is_minor(profile.birth_date, placement.start_date) and not (
            profile.guardian_name and profile.guardian_phone):
        # Imported office lists may lack them: the student is on record, the agreement waits.
        raise RuleViolation(
            _("Студенту на дату начала нет 18 лет, а родитель или законный представитель не "
              "указан: сначала укажите его имя и телефон в карточке студента."),
            "student_id",
        )
    from app.placements import acceptance

    waiting = acceptance.activation_refusal(placement)
    if waiting:
        raise RuleViolation(waiting)
    if is_minor(profile.birth_date, placement.start_date) and placement.parent_consent_on is None:
        raise RuleViolation(
            _("Студенту на дату начала нет 18 лет: сначала укажите дату согласия родителя."),
            "parent_consent_on",
        )
    other_active = db.session.scalar(
        select(Placement).where(
            Placement.student_id == student.id, Placement.status == PlacementStatus.ACTIVE,
            Placement.id != placement.id,
        ).limit(1)
    )
    if other_active is not None:
        raise RuleViolation(
            _("У студента уже есть действующий %(agreement)s.",
              agreement=agreement_name(other_active)),
            "student_id",
        )
    _check_no_overlap(student, placement.start_date, placement.end_date, placement.id)
    _check_mentor_cap(mentor, placement.id)
    _check_intake(enterprise, placement.start_date, placement.id)
    placement.status = PlacementStatus.ACTIVE
    placement.activated_at = utcnow()
    try:
        _record_change(actor, "activated", placement)
    except IntegrityError:
        # The partial unique index: another active placement of the student, committed meanwhile.
        raise RuleViolation(_("У студента уже есть действующий договор."), "student_id") from None
    copy_plan_template(placement)  # the agreement's own individual training plan
    return placement


def complete_placement(actor: User, placement: Placement, today: date) -> Placement:
    """Close an active placement whose mentor has submitted the final assessment."""
    _require_coordinator_of(actor, placement.college_id)
    _read_again_locked(placement)
    if placement.status != PlacementStatus.ACTIVE:
        raise RuleViolation(_("Завершить можно только действующий договор."))
    final = db.session.scalar(
        select(Assessment.id).where(
            Assessment.placement_id == placement.id, Assessment.kind == AssessmentKind.FINAL,
            Assessment.submitted_at.is_not(None),
        )
    )
    if final is None:
        raise RuleViolation(
            _("Завершить договор можно только после итоговой оценки наставника.")
        )
    placement.status = PlacementStatus.COMPLETED
    placement.completed_on = today
    _record_change(actor, "completed", placement)
    return placement


def terminate_placement(actor: User, placement: Placement, on: date | None,
                        reason: str, today: date) -> Placement:
    """Withdraw a draft (the parties never bound themselves), with the date and the reason.

    An agreement in force is ended only by agreement of the parties: a termination request
    that the other party approves (`placements.changes`). The date is not in the future nor
    before the day the draft was made."""
    _require_coordinator_of(actor, placement.college_id)
    _read_again_locked(placement)
    if placement.status == PlacementStatus.ACTIVE:
        raise RuleViolation(_(
            "Действующий договор расторгается по согласию сторон: предложите расторжение в "
            "разделе «Изменения договора» — оно вступит в силу, когда предприятие его одобрит."))
    if placement.status != PlacementStatus.DRAFT:
        raise RuleViolation(
            _("Договор в статусе «%(status)s» расторгнуть нельзя.",
              status=label(placement.status))
        )
    reason = (reason or "").strip()
    if on is None:
        raise RuleViolation(_("Укажите дату расторжения."), "on")
    if not reason:
        raise RuleViolation(_("Укажите причину расторжения."), "reason")
    if len(reason) > MAX_REASON:
        raise RuleViolation(_("Причина — не длиннее %(n)s символов.", n=MAX_REASON), "reason")
    if on > today:
        raise RuleViolation(
            _("Дата расторжения не может быть позже сегодняшнего дня (%(today)s).",
              today=_day(today)),
            "on",
        )
    created_on = placement.created_at.date() if placement.created_at else None
    if created_on and on < created_on:
        raise RuleViolation(
            _("Дата расторжения не может быть раньше дня составления договора (%(day)s).",
              day=_day(created_on)),
            "on",
        )
    placement.status = PlacementStatus.TERMINATED
    placement.terminated_on = on
    placement.termination_reason = reason
    _record_change(actor, "terminated", placement)
    return placement


def _day(value: date) -> str:
    # Numeric dates read the same in every language and need no request's locale.
    return f"{value:%d.%m.%Y}"


# --- the rules --------------------------------------------------------------------------------


def _read_again_locked(placement: Placement) -> None:
    """Take the lock, then read the placement as committed: the page's copy may be stale."""
    lock_for_counting(db.session)
    db.session.refresh(placement, with_for_update=True)


def _record_change(actor: User | None, action: str, placement: Placement) -> AuditEvent:
    changes = changes_of(placement)
    try:
        db.session.flush()
    except StaleDataError:
        # The version moved: someone changed the agreement since it was read.
        raise RuleViolation(
            _("Договор только что изменил другой пользователь: откройте его заново.")
        ) from None
    return record(actor, action, placement, changes)


def _require_coordinator_of(actor: User, college_id: int) -> None:
    if refusal := may_manage_placements(actor, college_id):
        raise RuleViolation(refusal)


def _check_terms(start: date | None, end: date | None, hours: Any, number: str
                 ) -> tuple[date, date]:
    if start is None:
        raise RuleViolation(_("Укажите дату начала."), "start_date")
    if end is None:
        raise RuleViolation(_("Укажите дату окончания."), "end_date")
    for value, field in ((start, "start_date"), (end, "end_date")):
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise RuleViolation(
                _("Проверьте год: дата должна быть между %(first)s и %(last)s годом.",
                  first=FIRST_YEAR, last=LAST_YEAR),
                field,
            )
    if end <= start:
        raise RuleViolation(_("Дата окончания должна быть позже даты начала."), "end_date")
    years = end.year - start.year
    if years > MAX_TERM_YEARS or (
        years == MAX_TERM_YEARS and (end.month, end.day) > (start.month, start.day)
    ):
        raise RuleViolation(
            _("Договор — не дольше %(n)s лет: проверьте дату окончания.", n=MAX_TERM_YEARS),
            "end_date",
        )
    if not isinstance(hours, int) or isinstance(hours, bool) or hours <= 0:
        raise RuleViolation(_("Количество часов должно быть больше нуля."), "required_hours")
    if hours > MAX_REQUIRED_HOURS:
        raise RuleViolation(
            _("Не больше %(n)s часов по одному договору.", n=MAX_REQUIRED_HOURS),
            "required_hours",
        )
    if len(number or "") > 40:
        raise RuleViolation(_("Номер договора — не длиннее 40 символов."), "agreement_number")
    return start, end


def _lock_people(college_id: int, student_id: Any, mentor_id: Any) -> tuple[User, User]:
    """Load and lock the student (of this college) and the mentor, in id order."""
    ids = [i for i in (student_id, mentor_id) if isinstance(i, int)]
    if ids:
        db.session.execute(
            select(User.id).where(User.id.in_(ids)).order_by(User.id).with_for_update()
        )
    student = db.session.get(User, student_id) if isinstance(student_id, int) else None
    if (student is None or student.role != Role.STUDENT or student.college_id != college_id
            or db.session.get(StudentProfile, student.id) is None):
        raise RuleViolation(_("Такого студента нет в вашем колледже."), "student_id")
    mentor = db.session.get(User, mentor_id) if isinstance(mentor_id, int) else None
    if mentor is None or mentor.role != Role.MENTOR or not mentor.active:
        raise RuleViolation(_("Такого наставника нет."), "mentor_id")
    return student, mentor


def _partner_enterprise(college_id: int, mentor: User) -> Enterprise:
    """The mentor's enterprise, which must be a partner of the college; locked for the caps."""
    enterprise = db.session.scalar(
        select(Enterprise).where(Enterprise.id == mentor.enterprise_id).with_for_update()
    )
    partner = db.session.get(Partnership, (college_id, mentor.enterprise_id))
    if enterprise is None or partner is None:
        raise RuleViolation(
            _("Предприятие наставника не является партнёром вашего колледжа."), "mentor_id"
        )
    return enterprise


def _check_department(department_id: int | None, enterprise: Enterprise) -> None:
    if department_id is None:
        return
    department = db.session.get(Department, department_id)
    if department is None or department.enterprise_id != enterprise.id:
        raise RuleViolation(_("Этот цех не относится к предприятию наставника."),
                            "department_id")


def _check_no_overlap(student: User, start: date, end: date, own_id: int | None) -> None:
    clash = db.session.scalar(
        select(Placement).where(
            Placement.student_id == student.id,
            Placement.status.in_(HOLDING),
            Placement.start_date < end,
            Placement.end_date > start,
            Placement.id != (own_id or 0),
        ).limit(1)
    )
    if clash is not None:
        raise RuleViolation(
            _("У студента уже есть %(agreement)s на пересекающиеся даты "
              "(%(start)s – %(end)s).", agreement=agreement_name(clash),
              start=_day(clash.start_date), end=_day(clash.end_date)),
            "start_date",
        )


def _check_mentor_cap(mentor: User, own_id: int) -> None:
    cap = mentor.mentor_profile.trainee_cap if mentor.mentor_profile else 1
    active = db.session.scalar(
        select(func.count()).select_from(Placement).where(
            Placement.mentor_id == mentor.id, Placement.status == PlacementStatus.ACTIVE,
            Placement.id != own_id,
        )
    ) or 0
    if active >= cap:
        # The count may include other colleges' trainees: only the mentor's own cap is told.
        raise RuleViolation(
            _("У наставника уже максимум практикантов (%(cap)s).", cap=cap), "mentor_id"
        )


def _check_intake(enterprise: Enterprise, start: date, own_id: int | None) -> None:
    year = start.year
    taken = db.session.scalar(
        select(func.count()).select_from(Placement).where(
            Placement.enterprise_id == enterprise.id,
            Placement.status.in_(HOLDING),
            Placement.start_date >= date(year, 1, 1),
            Placement.start_date <= date(year, 12, 31),
            Placement.id != (own_id or 0),
        )
    ) or 0
    if taken >= enterprise.intake_capacity:
        # Places are taken by every college: other colleges' counts are not told.
        raise RuleViolation(
            _("У предприятия «%(name)s» не осталось мест на %(year)s год (%(capacity)s в год).",
              name=enterprise.local_name, year=year, capacity=enterprise.intake_capacity),
            "start_date",
        )
