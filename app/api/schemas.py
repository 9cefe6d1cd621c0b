"""What the API reads and writes, as marshmallow schemas (the OpenAPI document comes from them)."""

import unicodedata
from datetime import date

import marshmallow as ma
from marshmallow import fields, validate

from app.forms import MULTILINE_ALLOWED, has_bidi_control, has_control
from app.models import EntryStatus, OfferStatus, OutcomeKind, PlacementStatus

MAX_LIMIT = 100
HOSTILE = "hostile-control"
BIDI = "hostile-bidi"
DAYS = validate.Range(date(1990, 1, 1), date(2100, 12, 31))


class Text(fields.String):
    """Text as the forms take it (app/forms.py): NFC, stripped, and refused when it holds control
    characters (line breaks allowed where `multiline`), lone surrogates or bidi overrides."""

    def __init__(self, *args, multiline: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.allowed = MULTILINE_ALLOWED if multiline else frozenset()

    def _deserialize(self, value, attr, data, **kwargs):
        text = unicodedata.normalize("NFC", super()._deserialize(value, attr, data, **kwargs))
        if has_control(text, self.allowed) or any(
                unicodedata.category(ch) == "Cs" for ch in text):
            raise ma.ValidationError(HOSTILE)
        if has_bidi_control(text):
            raise ma.ValidationError(BIDI)
        return text.strip()


class Strict(ma.Schema):
    class Meta:
        unknown = ma.RAISE
        ordered = True


class ProblemSchema(ma.Schema):
    """Problem details (RFC 9457), with `errors` naming the fields at fault."""

    class Meta:
        unknown = ma.INCLUDE

    type = fields.String(metadata={"example": "about:blank"})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    errors = fields.List(fields.Dict(keys=fields.String(), values=fields.String()),
                         metadata={"description": "[{field, message}] for each field at fault"})
    current = fields.Dict(metadata={"description": "412: the object as it is now"})


class ListArgs(Strict):
    class Meta:
        unknown = ma.EXCLUDE

    limit = fields.Integer(load_default=25, validate=validate.Range(1, MAX_LIMIT),
                           metadata={"description": f"page size, 1–{MAX_LIMIT}"})
    cursor = fields.String(validate=validate.Length(max=200),
                           metadata={"description": "next_cursor of the previous page"})
    sort = fields.String(load_default="id", validate=validate.OneOf(["id", "-id"]),
                         metadata={"description": "id ascending (id) or descending (-id)"})


def _id_filter(description: str) -> fields.Integer:
    return fields.Integer(validate=validate.Range(1, 2**31 - 1),
                          metadata={"description": description})


class PlacementListArgs(ListArgs):
    status = fields.String(validate=validate.OneOf([s.value for s in PlacementStatus]))
    college_id = _id_filter("only this college's")
    enterprise_id = _id_filter("only this enterprise's")
    student_id = _id_filter("only this student's")


class EntryListArgs(ListArgs):
    placement_id = _id_filter("only this placement's entries")
    status = fields.String(validate=validate.OneOf([s.value for s in EntryStatus]))
    date_from = fields.Date(data_key="from", validate=DAYS,
                            metadata={"description": "work_date on or after"})
    date_to = fields.Date(data_key="to", validate=DAYS,
                          metadata={"description": "work_date on or before"})


class StudentListArgs(ListArgs):
    group_id = _id_filter("only this group's students")
    college_id = _id_filter("only this college's students")


class GroupListArgs(ListArgs):
    college_id = _id_filter("only this college's groups")


class AssessmentListArgs(ListArgs):
    placement_id = _id_filter("only this placement's assessments")


class OutcomeListArgs(ListArgs):
    graduation_year = fields.Integer(validate=validate.Range(1990, 2100))
    outcome = fields.String(validate=validate.OneOf([k.value for k in OutcomeKind]))
    college_id = _id_filter("only this college's graduates")


class DashboardArgs(Strict):
    class Meta:
        unknown = ma.EXCLUDE

    year = fields.Integer(validate=validate.Range(1990, 2100))
    college = _id_filter("a college in the caller's scope (as on the page)")
    specialty = Text(validate=validate.Length(1, 20),
                              metadata={"description": "a specialty code in the caller's scope"})
    enterprise = _id_filter("an enterprise in the caller's scope (as on the page)")


class Page(ma.Schema):
    next_cursor = fields.String(allow_none=True, required=True)


class College(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    name_kk = fields.String(
        required=True, metadata={"description": "The Kazakh name; empty when there is none "
                                                "(show `name` then)."})
    city = fields.String(required=True)
    bin = fields.String(required=True)


class Enterprise(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    name_kk = fields.String(
        required=True, metadata={"description": "The Kazakh name; empty when there is none "
                                                "(show `name` then)."})
    bin = fields.String(required=True)
    city = fields.String(required=True)
    industry = fields.String(required=True)
    intake_capacity = fields.Integer(required=True)


class Group(ma.Schema):
    id = fields.Integer(required=True)
    college_id = fields.Integer(required=True)
    specialty_id = fields.Integer(required=True)
    code = fields.String(required=True)
    intake_year = fields.Integer(required=True)


class Student(ma.Schema):
    id = fields.Integer(required=True)
    full_name = fields.String(required=True)
    college_id = fields.Integer(required=True, allow_none=True)
    group_id = fields.Integer(required=True, allow_none=True)
    graduation_year = fields.Integer(required=True, allow_none=True)
    iin = fields.String(required=True, allow_none=True,
                        metadata={"description": "masked (0412•••••••5) unless the caller is "
                                  "the student or the college's coordinator"})
    iin_masked = fields.Boolean(required=True)


class StatusChange(ma.Schema):
    status = fields.String(required=True, allow_none=True)
    previous = fields.String(required=True, allow_none=True)
    at = fields.DateTime(required=True)
    action = fields.String(required=True)


class Placement(ma.Schema):
    id = fields.Integer(required=True)
    agreement_number = fields.String(required=True)
    student_id = fields.Integer(required=True)
    college_id = fields.Integer(required=True)
    enterprise_id = fields.Integer(required=True)
    mentor_id = fields.Integer(required=True)
    department_id = fields.Integer(required=True, allow_none=True)
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True)
    required_hours = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf([s.value for s in
                                                                   PlacementStatus]))
    offer_status = fields.String(required=True,
                                 validate=validate.OneOf([s.value for s in OfferStatus]))
    terminated_on = fields.Date(required=True, allow_none=True)
    termination_reason = fields.String(required=True)
    compensation_amount = fields.String(
        required=True, allow_none=True,
        metadata={"format": "decimal", "example": "150000.00",
                  "description": "the trainee's monthly compensation payment in tenge as the "
                  "agreement states it (a decimal string, exact), or null"})
    compensation_rule = fields.String(
        required=True, metadata={"description": "the payment's rule as the agreement states "
                                 "it; with neither amount nor rule, the enterprise's general "
                                 "rule applies"})
    version = fields.Integer(required=True)


class PlacementDetail(Placement):
    status_history = fields.List(fields.Nested(StatusChange), required=True)


class DiaryEntry(ma.Schema):
    id = fields.Integer(required=True)
    placement_id = fields.Integer(required=True)
    work_date = fields.Date(required=True, validate=DAYS)
    hours = fields.Float(required=True)
    activity = fields.String(required=True)
    competency_id = fields.Integer(required=True, allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf([s.value for s in
                                                                   EntryStatus]))
    submitted_at = fields.DateTime(required=True, allow_none=True)
    reviewed_at = fields.DateTime(required=True, allow_none=True)
    review_comment = fields.String(required=True)
    version = fields.Integer(required=True, metadata={"description": "also the ETag"})


class Rating(ma.Schema):
    competency_id = fields.Integer(required=True)
    rating = fields.Integer(required=True)


class Assessment(ma.Schema):
    id = fields.Integer(required=True)
    placement_id = fields.Integer(required=True)
    kind = fields.String(required=True)
    mentor_id = fields.Integer(required=True)
    grade = fields.Integer(required=True, allow_none=True)
    characterisation = fields.String(required=True)
    hire_recommendation = fields.String(required=True, allow_none=True)
    submitted_at = fields.DateTime(required=True, allow_none=True)
    college_score = fields.Integer(required=True, allow_none=True)
    ratings = fields.List(fields.Nested(Rating), required=True)


class RetentionCheck(ma.Schema):
    months = fields.Integer(required=True)
    checked_on = fields.Date(required=True)
    still_employed = fields.Boolean(required=True)
    note = fields.String(required=True)


class Outcome(ma.Schema):
    id = fields.Integer(required=True)
    student_id = fields.Integer(required=True)
    college_id = fields.Integer(required=True)
    specialty_id = fields.Integer(required=True)
    graduation_year = fields.Integer(required=True)
    graduated_on = fields.Date(required=True)
    placement_id = fields.Integer(required=True, allow_none=True)
    host_enterprise_id = fields.Integer(required=True, allow_none=True)
    outcome = fields.String(required=True, validate=validate.OneOf([k.value for k in
                                                                    OutcomeKind]))
    employer_name = fields.String(required=True)
    position = fields.String(required=True)
    outcome_date = fields.Date(required=True, allow_none=True)
    offer_status = fields.String(required=True)
    offer_date = fields.Date(required=True, allow_none=True)
    retention_checks = fields.List(fields.Nested(RetentionCheck), required=True)


def page_of(item: type[ma.Schema], name: str) -> type[ma.Schema]:
    return type(name, (Page,), {"items": fields.List(fields.Nested(item), required=True)})


CollegePage = page_of(College, "CollegePage")
EnterprisePage = page_of(Enterprise, "EnterprisePage")
GroupPage = page_of(Group, "GroupPage")
StudentPage = page_of(Student, "StudentPage")
PlacementPage = page_of(Placement, "PlacementPage")
DiaryEntryPage = page_of(DiaryEntry, "DiaryEntryPage")
AssessmentPage = page_of(Assessment, "AssessmentPage")
OutcomePage = page_of(Outcome, "OutcomePage")


class FigureColumn(ma.Schema):
    label = fields.String(required=True)
    kind = fields.String(required=True)


class Figure(ma.Schema):
    key = fields.String(required=True)
    title = fields.String(required=True)
    columns = fields.List(fields.Nested(FigureColumn), required=True)
    rows = fields.List(fields.List(fields.Raw(allow_none=True)), required=True)
    total = fields.Integer(required=True)


class Headline(ma.Schema):
    year = fields.Integer(required=True)
    graduates = fields.Integer(required=True)
    employed = fields.Integer(required=True)
    known = fields.Integer(required=True)
    rate = fields.Float(required=True)
    known_rate = fields.Float(required=True)


class Dashboard(ma.Schema):
    headline = fields.Nested(Headline, required=True)
    funnel = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    figures = fields.List(fields.Nested(Figure), required=True)


# --- writes ---------------------------------------------------------------------------------

_HOURS = fields.Float(required=True, allow_nan=False,
                        validate=validate.Range(0, 24),
                        metadata={"description": "hours worked, in half-hour steps"})
_ACTIVITY = Text(required=True, multiline=True, validate=validate.Length(max=10_000))


class EntryCreate(Strict):
    placement_id = fields.Integer(required=True, validate=validate.Range(1, 2**31 - 1))
    work_date = fields.Date(required=True, validate=DAYS)
    hours = _HOURS
    activity = _ACTIVITY
    competency_id = fields.Integer(allow_none=True, validate=validate.Range(1, 2**31 - 1))
    submit = fields.Boolean(load_default=False,
                            metadata={"description": "send to the foreman at once"})


class EntryUpdate(Strict):
    hours = _HOURS
    activity = _ACTIVITY
    competency_id = fields.Integer(allow_none=True, validate=validate.Range(1, 2**31 - 1))


class Review(Strict):
    comment = Text(load_default="", multiline=True, validate=validate.Length(max=2_000),
                            metadata={"description": "required to reject"})


class Hire(Strict):
    position = Text(required=True, validate=validate.Length(1, 200))
    hired_on = fields.Date(required=True, validate=DAYS)


class RetentionCheckCreate(Strict):
    months = fields.Integer(required=True, validate=validate.OneOf([6, 12]))
    checked_on = fields.Date(required=True, validate=DAYS)
    still_employed = fields.Boolean(required=True)
    note = Text(load_default="", multiline=True, validate=validate.Length(max=2_000))


class IdempotencyHeader(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    key = fields.String(data_key="Idempotency-Key", validate=validate.Length(1, 255),
                        metadata={"description": "repeat a POST safely: the same key and body "
                                  "replays the first answer; another body is a 422"})


class IfMatchHeader(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    if_match = fields.String(data_key="If-Match", required=True,
                             validate=validate.Length(1, 100),
                             metadata={"description": "the ETag of the object as you saw it"})
