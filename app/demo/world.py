"""The demo world's builders: each adds the rows of one domain object through the bulk writer
and returns what later objects need (ids, dates), never ORM objects."""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from app.demo import catalogue, legal
from app.demo.calendar import NOW, at, eighteenth_birthday
from app.demo.kazakh import kazakh
from app.demo.names import MENTOR_POSITIONS, NameBook
from app.demo.writer import BulkWriter
from app.domain.identifiers import make_bin, make_iin
from app.models import PlacementStatus, Role

DEMO_DOMAIN = "demo.shakirt.kz"


INSTRUCTORS = ("Инженер по охране труда Сергеев П. А.", "Инженер по охране труда Абенова Ж. К.",
               "Мастер участка Ким Р. В.")


def split_hours(total: int, parts: int) -> list[int]:
    """`total` hours over `parts` modules, in whole tens, adding up exactly."""
    if parts == 0:
        return []
    share = total // parts // 10 * 10
    return [share] * (parts - 1) + [total - share * (parts - 1)]


@dataclass(frozen=True)
class SpecialtyRef:
    id: int
    college_id: int
    plan: catalogue.SpecialtyPlan
    competency_ids: tuple[int, ...]


@dataclass(frozen=True)
class EnterpriseRef:
    id: int
    name: str
    city: str
    industry: str
    department_ids: tuple[int, ...]


@dataclass(frozen=True)
class StudentRef:
    id: int
    college_id: int
    specialty: SpecialtyRef
    birth_date: date


@dataclass(frozen=True)
class PlacementRef:
    id: int
    student: StudentRef
    mentor_id: int
    enterprise_id: int
    start: date
    end: date
    status: PlacementStatus


class World:
    """Adds the demo world's objects, keeping identifiers unique and the random draws seeded."""

    def __init__(self, writer: BulkWriter, rng: random.Random, password_hash: str) -> None:
        self.writer = writer
        self.rng = rng
        self.names = NameBook(rng)
        self.password_hash = password_hash
        self._iins: set[str] = set()
        self._bins: set[str] = set()
        self._partnerships: set[tuple[int, int]] = set()
        self._serial = 0
        self._email_serial: dict[str, int] = {}

    def _next_serial(self) -> int:
        self._serial += 1
        return self._serial

    def _unique_bin(self, registered: date) -> str:
        serial = self._next_serial()
        while (number := make_bin(registered, serial)) in self._bins:
            serial += 1
        self._bins.add(number)
        return number

    def _unique_iin(self, born: date, female: bool) -> str:
        serial = self.rng.randrange(10_000)
        while (number := make_iin(born, serial, female)) in self._iins:
            serial += 1
        self._iins.add(number)
        return number

    def email(self, role: Role) -> str:
        """A generated account's address, e.g. mentor.000042@demo.shakirt.kz."""
        n = self._email_serial.get(role.value, 0) + 1
        self._email_serial[role.value] = n
        return f"{role.value}.{n:06d}@{DEMO_DOMAIN}"

    # --- organisations ------------------------------------------------------------------------

    def college(self, name: str, city: str) -> int:
        registered = date(1995 + self.rng.randrange(25), 1 + self.rng.randrange(12), 1)
        bin_ = self._unique_bin(registered)
        return self.writer.add("colleges", name=name, name_kk=kazakh(name), city=city, bin=bin_,
                               **legal.details(bin_, city, enterprise=False))

    def specialty(self, college_id: int, plan: catalogue.SpecialtyPlan) -> SpecialtyRef:
        specialty_id = self.writer.add("specialties", college_id=college_id, code=plan.code,
                                       name=plan.name, name_kk=kazakh(plan.name),
                                       qualification=plan.qualification)
        competency_ids = tuple(
            self.writer.add("competencies", specialty_id=specialty_id, name=name,
                            name_kk=kazakh(name), position=i,
                            code=catalogue.competency_code(plan, i))
            for i, name in enumerate(plan.competencies)
        )
        # The specialty's plan template: the modules share a typical 1,200-hour year.
        for competency_id, hours in zip(competency_ids, split_hours(1200, len(competency_ids)),
                                        strict=True):
            self.writer.add("plan_template_modules", competency_id=competency_id,
                            planned_hours=hours)
        return SpecialtyRef(specialty_id, college_id, plan, competency_ids)

    def group(self, specialty: SpecialtyRef, intake_year: int, number: int = 1) -> int:
        code = f"{specialty.plan.group_prefix}-{intake_year % 100:02d}-{number}"
        return self.writer.add("groups", college_id=specialty.college_id,
                               specialty_id=specialty.id, code=code, intake_year=intake_year)

    def enterprise(self, name: str, city: str, industry: str, capacity: int,
                   departments: tuple[str, ...]) -> EnterpriseRef:
        registered = date(1992 + self.rng.randrange(30), 1 + self.rng.randrange(12), 1)
        contact, _ = self.names.person()
        bin_ = self._unique_bin(registered)
        enterprise_id = self.writer.add(
            "enterprises", name=name, name_kk=kazakh(name), bin=bin_, city=city,
            industry=industry, intake_capacity=capacity, contact_name=contact,
            contact_phone=self.names.phone(), **legal.details(bin_, city, enterprise=True),
        )
        department_ids = tuple(
            self.writer.add("departments", enterprise_id=enterprise_id, name=department,
                            name_kk=kazakh(department))
            for department in departments
        )
        return EnterpriseRef(enterprise_id, name, city, industry, department_ids)

    def partnership(self, college_id: int, enterprise_id: int) -> None:
        if (college_id, enterprise_id) not in self._partnerships:
            self._partnerships.add((college_id, enterprise_id))
            self.writer.add("partnerships", college_id=college_id, enterprise_id=enterprise_id)

    # --- people -------------------------------------------------------------------------------

    def user(self, role: Role, email: str, full_name: str | None = None,
             college_id: int | None = None, enterprise_id: int | None = None) -> int:
        full_name = full_name or self.names.person()[0]
        return self.writer.add(
            "users", email=email, password_hash=self.password_hash, full_name=full_name,
            role=role, college_id=college_id, enterprise_id=enterprise_id,
            phone=self.names.phone(), locale=None,
        )

    def mentor(self, email: str, enterprise: EnterpriseRef, cap: int,
               full_name: str | None = None) -> int:
        user_id = self.user(Role.MENTOR, email, full_name, enterprise_id=enterprise.id)
        self.writer.add("mentor_profiles", user_id=user_id,
                        department_id=self.rng.choice(enterprise.department_ids),
                        position=self.rng.choice(MENTOR_POSITIONS), trainee_cap=cap)
        return user_id

    def student(self, email: str, specialty: SpecialtyRef, group_id: int, born: date,
                graduation_year: int | None = None, full_name: str | None = None,
                female: bool | None = None) -> StudentRef:
        if full_name is None:
            full_name, female = self.names.person(female)
        user_id = self.user(Role.STUDENT, email, full_name, college_id=specialty.college_id)
        guardian = ""
        # A guardian is on file for anyone under 18 during the last or the current school year.
        if eighteenth_birthday(born) > date(2025, 9, 1):
            guardian = self.names.person(female=True)[0]
        self.writer.add(
            "student_profiles", user_id=user_id, iin=self._unique_iin(born, bool(female)),
            birth_date=born, group_id=group_id, guardian_name=guardian,
            guardian_phone=self.names.phone() if guardian else "", graduation_year=graduation_year,
        )
        return StudentRef(user_id, specialty.college_id, specialty, born)

    # --- placements and their paperwork --------------------------------------------------------

    def placement(self, student: StudentRef, enterprise: EnterpriseRef, mentor_id: int,
                  start: date, end: date, status: PlacementStatus, required_hours: int,
                  **extra) -> PlacementRef:
        """A dual-training agreement; a minor's parent consent is on file before the start."""
        self.partnership(student.college_id, enterprise.id)
        minor = eighteenth_birthday(student.birth_date) > start
        placement_id = self.writer.next_id("placements")
        fields = {
            "activated_at": at(start - timedelta(days=3), 5)
            if status != PlacementStatus.DRAFT else None,
            "parent_consent_on": start - timedelta(days=10) if minor else None,
            # Agreements in force went round the parties first (app/placements/acceptance.py).
            **({"sent_at": at(start - timedelta(days=14), 5),
                "accepted_at": at(start - timedelta(days=12), 6),
                "acknowledged_at": at(start - timedelta(days=11), 9),
                "guardian_confirmed_at": at(start - timedelta(days=10), 13) if minor else None}
               if status != PlacementStatus.DRAFT else {}),
            "agreement_number": f"ДО-{start.year}/{placement_id:06d}",
            "department_id": self.rng.choice(enterprise.department_ids),
            "created_at": at(start - timedelta(days=20), 6),
            "updated_at": NOW if status != PlacementStatus.ACTIVE else at(start, 4),
            **extra,
        }
        self.writer.add(
            "placements", id=placement_id, student_id=student.id, college_id=student.college_id,
            enterprise_id=enterprise.id, mentor_id=mentor_id, start_date=start, end_date=end,
            required_hours=required_hours, status=status, **fields,
        )
        if status != PlacementStatus.DRAFT:
            self._induction_and_plan(placement_id, student, mentor_id, start, required_hours)
        return PlacementRef(placement_id, student, mentor_id, enterprise.id, start, end, status)

    def _induction_and_plan(self, placement_id: int, student: StudentRef, mentor_id: int,
                            start: date, required_hours: int) -> None:
        """The first day's safety inductions, confirmed by the trainee, and the agreement's own
        copy of the plan, scaled to its hours."""
        instructor = INSTRUCTORS[placement_id % len(INSTRUCTORS)]  # no draw: the seed's world stays
        for kind, hour in (("introductory", 3), ("workplace", 4)):
            self.writer.add("safety_inductions", placement_id=placement_id, kind=kind,
                            held_on=start, instructor=instructor, recorded_by_id=mentor_id,
                            confirmed_at=at(start, hour + 1), created_at=at(start, hour),
                            updated_at=at(start, hour + 1))
        competencies = student.specialty.competency_ids
        for competency_id, hours in zip(competencies,
                                        split_hours(required_hours, len(competencies)),
                                        strict=True):
            self.writer.add("plan_modules", placement_id=placement_id,
                            competency_id=competency_id, planned_hours=hours)

    def assessment(self, placement: PlacementRef, kind: str, grade: int, on: date,
                   characterisation: str, recommendation: str | None = None) -> int:
        """A submitted mid-term or final assessment with a rating for every competency."""
        score = {5: 92, 4: 81, 3: 67, 2: 45}[grade] + self.rng.randrange(4)
        assessment_id = self.writer.add(
            "assessments", placement_id=placement.id, kind=kind, mentor_id=placement.mentor_id,
            grade=grade, characterisation=characterisation,
            hire_recommendation=recommendation, submitted_at=at(on, 9),
            college_score=score if kind == "final" else None,
            created_at=at(on, 8), updated_at=at(on, 9),
        )
        for competency_id in placement.student.specialty.competency_ids:
            rating = max(1, min(5, grade + self.rng.choice((-1, 0, 0, 0, 1))))
            self.writer.add("competency_ratings", assessment_id=assessment_id,
                            competency_id=competency_id, rating=rating)
        return assessment_id
