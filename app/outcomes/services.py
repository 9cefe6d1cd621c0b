"""Recording graduates' outcomes, the host's offers and hires, and retention checks."""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from app.audit import changes_of, record
from app.extensions import db
from app.i18n import format_date
from app.models import (
    GraduateOutcome,
    OfferStatus,
    OutcomeKind,
    Placement,
    PlacementStatus,
    RetentionCheck,
    Role,
    StudentProfile,
    User,
)
from app.outcomes.dates import check_due_on
from app.policy.outcomes import may_check_retention, may_record_hire, may_record_outcome
from app.rules import RuleViolation

EMPLOYED = (OutcomeKind.HIRED_BY_HOST, OutcomeKind.EMPLOYED_IN_SPECIALTY,
            OutcomeKind.EMPLOYED_OUTSIDE)
CHECK_MONTHS = (6, 12)
MAX_NAME = 200
MAX_NOTE = 2000
# A draft agreement never started and a terminated one ended early: neither is the host.
HOST_STATUSES = (PlacementStatus.ACTIVE, PlacementStatus.COMPLETED)


def _ensure_coordinator_of(actor: User, college_id: int) -> None:
    if refusal := may_record_outcome(actor, college_id):
        raise RuleViolation(refusal)


def _ensure_host_employer(actor: User, outcome: GraduateOutcome) -> None:
    if refusal := may_record_hire(actor, outcome):
        raise RuleViolation(refusal)


def _check_text(value: str, limit: int, field: str) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise RuleViolation(_("Не длиннее %(n)s символов.", n=limit), field)
    return value


def _check_after_graduation(outcome: GraduateOutcome, day: date | None, field: str) -> None:
    if day is not None and day < outcome.graduated_on:
        raise RuleViolation(
            _("Дата не может быть раньше выпуска (%(date)s).",
              date=format_date(outcome.graduated_on)), field)


def _check_existing_checks(outcome: GraduateOutcome, kind: OutcomeKind,
                           hired_on: date | None) -> None:
    """Recorded retention checks must stay valid after the outcome changes."""
    if not outcome.retention_checks:
        return
    if kind not in EMPLOYED or hired_on is None:
        raise RuleViolation(_("По выпускнику уже записаны проверки сохранения работы: "
                              "исход должен оставаться трудоустройством с датой."), "outcome")
    for check in outcome.retention_checks:
        if check.checked_on < check_due_on(hired_on, check.months):
            raise RuleViolation(_("С такой датой найма записанная проверка через %(m)s мес. "
                                  "оказалась бы раньше срока.", m=check.months), "outcome_date")


def students_placements(student: User) -> list[Placement]:
    """The student's active or completed placements, newest first: candidates for the host."""
    return list(db.session.scalars(
        select(Placement)
        .where(Placement.student_id == student.id, Placement.status.in_(HOST_STATUSES))
        .order_by(Placement.end_date.desc(), Placement.id.desc())
    ))


def create_outcome(actor: User, student: User, *, graduated_on: date,
                   placement: Placement | None) -> GraduateOutcome:
    """Open the graduate's ledger record: graduation, specialty from the group, host placement."""
    if student.role != Role.STUDENT or student.college_id is None:
        raise RuleViolation(_("Запись об исходе ведётся только для студентов."))
    _ensure_coordinator_of(actor, student.college_id)
    profile = db.session.get(StudentProfile, student.id)
    if profile is None:
        raise RuleViolation(_("У студента нет учебной карточки с группой."))
    if db.session.scalar(select(GraduateOutcome.id).where(
            GraduateOutcome.student_id == student.id)) is not None:
        raise RuleViolation(_("Запись об исходе для этого выпускника уже есть."))
    if not isinstance(graduated_on, date) or not 1990 <= graduated_on.year <= 2100:
        raise RuleViolation(_("Укажите дату выпуска."), "graduated_on")
    if placement is not None and placement.student_id != student.id:
        raise RuleViolation(_("Это договор другого студента."), "placement")
    if placement is not None and placement.status not in HOST_STATUSES:
        raise RuleViolation(_("Базовым может быть только действующий или завершённый договор, "
                              "не черновик и не расторгнутый."), "placement")
    outcome = GraduateOutcome(
        student_id=student.id,
        college_id=student.college_id,
        specialty_id=profile.group.specialty_id,
        graduation_year=graduated_on.year,
        graduated_on=graduated_on,
        placement_id=placement.id if placement else None,
        host_enterprise_id=placement.enterprise_id if placement else None,
        outcome=OutcomeKind.UNKNOWN,
        # The host's offer made during the placement carries into the graduate's record.
        offer_status=placement.offer_status if placement else OfferStatus.NONE,
        offer_date=placement.offer_date if placement else None,
    )
    db.session.add(outcome)
    db.session.flush()
    record(actor, "created", outcome, changes_of(outcome) or {
        "graduation_year": [None, outcome.graduation_year]})
    return outcome


def record_outcome(actor: User, outcome: GraduateOutcome, *, kind: OutcomeKind,
                   employer_name: str, position: str, outcome_date: date | None,
                   note: str) -> GraduateOutcome:
    """The coordinator records what became of a graduate of their college."""
    _ensure_coordinator_of(actor, outcome.college_id)
    kind = OutcomeKind(kind)
    employer_name = _check_text(employer_name, MAX_NAME, "employer_name")
    position = _check_text(position, MAX_NAME, "position")
    note = _check_text(note, MAX_NOTE, "note")
    if kind == OutcomeKind.HIRED_BY_HOST:
        if outcome.host_enterprise is None:
            raise RuleViolation(_("У выпускника не указано базовое предприятие."), "outcome")
        employer_name = employer_name or outcome.host_enterprise.name
    if kind in EMPLOYED:
        if outcome_date is None:
            raise RuleViolation(_("Укажите дату приёма на работу."), "outcome_date")
        if not employer_name:
            raise RuleViolation(_("Укажите работодателя."), "employer_name")
    _check_after_graduation(outcome, outcome_date, "outcome_date")
    _check_existing_checks(outcome, kind, outcome_date)
    outcome.outcome = kind
    outcome.employer_name = employer_name
    outcome.position = position
    outcome.outcome_date = outcome_date
    outcome.note = note
    return _save(actor, "outcome_recorded", outcome)


def record_offer(actor: User, outcome: GraduateOutcome, status: OfferStatus,
                 offer_date: date | None) -> GraduateOutcome:
    """The host enterprise records its job offer and the graduate's answer."""
    _ensure_host_employer(actor, outcome)
    status = OfferStatus(status)
    if status == OfferStatus.NONE:
        offer_date = None
    elif offer_date is None:
        raise RuleViolation(_("Укажите дату предложения."), "offer_date")
    if (status == OfferStatus.DECLINED and outcome.outcome == OutcomeKind.HIRED_BY_HOST):
        raise RuleViolation(_("Выпускник уже принят на работу: отказ от предложения "
                              "противоречит записи о найме."), "offer_status")
    if offer_date is not None and outcome.placement is not None \
            and offer_date < outcome.placement.start_date:
        raise RuleViolation(_("Предложение не может быть раньше начала практики."), "offer_date")
    outcome.offer_status = status
    outcome.offer_date = offer_date
    return _save(actor, "offer_recorded", outcome)


def record_hire(actor: User, outcome: GraduateOutcome, *, position: str,
                hired_on: date) -> GraduateOutcome:
    """The host enterprise hires its graduate: the outcome, and the offer accepted."""
    _ensure_host_employer(actor, outcome)
    position = _check_text(position, MAX_NAME, "position")
    if not position:
        raise RuleViolation(_("Укажите должность."), "position")
    if hired_on is None:
        raise RuleViolation(_("Укажите дату приёма на работу."), "hired_on")
    _check_after_graduation(outcome, hired_on, "hired_on")
    _check_existing_checks(outcome, OutcomeKind.HIRED_BY_HOST, hired_on)
    if outcome.host_enterprise is None:  # _ensure_host_employer has refused it already
        raise RuleViolation(_("У выпускника не указано базовое предприятие."), "outcome")
    outcome.outcome = OutcomeKind.HIRED_BY_HOST
    outcome.employer_name = outcome.host_enterprise.name
    outcome.position = position
    outcome.outcome_date = hired_on
    if outcome.offer_status != OfferStatus.ACCEPTED:
        outcome.offer_status = OfferStatus.ACCEPTED
        outcome.offer_date = outcome.offer_date or hired_on
    return _save(actor, "hire_recorded", outcome)


def record_retention_check(actor: User, outcome: GraduateOutcome, *, months: int,
                           checked_on: date, still_employed: bool, note: str) -> RetentionCheck:
    """Record (or correct) whether the graduate is still employed 6 or 12 months on."""
    if refusal := may_check_retention(actor, outcome):
        raise RuleViolation(refusal)
    if months not in CHECK_MONTHS:
        raise RuleViolation(_("Проверка — через 6 или 12 месяцев."), "months")
    if outcome.outcome not in EMPLOYED or outcome.outcome_date is None:
        raise RuleViolation(_("Сначала запишите трудоустройство с датой приёма."), "months")
    if checked_on is None:
        raise RuleViolation(_("Укажите дату проверки."), "checked_on")
    earliest = check_due_on(outcome.outcome_date, months)
    if checked_on < earliest:
        raise RuleViolation(
            _("Проверку через %(m)s мес. можно записать не раньше %(date)s "
              "(приём на работу %(hired)s).", m=months, date=format_date(earliest),
              hired=format_date(outcome.outcome_date)), "checked_on")
    note = _check_text(note, MAX_NOTE, "note")
    check = next((c for c in outcome.retention_checks if c.months == months), None)
    if check is None:
        check = RetentionCheck(outcome=outcome, months=months)
        db.session.add(check)
    check.checked_on = checked_on
    check.still_employed = bool(still_employed)
    check.note = note
    changes = changes_of(check)
    db.session.flush()
    record(actor, "retention_checked", outcome,
           {f"check_{months}m_{k}": v for k, v in changes.items() if k not in {"id", "months",
                                                                               "outcome_id"}})
    return check


def _save(actor: User, action: str, outcome: GraduateOutcome) -> GraduateOutcome:
    changes = changes_of(outcome)
    db.session.flush()
    if changes:
        record(actor, action, outcome, changes)
    return outcome
