"""Helpers for the diary tests: a week in the past and the form data of a diary week."""

from datetime import date, timedelta

from app.models import (
    Competency,
    InductionKind,
    Placement,
    SafetyInduction,
    User,
    utcnow,
)
from app.practice.weeks import Week
from tests import builders


def last_week() -> Week:
    """Last week: every day already past and inside a placement that began four weeks ago."""
    return Week.of(date.today() - timedelta(weeks=1))


def placement_born(born: date, **kw) -> Placement:
    """An active placement of a trainee born on `born`."""
    return builders.placement(builders.student(born=born), **kw)


def induct(placement: Placement, held_on: date | None = None,
           kind: InductionKind = InductionKind.INTRODUCTORY, confirm: bool = True,
           by: User | None = None) -> SafetyInduction:
    """The enterprise's safety induction (on the first day by default), through the services;
    the trainee confirms it unless `confirm` is False."""
    from app import clock
    from app.training import services

    induction = services.record_induction(by or placement.mentor, placement, kind,
                                          held_on or placement.start_date, "Инженер по ОТ Петров",
                                          today=clock.today())
    if confirm:
        services.confirm_induction(placement.student, induction, now=utcnow())
    return induction


def competency(placement: Placement, code: str = "ПК-1") -> Competency:
    from app.extensions import db

    obj = Competency(specialty_id=placement.student.student_profile.group.specialty_id,
                     code=code, name="Сварка металлов", position=1)
    db.session.add(obj)
    db.session.flush()
    return obj


def week_form(rows: list[dict], action: str = "save") -> dict:
    """Form data of the diary week: rows of {date, hours, activity, competency, version}."""
    data: dict = {}
    for i, row in enumerate(rows):
        data[f"days-{i}-work_date"] = row["date"].isoformat()
        data[f"days-{i}-hours"] = str(row.get("hours", ""))
        data[f"days-{i}-activity"] = row.get("activity", "")
        data[f"days-{i}-competency"] = str(row.get("competency") or "")
        data[f"days-{i}-version"] = str(row.get("version") or "")
    if action == "save":
        data["save"] = "y"
    elif action == "week":
        data["submit_week"] = "y"
    else:
        data["submit_day"] = action
    return data


def diary_url(placement: Placement, week: Week) -> str:
    return f"/diary/{placement.id}?week={week.code}"
