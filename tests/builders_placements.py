"""A coordinator's little world for placement and import tests, built from the shared builders."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.models import (
    Assessment,
    AssessmentKind,
    Partnership,
    Placement,
    Role,
    User,
    utcnow,
)
from app.placements import acceptance
from tests import builders

START = date(2026, 9, 1)
END = date(2026, 12, 25)


@dataclass
class World:
    coordinator: User
    student: User
    mentor: User

    @property
    def college(self):
        return self.coordinator.college

    @property
    def enterprise(self):
        return self.mentor.enterprise

    @property
    def group(self):
        return self.student.student_profile.group


def world(capacity: int = 20, trainee_cap: int = 8, born: date = date(2005, 4, 12)) -> World:
    """A coordinator, an adult student of the college, a mentor at a partner enterprise."""
    college = builders.college()
    group = builders.group(college)
    enterprise = builders.enterprise(intake_capacity=capacity)
    db.session.add(Partnership(college_id=college.id, enterprise_id=enterprise.id))
    return World(
        coordinator=builders.coordinator(college),
        student=builders.student(group, born=born),
        mentor=builders.mentor(enterprise, trainee_cap=trainee_cap),
    )


def terms(w: World, **overrides) -> dict:
    """Valid keyword arguments for create_placement."""
    return {
        "college_id": w.college.id,
        "student_id": w.student.id,
        "mentor_id": w.mentor.id,
        "start_date": START,
        "end_date": END,
        "required_hours": 480,
        **overrides,
    }


def form_data(w: World, **overrides) -> dict:
    """The same terms as the placement form posts them."""
    data = {
        "student_id": str(w.student.id),
        "mentor_id": str(w.mentor.id),
        "department_id": "",
        "start_date": START.isoformat(),
        "end_date": END.isoformat(),
        "required_hours": "480",
        "agreement_number": "ДО-17",
        "parent_consent_on": "",
    }
    data.update({k: str(v) for k, v in overrides.items()})
    return data


def final_assessment(placement: Placement, submitted: bool = True) -> Assessment:
    obj = Assessment(placement=placement, kind=AssessmentKind.FINAL, mentor_id=placement.mentor_id,
                     grade=5, submitted_at=utcnow() if submitted else None)
    db.session.add(obj)
    db.session.flush()
    return obj


def agreed(placement: Placement, *, guardian: bool = True) -> Placement:
    """Take a draft through the parties' acceptance by the real services: the college's
    coordinator sends it, the enterprise's HR accepts it, the trainee acknowledges it and, for a
    minor (unless `guardian` is False), the guardian confirms it through a one-time link."""
    coordinator = db.session.scalar(select(User).where(
        User.role == Role.COORDINATOR, User.college_id == placement.college_id).limit(1))
    employer = db.session.scalar(select(User).where(
        User.role == Role.EMPLOYER, User.enterprise_id == placement.enterprise_id,
        User.password_hash.is_not(None)).limit(1)) or builders.employer(placement.enterprise)
    acceptance.send_to_enterprise(coordinator, placement, None, utcnow())
    acceptance.accept(employer, placement, None, utcnow())
    acceptance.acknowledge(placement.student, placement, None, utcnow())
    if guardian and acceptance.needs_guardian(placement):
        _link, token = acceptance.issue_guardian_link(coordinator, placement, utcnow())
        acceptance.confirm_by_guardian(token, utcnow(), utcnow().date())
    db.session.flush()
    return placement


def active_agreement(today: date) -> tuple[World, Placement]:
    """A world with the enterprise's HR and an agreement in force: drafted, accepted by the
    parties and brought into force on `today`."""
    from app.placements import services

    w = world()
    w.employer = builders.employer(w.enterprise)  # type: ignore[attr-defined]
    placement = agreed(services.create_placement(w.coordinator, **terms(w)))
    services.activate_placement(w.coordinator, placement, today)
    db.session.commit()
    return w, placement
