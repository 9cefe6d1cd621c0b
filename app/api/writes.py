"""Writes: the trainee's diary, the foreman's signature, the host's hire and retention checks.

Each goes through the same service as its page (app/practice/services.py, app/outcomes/
services.py), so the same rules refuse in the same words; a refusal is a 422 problem. Updates
need If-Match (a stale ETag answers 412 with the object as it is); POSTs honour Idempotency-Key.
"""

import json
from datetime import date
from decimal import Decimal

from flask import current_app, url_for
from flask_babel import gettext as _

from app import clock
from app.api import schemas, serialise
from app.api.core import caller, current_token
from app.api.idempotency import idempotent
from app.api.problems import ApiProblem
from app.api.resources import entries, etag_of, outcome_etag, outcomes
from app.extensions import db
from app.models import DiaryEntry, GraduateOutcome, Placement, utcnow
from app.outcomes import services as outcome_services
from app.policy.outcomes import may_record_hire
from app.policy.practice import may_sign
from app.practice.services import DayInput, DiaryViolations, review_entries, save_week
from app.practice.weeks import Week
from app.rules import RuleViolation
from app.scopes import scoped

_ENTRY_HEADERS = {"ETag": {"description": "the entry's version", "schema": {"type": "string"}}}


def _refused(refusal: RuleViolation):
    """A service's refusal as a 422 problem; its field, if any, named in `errors`."""
    violations = getattr(refusal, "violations", [refusal])
    errors = []
    for violation in violations:
        field = (violation.field or "").rpartition(".")[2] or None
        # The diary's row-level refusals (a date outside the placement, in the future…) are
        # about the day asked for; "competency" is the form's name for competency_id.
        field = {"row": "work_date", "competency": "competency_id"}.get(field or "", field)
        errors.append({"field": field or "_body", "message": violation.message})
    db.session.rollback()
    return ApiProblem(422, refusal.message, errors=errors)


def _json(body: dict, status: int, headers: dict | None = None):
    response = current_app.response_class(json.dumps(body, ensure_ascii=False), status=status,
                                          mimetype="application/json")
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _scoped_one(model, object_id: int):
    found = db.session.scalar(scoped(model, caller()).where(model.id == object_id))
    if found is None:
        raise ApiProblem(404, _("Объект не найден или вам не виден."))
    return found


def _if_match(headers: dict, current: str, state: dict) -> None:
    """The version the caller saw must be the current one: else 412 with the current state."""
    asked = [tag.strip().removeprefix("W/") for tag in headers["if_match"].split(",")]
    if "*" in asked or current in asked:
        return
    raise ApiProblem(412, _("Объект изменился после того, как вы его загрузили: сверьтесь с "
                            "текущим состоянием (поле current) и повторите с его ETag."),
                     current=state, headers={"ETag": current})


def _dump_entry(entry: DiaryEntry) -> dict:
    return schemas.DiaryEntry().dump(serialise.entry(entry))


def _entry_answer(entry: DiaryEntry, status: int = 200):
    return _dump_entry(entry), status


def _finish(act, status_headers=None):
    body, status, headers = idempotent(current_token().id, act)
    return _json(body, status, {**headers, **(status_headers(body) if status_headers else {})})


def _entry_etag(body: dict) -> dict:
    return {"ETag": f'"{body["version"]}"'}


def _own_placement(placement_id: int) -> Placement:
    placement = _scoped_one(Placement, placement_id)
    if caller().id is None or placement.student_id != caller().id:
        raise ApiProblem(403, _("Дневник ведёт только сам практикант."))
    return placement


def _save_day(placement: Placement, day: date, hours, activity: str, competency_id, version,
              submit: bool) -> DiaryEntry:
    hours = Decimal(str(hours))
    try:
        save_week(caller(), placement, Week.of(day),
                  [DayInput(day, hours, activity, competency_id, version)],
                  submit_days=frozenset([day]) if submit else frozenset(),
                  today=clock.today(), now=utcnow())
    except (DiaryViolations, RuleViolation) as refusal:
        raise _refused(refusal) from None
    saved = db.session.scalar(db.select(DiaryEntry).where(
        DiaryEntry.placement_id == placement.id, DiaryEntry.work_date == day))
    if saved is None:
        db.session.rollback()
        raise ApiProblem(422, _("Укажите часы больше нуля и что сделано за день."),
                         errors=[{"field": "hours", "message": _("Укажите часы.")}])
    return saved


@entries.post("")
@entries.arguments(schemas.IdempotencyHeader, location="headers")
@entries.arguments(schemas.EntryCreate)
@entries.response(201, schemas.DiaryEntry, headers=_ENTRY_HEADERS)
def create_entry(_headers, body):
    """The trainee's entry for a day (a draft, or submitted at once with `submit`)."""
    placement = _own_placement(body["placement_id"])

    def act():
        entry = _save_day(placement, body["work_date"], body["hours"], body["activity"],
                          body.get("competency_id"), None, body["submit"])
        return _entry_answer(entry, 201)

    return _finish(act, lambda b: {**_entry_etag(b), "Location": url_for(
        "api_diary_entries.get_entry", entry_id=b["id"])})


def _own_entry(entry_id: int) -> DiaryEntry:
    entry = _scoped_one(DiaryEntry, entry_id)
    if caller().id is None or entry.placement.student_id != caller().id:
        raise ApiProblem(403, _("Дневник ведёт только сам практикант."))
    return entry


@entries.put("/<int:entry_id>")
@entries.arguments(schemas.IfMatchHeader, location="headers")
@entries.arguments(schemas.EntryUpdate)
@entries.response(200, schemas.DiaryEntry, headers=_ENTRY_HEADERS)
@entries.alt_response(412, response="PRECONDITION_FAILED")
def update_entry(headers, body, entry_id: int):
    """The trainee changes a draft or returned entry (it stays a draft until submitted)."""
    entry = _own_entry(entry_id)
    _if_match(headers, etag_of(entry), _dump_entry(entry))
    saved = _save_day(entry.placement, entry.work_date, body["hours"], body["activity"],
                      body.get("competency_id"), entry.version, False)
    db.session.commit()
    answer = _dump_entry(saved)
    return _json(answer, 200, _entry_etag(answer))


@entries.post("/<int:entry_id>/submit")
@entries.arguments(schemas.IdempotencyHeader, location="headers")
@entries.arguments(schemas.IfMatchHeader, location="headers")
@entries.response(200, schemas.DiaryEntry, headers=_ENTRY_HEADERS)
@entries.alt_response(412, response="PRECONDITION_FAILED")
def submit_entry(_key, headers, entry_id: int):
    """The trainee sends the entry to the foreman as it stands."""
    entry = _own_entry(entry_id)
    _if_match(headers, etag_of(entry), _dump_entry(entry))

    def act():
        saved = _save_day(entry.placement, entry.work_date, Decimal(entry.minutes) / 60,
                          entry.activity, entry.competency_id, entry.version, True)
        return _entry_answer(saved)

    return _finish(act, _entry_etag)


def _review(entry_id: int, headers: dict, approve: bool, comment: str):
    entry = _scoped_one(DiaryEntry, entry_id)
    user = caller()
    if refusal := may_sign(user, entry):
        raise ApiProblem(403, refusal)
    _if_match(headers, etag_of(entry), _dump_entry(entry))

    def act():
        try:
            review_entries(user, [(entry, entry.version)], approve=approve, comment=comment,
                           now=utcnow())
        except RuleViolation as refusal:
            raise _refused(refusal) from None
        return _entry_answer(entry)

    return _finish(act, _entry_etag)


@entries.post("/<int:entry_id>/approve")
@entries.arguments(schemas.IdempotencyHeader, location="headers")
@entries.arguments(schemas.IfMatchHeader, location="headers")
@entries.response(200, schemas.DiaryEntry, headers=_ENTRY_HEADERS)
@entries.alt_response(412, response="PRECONDITION_FAILED")
def approve_entry(_key, headers, entry_id: int):
    """The trainee's foreman signs a submitted entry."""
    return _review(entry_id, headers, True, "")


@entries.post("/<int:entry_id>/reject")
@entries.arguments(schemas.IdempotencyHeader, location="headers")
@entries.arguments(schemas.IfMatchHeader, location="headers")
@entries.arguments(schemas.Review)
@entries.response(200, schemas.DiaryEntry, headers=_ENTRY_HEADERS)
@entries.alt_response(412, response="PRECONDITION_FAILED")
def reject_entry(_key, headers, body, entry_id: int):
    """The foreman returns a submitted entry with a comment saying what to fix."""
    return _review(entry_id, headers, False, body["comment"])


# --- outcomes -------------------------------------------------------------------------------

def _host_outcome(outcome_id: int, headers: dict) -> GraduateOutcome:
    outcome = _scoped_one(GraduateOutcome, outcome_id)
    user = caller()
    if refusal := may_record_hire(user, outcome):
        raise ApiProblem(403, refusal)
    _if_match(headers, outcome_etag(outcome), schemas.Outcome().dump(serialise.outcome(outcome)))
    return outcome


def _outcome_answer(outcome: GraduateOutcome):
    db.session.refresh(outcome)
    return schemas.Outcome().dump(serialise.outcome(outcome)), 200


def _outcome_etag_header(outcome: GraduateOutcome):
    return lambda _body: {"ETag": outcome_etag(outcome)}


@outcomes.post("/<int:outcome_id>/hire")
@outcomes.arguments(schemas.IdempotencyHeader, location="headers")
@outcomes.arguments(schemas.IfMatchHeader, location="headers")
@outcomes.arguments(schemas.Hire)
@outcomes.response(200, schemas.Outcome)
@outcomes.alt_response(412, response="PRECONDITION_FAILED")
def hire(_key, headers, body, outcome_id: int):
    """The host enterprise's HR records that it hired its graduate (If-Match: the outcome's
    ETag from GET /outcomes/{id})."""
    outcome = _host_outcome(outcome_id, headers)

    def act():
        try:
            outcome_services.record_hire(caller(), outcome, position=body["position"],
                                         hired_on=body["hired_on"])
        except RuleViolation as refusal:
            raise _refused(refusal) from None
        return _outcome_answer(outcome)

    return _finish(act, _outcome_etag_header(outcome))


@outcomes.post("/<int:outcome_id>/retention-checks")
@outcomes.arguments(schemas.IdempotencyHeader, location="headers")
@outcomes.arguments(schemas.IfMatchHeader, location="headers")
@outcomes.arguments(schemas.RetentionCheckCreate)
@outcomes.response(200, schemas.Outcome)
@outcomes.alt_response(412, response="PRECONDITION_FAILED")
def retention_check(_key, headers, body, outcome_id: int):
    """The host's HR records (or corrects) whether its hired graduate is still employed."""
    outcome = _host_outcome(outcome_id, headers)

    def act():
        try:
            outcome_services.record_retention_check(
                caller(), outcome, months=body["months"], checked_on=body["checked_on"],
                still_employed=body["still_employed"], note=body["note"])
        except RuleViolation as refusal:
            raise _refused(refusal) from None
        return _outcome_answer(outcome)

    return _finish(act, _outcome_etag_header(outcome))


BLUEPRINTS: tuple = ()  # the writes live on the resources' blueprints
