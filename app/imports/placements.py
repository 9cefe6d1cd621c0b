"""Placements from a file, in bulk: drafts checked by the rules of `create_placement`.

What the rows refer to — students, enterprises, partner foremen, departments, the students'
placements on record and the places each enterprise has taken per year — is loaded in one query
each; the rows are checked in Python, earlier rows of the file counting like placements on record
(overlaps, places). A confirmed import locks the students and the enterprises first (PostgreSQL),
as the service does, and inserts the drafts in batches with their audit events.
"""

from collections import defaultdict
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import extract, func, select

from app.extensions import db
from app.imports import bulk, cells
from app.imports.reading import Table
from app.imports.services import Outcome, refused, repeated_row
from app.labels import agreement_name
from app.models import (
    Department,
    Enterprise,
    MentorProfile,
    Partnership,
    Placement,
    PlacementStatus,
    Role,
    StudentProfile,
    User,
)
from app.placements.services import HOLDING, _check_terms
from app.policy.placements import may_import
from app.rules import RuleViolation

# Service fields named by a RuleViolation -> the import column they come from.
FIELDS = {"student_id": "iin", "mentor_id": "mentor_email", "department_id": "department"}
KEY = ("student_id", "mentor_id", "start_date", "end_date")


def _day(value: date) -> str:
    return f"{value:%d.%m.%Y}"


class _Refs:
    """Everything the file's rows refer to, one query each."""

    def __init__(self, college_id: int, table: Table, lock: bool) -> None:
        iins = {cells.identifier(v.get("iin")) for _, v in table.rows} - {""}
        bins = {cells.identifier(v.get("bin")) for _, v in table.rows} - {""}
        emails = {cells.text(v.get("mentor_email")).lower() for _, v in table.rows} - {""}
        students = (select(StudentProfile.iin, User.id)
                    .join(User, User.id == StudentProfile.user_id)
                    .where(User.college_id == college_id, User.role == Role.STUDENT,
                           StudentProfile.iin.in_(iins)).order_by(User.id))
        enterprises = (select(Enterprise.id, Enterprise.bin, Enterprise.name,
                              Enterprise.intake_capacity)
                       .where(Enterprise.bin.in_(bins)).order_by(Enterprise.id))
        if lock:  # the caps are counted after these locks, as create_placement does
            students, enterprises = (students.with_for_update(of=User),
                                     enterprises.with_for_update())
        self.students = dict(db.session.execute(students).all())
        self.enterprises = {row.bin: row for row in db.session.execute(enterprises)}
        # Only the partner enterprises' foremen: whether an address exists elsewhere is not told.
        self.mentors = {row.email: row for row in db.session.execute(
            select(User.email, User.id, User.enterprise_id, User.active)
            .join(MentorProfile, MentorProfile.user_id == User.id)
            .join(Partnership, (Partnership.enterprise_id == User.enterprise_id)
                  & (Partnership.college_id == college_id))
            .where(User.role == Role.MENTOR, User.email.in_(emails)))}
        enterprise_ids = [row.id for row in self.enterprises.values()]
        self.departments = {
            (row.enterprise_id, row.name.lower()): row.id for row in db.session.execute(
                select(Department.id, Department.name, Department.enterprise_id)
                .where(Department.enterprise_id.in_(enterprise_ids)))}
        self.held: dict[int, list[Any]] = defaultdict(list)
        for row in db.session.execute(
                select(Placement.id, Placement.student_id, Placement.mentor_id,
                       Placement.start_date, Placement.end_date)
                .where(Placement.student_id.in_(list(self.students.values())),
                       Placement.status.in_(HOLDING))):
            self.held[row.student_id].append(row)
        year = extract("year", Placement.start_date)
        self.taken: dict[tuple[int, int], int] = defaultdict(int)
        for enterprise_id, in_year, count in db.session.execute(
                select(Placement.enterprise_id, year, func.count())
                .where(Placement.enterprise_id.in_(enterprise_ids),
                       Placement.status.in_(HOLDING))
                .group_by(Placement.enterprise_id, year)):
            self.taken[(enterprise_id, int(in_year))] = count


def import_placements(actor: User, college_id: int, table: Table, outcome: Outcome, *,
                      write: bool) -> None:
    """Check every row (six queries whatever the file's length); with `write`, save them."""
    if refusal := may_import(actor, college_id):
        outcome.refuse(None, None, refusal)
        return
    refs = _Refs(college_id, table, lock=write)
    new: list[dict[str, Any]] = []
    planned: dict[int, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    same = 0
    seen: dict[Any, int] = {}
    for number, values in table.rows:
        key = (cells.identifier(values.get("iin")), cells.text(values.get("mentor_email")).lower(),
               cells.text(values.get("start_date")), cells.text(values.get("end_date")))
        if repeated_row(outcome, seen, key, number):
            continue
        try:
            fields = _checked(values, refs)
            held = refs.held[fields["student_id"]]
            if any(tuple(getattr(p, k) for k in KEY) == tuple(fields[k] for k in KEY)
                   for p in held):
                same += 1  # already on record: a re-imported file creates no duplicate
                continue
            _check_free(fields, held, planned[fields["student_id"]])
            _check_place(fields, refs)
        except RuleViolation as violation:
            refused(outcome, table, number, violation, FIELDS)
            continue
        planned[fields["student_id"]].append((number, fields))
        refs.taken[(fields["enterprise_id"], fields["start_date"].year)] += 1
        new.append(fields)
    outcome.created, outcome.updated = len(new), same
    if write and outcome.ok:
        _write(actor, college_id, new)


def _checked(values: dict[str, Any], refs: _Refs) -> dict[str, Any]:
    iin = cells.identifier(values.get("iin"))
    student_id = refs.students.get(iin)
    if student_id is None:
        raise RuleViolation(_("Студента с ИИН %(iin)s нет в вашем колледже.", iin=iin[:12]),
                            "iin")
    bin_ = cells.identifier(values.get("bin"))
    enterprise = refs.enterprises.get(bin_)
    if enterprise is None:
        raise RuleViolation(_("Предприятия с БИН %(bin)s нет в системе: сначала "
                              "импортируйте или добавьте его.", bin=bin_[:12]), "bin")
    mentor = refs.mentors.get(cells.text(values.get("mentor_email")).lower())
    if mentor is None:
        raise RuleViolation(_("Наставник с этой почтой не найден среди наставников "
                              "предприятий-партнёров."), "mentor_email")
    if mentor.enterprise_id != enterprise.id:
        raise RuleViolation(_("Этот наставник работает на другом предприятии."), "mentor_email")
    if not mentor.active:
        raise RuleViolation(_("Такого наставника нет."), "mentor_email")
    department_id = None
    department = cells.text(values.get("department"))
    if department:
        department_id = refs.departments.get((enterprise.id, department.lower()))
        if department_id is None:
            raise RuleViolation(_("Такого цеха на предприятии нет."), "department")
    hours = cells.whole_number(values.get("required_hours"), "required_hours")
    start = cells.day(values.get("start_date"), "start_date")
    end = cells.day(values.get("end_date"), "end_date")
    number = cells.text(values.get("agreement_number"))
    _check_terms(start, end, hours if hours is not None else 0, number)
    return {
        "student_id": student_id, "enterprise_id": enterprise.id, "mentor_id": mentor.id,
        "department_id": department_id, "start_date": start, "end_date": end,
        "required_hours": hours, "agreement_number": number,
        "parent_consent_on": cells.day(values.get("parent_consent_on"), "parent_consent_on"),
        "enterprise": enterprise,
    }


def _check_free(fields: dict[str, Any], held: list[Any],
                planned: list[tuple[int, dict[str, Any]]]) -> None:
    """The student has no placement on record, nor an earlier row, on overlapping dates."""
    start, end = fields["start_date"], fields["end_date"]
    clash = next((p for p in held if p.start_date < end and p.end_date > start), None)
    if clash is not None:
        raise RuleViolation(
            _("У студента уже есть %(agreement)s на пересекающиеся даты "
              "(%(start)s – %(end)s).", agreement=agreement_name(clash),
              start=_day(clash.start_date), end=_day(clash.end_date)), "start_date")
    row = next((n for n, p in planned if p["start_date"] < end and p["end_date"] > start), None)
    if row is not None:
        raise RuleViolation(
            _("Даты пересекаются с договором этого студента в строке %(row)s.", row=row),
            "start_date")


def _check_place(fields: dict[str, Any], refs: _Refs) -> None:
    """The enterprise has a place left in the start date's year, earlier rows counted."""
    enterprise, year = fields["enterprise"], fields["start_date"].year
    if refs.taken[(enterprise.id, year)] >= enterprise.intake_capacity:
        # Places are taken by every college: other colleges' counts are not told.
        raise RuleViolation(
            _("У предприятия «%(name)s» не осталось мест на %(year)s год (%(capacity)s в год).",
              name=enterprise.name, year=year, capacity=enterprise.intake_capacity),
            "start_date")


def _write(actor: User, college_id: int, new: list[dict[str, Any]]) -> None:
    rows = [{k: v for k, v in fields.items() if k != "enterprise"}
            | {"college_id": college_id, "status": PlacementStatus.DRAFT} for fields in new]
    ids = bulk.insert_returning_ids(Placement, rows, KEY)
    events = []
    for row, new_id in zip(rows, ids, strict=True):
        changes = {k: [None, _plain(v)] for k, v in row.items() if v not in (None, "")}
        events.append(("created", "placements", new_id, changes))
    bulk.record_events(actor, events)


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return getattr(value, "value", value)
