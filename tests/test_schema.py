"""The schema: built by the migrations, with no drift from the models, enforcing the rules."""

from datetime import date

import pytest
from alembic.util.exc import CommandError
from flask_migrate import check
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import DiaryEntry, Placement, PlacementStatus
from tests import builders


def test_migrations_match_the_models(app, capsys):
    try:
        check()
    except CommandError as drift:  # pragma: no cover - the assertion explains
        pytest.fail(f"models and migrations differ: {drift}")


def test_one_diary_entry_per_placement_per_date(app):
    placement = builders.placement()
    builders.entry(placement, date(2026, 10, 1))
    with pytest.raises(IntegrityError):
        builders.entry(placement, date(2026, 10, 1))
    db.session.rollback()


@pytest.mark.parametrize("minutes", [-30, 1470, 45])
def test_database_refuses_impossible_hours(app, minutes):
    placement = builders.placement()
    db.session.add(DiaryEntry(placement=placement, work_date=date(2026, 10, 2), minutes=minutes))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_database_refuses_placement_ending_before_it_starts(app):
    with pytest.raises(IntegrityError):
        builders.placement(start=date(2026, 9, 1), end_date=date(2026, 8, 1))
    db.session.rollback()


def test_terminated_placement_needs_its_date(app):
    placement = builders.placement()
    placement.status = PlacementStatus.TERMINATED
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(Placement, placement.id) is None
