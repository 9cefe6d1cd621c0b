"""What became of the 2025 graduates: a cohort with exact totals, offers, retention checks."""

import random
from datetime import date, timedelta

from app.demo.calendar import TODAY, add_months, at
from app.demo.world import PlacementRef, StudentRef, World
from app.models import OfferStatus, OutcomeKind

GRADUATION_YEAR = 2025
# Share of graduates hired by their host: about 10% in Kazakhstan (KAZDUAL study).
HIRED_BY_HOST_SHARE = 0.10
# How graduates outside the specialty split (the rest of the cohort), in order.
OTHER_SHARES = (
    (OutcomeKind.EMPLOYED_OUTSIDE, 0.35),
    (OutcomeKind.STUDYING, 0.22),
    (OutcomeKind.MILITARY, 0.15),
    (OutcomeKind.NOT_EMPLOYED, 0.18),
)
OUTSIDE_POSITIONS = ("продавец-консультант", "водитель", "оператор call-центра", "официант")
NOTES = {
    OutcomeKind.STUDYING: "Продолжает обучение в вузе по сокращённой программе",
    OutcomeKind.MILITARY: "Срочная воинская служба",
    OutcomeKind.NOT_EMPLOYED: "Состоит на учёте в центре занятости",
}


def cohort(graduates: int, in_specialty: int, rng: random.Random) -> list[OutcomeKind]:
    """Outcome kinds for a cohort with exactly `graduates` people, `in_specialty` of them
    employed in their specialty (hired by the host or elsewhere), shuffled."""
    if not 0 <= in_specialty <= graduates:
        raise ValueError("in_specialty must be between 0 and graduates")
    hired = min(in_specialty, round(graduates * HIRED_BY_HOST_SHARE))
    kinds = [OutcomeKind.HIRED_BY_HOST] * hired
    kinds += [OutcomeKind.EMPLOYED_IN_SPECIALTY] * (in_specialty - hired)
    rest = graduates - in_specialty
    for kind, share in OTHER_SHARES:
        kinds += [kind] * int(rest * share)
    kinds += [OutcomeKind.UNKNOWN] * (graduates - len(kinds))
    rng.shuffle(kinds)
    return kinds


def write_outcome(world: World, student: StudentRef, placement: PlacementRef | None,
                  kind: OutcomeKind, host_name: str = "", other_employer: str = "",
                  hired_on: date | None = None, checks: int = 2) -> int:
    """Add a graduate's outcome; the employed get up to `checks` retention checks (6, then 12
    months) whose time has come — a check left out is due."""
    rng = world.rng
    graduated = date(GRADUATION_YEAR, 6, 30)
    qualification = student.specialty.plan.qualification
    employed = kind in (OutcomeKind.HIRED_BY_HOST, OutcomeKind.EMPLOYED_IN_SPECIALTY,
                        OutcomeKind.EMPLOYED_OUTSIDE)
    outcome_date = None
    if kind != OutcomeKind.UNKNOWN:
        outcome_date = hired_on or graduated + timedelta(days=rng.randrange(1, 75))
    offer, offer_date = OfferStatus.NONE, None
    if placement is not None and kind == OutcomeKind.HIRED_BY_HOST:
        offer, offer_date = OfferStatus.ACCEPTED, graduated - timedelta(days=rng.randrange(5, 40))
    elif placement is not None and kind == OutcomeKind.EMPLOYED_IN_SPECIALTY and rng.random() < .2:
        offer, offer_date = OfferStatus.DECLINED, graduated - timedelta(days=rng.randrange(5, 40))
    employer = {
        OutcomeKind.HIRED_BY_HOST: host_name,
        OutcomeKind.EMPLOYED_IN_SPECIALTY: other_employer,
        OutcomeKind.EMPLOYED_OUTSIDE: other_employer,
    }.get(kind, "")
    position = qualification if kind in (OutcomeKind.HIRED_BY_HOST,
                                         OutcomeKind.EMPLOYED_IN_SPECIALTY) else ""
    if kind == OutcomeKind.EMPLOYED_OUTSIDE:
        position = rng.choice(OUTSIDE_POSITIONS)
    stamp = at(outcome_date or graduated + timedelta(days=90), 6)
    outcome_id = world.writer.add(
        "graduate_outcomes", student_id=student.id, college_id=student.college_id,
        specialty_id=student.specialty.id, graduation_year=GRADUATION_YEAR,
        graduated_on=graduated, placement_id=placement.id if placement else None,
        host_enterprise_id=placement.enterprise_id if placement else None, outcome=kind,
        employer_name=employer, position=position, outcome_date=outcome_date,
        offer_status=offer, offer_date=offer_date, note=NOTES.get(kind, ""),
        created_at=stamp, updated_at=stamp,
    )
    if employed and outcome_date is not None:
        still = True
        for months in (6, 12)[:checks]:
            due = add_months(outcome_date, months)
            if due > TODAY or not still:
                break
            still = rng.random() < 0.9
            world.writer.add(
                "retention_checks", outcome_id=outcome_id, months=months,
                checked_on=min(due + timedelta(days=rng.randrange(0, 10)), TODAY),
                still_employed=still, note="" if still else "Уволился по собственному желанию",
            )
    return outcome_id
