"""Builders for competencies, assessments and graduates' outcomes."""

from datetime import date, datetime

from app.extensions import db
from app.models import (
    Assessment,
    AssessmentKind,
    Competency,
    CompetencyRating,
    GraduateOutcome,
    HireRecommendation,
    OfferStatus,
    OutcomeKind,
    Placement,
    RetentionCheck,
    Specialty,
    User,
)
from tests import builders


def competencies(specialty: Specialty, count: int = 3) -> list[Competency]:
    """A specialty's training-plan competencies."""
    found = []
    for position in range(1, count + 1):
        competency = Competency(specialty=specialty, code=f"ПК {specialty.id}.{position}",
                                name=f"Компетенция {position}", position=position)
        db.session.add(competency)
        found.append(competency)
    db.session.flush()
    return found


def trainee_with_competencies(mentor_: User | None = None, count: int = 3, **kw):
    """An active placement whose student's specialty has `count` competencies."""
    group = builders.group()
    comps = competencies(group.specialty, count)
    placement = builders.placement(builders.student(group), mentor_, **kw)
    return placement, comps


def assessment(placement: Placement, kind: AssessmentKind = AssessmentKind.FINAL,
               submitted: bool = True, grade: int = 5,
               recommendation: HireRecommendation = HireRecommendation.YES,
               ratings: dict[int, int] | None = None) -> Assessment:
    """An assessment written straight to the database (the services are tested on their own)."""
    obj = Assessment(
        placement=placement, kind=kind, mentor_id=placement.mentor_id, grade=grade,
        characterisation="Аккуратен, соблюдает технику безопасности.",
        hire_recommendation=recommendation,
        submitted_at=datetime(2025, 5, 20, 10, 0) if submitted else None,
    )
    for competency_id, rating in (ratings or {}).items():
        obj.ratings.append(CompetencyRating(competency_id=competency_id, rating=rating))
    db.session.add(obj)
    db.session.flush()
    return obj


def outcome(student: User | None = None, placement: Placement | None = None,
            kind: OutcomeKind = OutcomeKind.UNKNOWN, graduated_on: date = date(2025, 6, 30),
            outcome_date: date | None = None, offer: OfferStatus = OfferStatus.NONE,
            **kw) -> GraduateOutcome:
    """A graduate's ledger record; with a placement, its enterprise is the host."""
    if student is None:
        student = placement.student if placement is not None else builders.student()
    obj = GraduateOutcome(
        student=student,
        college_id=student.college_id,
        specialty_id=student.student_profile.group.specialty_id,
        graduation_year=graduated_on.year,
        graduated_on=graduated_on,
        placement=placement,
        host_enterprise_id=placement.enterprise_id if placement is not None else None,
        outcome=kind,
        outcome_date=outcome_date,
        employer_name=kw.pop("employer_name", "ТОО «Завод»" if outcome_date else ""),
        offer_status=offer,
        **kw,
    )
    db.session.add(obj)
    db.session.flush()
    return obj


def retention_check(outcome_: GraduateOutcome, months: int, checked_on: date,
                    still_employed: bool = True) -> RetentionCheck:
    obj = RetentionCheck(outcome=outcome_, months=months, checked_on=checked_on,
                         still_employed=still_employed)
    db.session.add(obj)
    db.session.flush()
    return obj
