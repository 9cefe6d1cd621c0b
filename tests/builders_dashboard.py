"""Builders for the dashboards' inputs: final assessments, graduate outcomes, retention checks,
reviewed diary entries, and a small world of them to grow for the query-count checks."""

from datetime import date, datetime, timedelta

from app.extensions import db
from app.models import (
    Assessment,
    AssessmentKind,
    DiaryEntry,
    EntryStatus,
    GraduateOutcome,
    HireRecommendation,
    OfferStatus,
    OutcomeKind,
    Placement,
    PlacementStatus,
    RetentionCheck,
    User,
)
from tests import builders


def final_assessment(placement: Placement,
                     recommendation: HireRecommendation = HireRecommendation.YES,
                     submitted: bool = True, **kw) -> Assessment:
    obj = Assessment(
        placement=placement, kind=AssessmentKind.FINAL, mentor_id=placement.mentor_id,
        grade=kw.pop("grade", 5), characterisation=kw.pop("characterisation", "Старателен."),
        hire_recommendation=recommendation,
        submitted_at=datetime(2025, 5, 20, 10, 0) if submitted else None, **kw,
    )
    db.session.add(obj)
    db.session.flush()
    return obj


def outcome(placement: Placement | None = None, kind: OutcomeKind = OutcomeKind.UNKNOWN,
            year: int = 2025, offer: OfferStatus = OfferStatus.NONE,
            student: User | None = None, **kw) -> GraduateOutcome:
    """A graduate's outcome, linked to the placement (and its host) when one is given."""
    student = student or (placement.student if placement else builders.student())
    group = student.student_profile.group
    obj = GraduateOutcome(
        student=student, college_id=student.college_id, specialty_id=group.specialty_id,
        graduation_year=year, graduated_on=date(year, 6, 30),
        placement_id=placement.id if placement else None,
        host_enterprise_id=placement.enterprise_id if placement else None,
        outcome=kind, offer_status=offer,
        outcome_date=date(year, 7, 15) if kind != OutcomeKind.UNKNOWN else None, **kw,
    )
    db.session.add(obj)
    db.session.flush()
    return obj


def retention(outcome_: GraduateOutcome, months: int = 12, still: bool = True) -> RetentionCheck:
    obj = RetentionCheck(outcome=outcome_, months=months, still_employed=still,
                         checked_on=outcome_.graduated_on + timedelta(days=31 * months))
    db.session.add(obj)
    db.session.flush()
    return obj


def signed_entry(placement: Placement, day: date, hours: float = 6,
                 waited_hours: float = 2) -> DiaryEntry:
    """An approved diary entry, signed off `waited_hours` after it was submitted."""
    submitted = datetime.combine(day, datetime.min.time()) + timedelta(hours=18)
    return builders.entry(placement, day, hours=hours, status=EntryStatus.APPROVED,
                          submitted_at=submitted,
                          reviewed_at=submitted + timedelta(hours=waited_hours),
                          reviewed_by_id=placement.mentor_id)


def hired_trainee(mentor: User, group, year: int = 2025) -> GraduateOutcome:
    """A trainee who completed, was recommended, got and accepted the offer, and stayed."""
    placement = builders.placement(builders.student(group), mentor,
                                   status=PlacementStatus.COMPLETED,
                                   start=date(year - 1, 9, 1), end_date=date(year, 5, 31))
    signed_entry(placement, date(year, 3, 3), hours=6, waited_hours=3)
    builders.entry(placement, date(year, 3, 4), hours=4)
    final_assessment(placement)
    found = outcome(placement, OutcomeKind.HIRED_BY_HOST, year, OfferStatus.ACCEPTED)
    retention(found, 12, still=True)
    return found


def grow(mentor: User, group, trainees: int, year: int = 2025) -> None:
    """Add trainees at every stage of the funnel, so every figure has more rows to add up."""
    for n in range(trainees):
        hired_trainee(mentor, group, year)
        other_mentor = builders.mentor(mentor.enterprise)
        other = builders.placement(builders.student(group), other_mentor,
                                   status=PlacementStatus.COMPLETED,
                                   start=date(year - 1, 9, 1), end_date=date(year, 5, 31))
        signed_entry(other, date(year, 2, 3) + timedelta(days=7 * n), waited_hours=n + 1)
        outcome(other, OutcomeKind.EMPLOYED_OUTSIDE, year)
        elsewhere = builders.placement(mentor_=builders.mentor(),
                                       status=PlacementStatus.COMPLETED,
                                       start=date(year - 2, 9, 1), end_date=date(year - 1, 5, 31))
        outcome(elsewhere, OutcomeKind.EMPLOYED_IN_SPECIALTY, year - 1)
