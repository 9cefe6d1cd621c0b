"""Placements from a file: each row drafted through the placement service, rule for rule.

Unlike students and enterprises these rows go through `create_placement` one by one (its caps,
overlaps and locks are per row); the caller rolls the transaction back for a preview.
"""

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.extensions import db
from app.imports import cells
from app.imports.reading import Table
from app.models import (
    Department,
    Enterprise,
    MentorProfile,
    Partnership,
    Placement,
    Role,
    StudentProfile,
    User,
)
from app.rules import RuleViolation


class PlacementRows:
    """Checks and drafts each row through the placement service (its caps are per row)."""

    def __init__(self, actor: User, college_id: int, table: Table) -> None:
        self.actor, self.college_id, self.table = actor, college_id, table
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

    def _values(self, column: str) -> set[str]:
        return {cells.identifier(v.get(column)) for _, v in self.table.rows}

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
