"""Importing the rows of a file through the same services the forms use, rule for rule.

`run_import` writes inside the current transaction and reports every problem by row and column;
the caller commits only when there are none (all or nothing) and rolls back for a preview.
"""
# Savepoints are avoided on purpose: with the stdlib sqlite3 driver's default transaction
# handling a RELEASE SAVEPOINT outside an explicit BEGIN commits, which would break "nothing
# written" on SQLite.

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.domain.identifiers import birth_date_from_iin
from app.extensions import db
from app.imports import cells
from app.imports.reading import Table
from app.models import (
    Department,
    Enterprise,
    Group,
    MentorProfile,
    Partnership,
    Placement,
    Role,
    StudentProfile,
    User,
)
from app.rules import RuleViolation


@dataclass(frozen=True)
class Problem:
    """What is wrong, where: the file's row number and the column as its header names it."""

    row: int | None
    column: str | None
    message: str


@dataclass
class Outcome:
    kind: str
    total: int
    created: int = 0
    updated: int = 0
    problems: list[Problem] = field(default_factory=list)
    # Not errors: what the import did differently from what the row asked (shown in the preview).
    notes: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# Service fields named by a RuleViolation -> the import column they come from.
FIELD_COLUMNS = {
    "students": {"group_id": "group"},
    "enterprises": {},
    "placements": {"student_id": "iin", "mentor_id": "mentor_email",
                   "department_id": "department"},
}


def run_import(actor: User, college_id: int, table: Table) -> Outcome:
    """Save every row of the table for the coordinator's college, collecting every problem."""
    importer = _IMPORTERS[table.kind](actor, college_id, table)
    outcome = Outcome(kind=table.kind, total=len(table.rows))
    before = importer.count()
    seen: dict[Any, int] = {}
    for number, values in table.rows:
        key = importer.key(values)
        if key and key in seen:
            outcome.problems.append(Problem(
                number, None, _("Строка повторяет строку %(row)s.", row=seen[key])))
            continue
        if key:
            seen[key] = number
        try:
            # No savepoint per row: the services refuse before they write, and a file with
            # any problem is never committed, so a refused row leaves nothing behind.
            note = importer.save(values)
            if note:
                outcome.notes.append(Problem(number, None, note))
            db.session.flush()
        except RuleViolation as refusal:
            column = FIELD_COLUMNS[table.kind].get(refusal.field or "", refusal.field)
            outcome.problems.append(Problem(
                number, table.title_of(column) if column else None, refusal.message))
        except IntegrityError:
            db.session.rollback()
            outcome.problems.append(Problem(
                number, None, _("Строка противоречит данным, уже записанным в системе. "
                                "Следующие строки не проверены.")))
            return outcome
    created = importer.count() - before
    outcome.created = created
    outcome.updated = outcome.total - created - len({p.row for p in outcome.problems})
    return outcome


class _Importer:
    def __init__(self, actor: User, college_id: int, table: Table) -> None:
        self.actor, self.college_id, self.table = actor, college_id, table

    def key(self, values: dict[str, Any]) -> Any:
        raise NotImplementedError

    def count(self) -> int:
        raise NotImplementedError

    def save(self, values: dict[str, Any]) -> str | None:
        """Save one row; a note for the preview when the row was saved differently."""
        raise NotImplementedError

    def _values(self, column: str) -> set[str]:
        return {cells.identifier(v.get(column)) for _, v in self.table.rows}


def _group_code(code: str) -> str:
    return code.upper().replace("–", "-").replace("—", "-").replace(" ", "")


class _Students(_Importer):
    def __init__(self, *args) -> None:
        super().__init__(*args)
        self.groups = {
            _group_code(code): group_id for group_id, code in db.session.execute(
                select(Group.id, Group.code).where(Group.college_id == self.college_id))
        }

    def key(self, values):
        return cells.identifier(values.get("iin")) or None

    def count(self) -> int:
        return db.session.scalar(select(func.count()).select_from(User).where(
            User.college_id == self.college_id, User.role == Role.STUDENT)) or 0

    def save(self, values):
        from app.people.services import save_student

        iin = cells.identifier(values.get("iin"))
        written = cells.day(values.get("birth_date"), "birth_date")
        encoded = birth_date_from_iin(iin)
        if written and encoded and written != encoded:
            day = encoded.strftime("%d.%m.%Y")
            raise RuleViolation(
                _("Дата рождения не совпадает с ИИН: по ИИН — %(day)s.", day=day), "birth_date")
        code = cells.text(values.get("group"))
        group_id = self.groups.get(_group_code(code))
        if group_id is None:
            raise RuleViolation(
                _("Группы «%(code)s» нет в колледже: сначала добавьте её.", code=code[:40])
                if code else _("Укажите группу."), "group")
        save_student(
            self.actor, self.college_id,
            full_name=cells.text(values.get("full_name")), iin=iin, group_id=group_id,
            email=cells.text(values.get("email")) or None,
            phone=cells.text(values.get("phone")),
            guardian_name=cells.text(values.get("guardian_name")),
            guardian_phone=cells.text(values.get("guardian_phone")),
        )


class _Enterprises(_Importer):
    def key(self, values):
        return cells.identifier(values.get("bin")) or None

    def count(self) -> int:
        return db.session.scalar(select(func.count()).select_from(Enterprise)) or 0

    def save(self, values):
        from app.organisations.services import save_enterprise

        capacity = cells.whole_number(values.get("intake_capacity"), "intake_capacity")
        _enterprise, written = save_enterprise(
            self.actor, self.college_id,
            name=cells.text(values.get("name")), bin=cells.identifier(values.get("bin")),
            city=cells.text(values.get("city")), industry=cells.text(values.get("industry")),
            intake_capacity=capacity or 0,
            contact_name=cells.text(values.get("contact_name")),
            contact_phone=cells.text(values.get("contact_phone")),
            contact_email=cells.text(values.get("contact_email")),
        )
        if not written:
            return _("Предприятие с этим БИН уже есть в системе и добавлено в партнёры; его "
                     "данные ведёт представитель предприятия, поэтому запись оставлена без "
                     "изменений.")
        return None


class _Placements(_Importer):
    def __init__(self, *args) -> None:
        super().__init__(*args)
        # Everything the rows refer to, looked up once for the whole file.
        self.students = dict(db.session.execute(
            select(StudentProfile.iin, User.id)
            .join(User, User.id == StudentProfile.user_id)
            .where(User.college_id == self.college_id, StudentProfile.iin.in_(self._values("iin")))
        ).all())
        self.enterprises = dict(db.session.execute(
            select(Enterprise.bin, Enterprise.id).where(Enterprise.bin.in_(self._values("bin")))
        ).all())
        emails = {cells.text(v.get("mentor_email")).lower() for _, v in self.table.rows}
        # Only the partner enterprises' foremen: whether an address exists elsewhere is not told.
        self.mentors = {row.email: row for row in db.session.execute(
            select(User.email, User.id, User.enterprise_id)
            .join(MentorProfile, MentorProfile.user_id == User.id)
            .join(Partnership, (Partnership.enterprise_id == User.enterprise_id)
                  & (Partnership.college_id == self.college_id))
            .where(User.role == Role.MENTOR, User.email.in_(emails)))}
        self.departments = {
            (row.enterprise_id, row.name.lower()): row.id for row in db.session.execute(
                select(Department.id, Department.name, Department.enterprise_id)
                .where(Department.enterprise_id.in_(list(self.enterprises.values()))))
        }

    def key(self, values):
        return (cells.identifier(values.get("iin")), cells.text(values.get("mentor_email")).lower(),
                cells.text(values.get("start_date")), cells.text(values.get("end_date")))

    def count(self) -> int:
        return db.session.scalar(select(func.count()).select_from(Placement).where(
            Placement.college_id == self.college_id)) or 0

    def save(self, values):
        from app.placements.services import create_placement

        iin = cells.identifier(values.get("iin"))
        student_id = self.students.get(iin)
        if student_id is None:
            raise RuleViolation(_("Студента с ИИН %(iin)s нет в вашем колледже.",
                                  iin=iin[:12]), "iin")
        bin_ = cells.identifier(values.get("bin"))
        enterprise_id = self.enterprises.get(bin_)
        if enterprise_id is None:
            raise RuleViolation(_("Предприятия с БИН %(bin)s нет в системе: сначала "
                                  "импортируйте или добавьте его.", bin=bin_[:12]), "bin")
        email = cells.text(values.get("mentor_email")).lower()
        mentor = self.mentors.get(email)
        if mentor is None:
            raise RuleViolation(_("Наставник с этой почтой не найден среди наставников "
                                  "предприятий-партнёров."), "mentor_email")
        if mentor.enterprise_id != enterprise_id:
            raise RuleViolation(_("Этот наставник работает на другом предприятии."),
                                "mentor_email")
        department_id = None
        department = cells.text(values.get("department"))
        if department:
            department_id = self.departments.get((enterprise_id, department.lower()))
            if department_id is None:
                raise RuleViolation(_("Такого цеха на предприятии нет."), "department")
        hours = cells.whole_number(values.get("required_hours"), "required_hours")
        create_placement(
            self.actor, college_id=self.college_id, student_id=student_id,
            mentor_id=mentor.id, department_id=department_id,
            start_date=cells.day(values.get("start_date"), "start_date"),
            end_date=cells.day(values.get("end_date"), "end_date"),
            required_hours=hours if hours is not None else 0,
            agreement_number=cells.text(values.get("agreement_number")),
            parent_consent_on=cells.day(values.get("parent_consent_on"), "parent_consent_on"),
        )


_IMPORTERS: dict[str, Callable[..., _Importer]] = {
    "students": _Students,
    "enterprises": _Enterprises,
    "placements": _Placements,
}


def example_rows(kind: str) -> list[list[str]]:
    """A tiny example of a correct file, for the upload page."""
    return {
        "students": [["ФИО", "ИИН", "Группа", "Телефон", "Дата рождения"],
                     ["Ким Данияр Нурланович", "070310590889", "СВ-23-1", "+7 708 897 34 34",
                      "10.03.2007"]],
        "enterprises": [["Наименование", "БИН", "Город", "Отрасль", "Мест в год"],
                        ["ТОО «Риддер Строй»", "160750983883", "Риддер", "Строительство", "8"]],
        "placements": [["ИИН студента", "БИН предприятия", "E-mail наставника", "Начало",
                        "Окончание", "Часы"],
                       ["070310590889", "160750983883", "master@ridder-stroy.kz",
                        f"{date(2026, 9, 1):%d.%m.%Y}", f"{date(2026, 12, 25):%d.%m.%Y}", "480"]],
    }[kind]
