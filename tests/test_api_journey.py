"""The API's Done-when, as another system would do it over HTTP (examples/api_journey.py against
a live server): a foreman's token signs a trainee's week, an enterprise's system token records a
hire, an admin's token reads the region's figures; and a stale or foreign attempt is refused."""

import importlib.util
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, DiaryEntry, EntryStatus, OutcomeKind, PlacementStatus
from tests import builders, builders_outcomes
from tests.builders_api import organisation, personal
from tests.builders_practice import last_week

SCRIPT = Path(__file__).resolve().parent.parent / "examples" / "api_journey.py"
spec = importlib.util.spec_from_file_location("api_journey", SCRIPT)
journey = importlib.util.module_from_spec(spec)
spec.loader.exec_module(journey)


@pytest.fixture
def app_config():
    return {"API_RATE_LIMIT": "100000 per minute"}


def test_a_foremans_token_signs_a_trainees_week(app, live_server, capsys):
    placement = builders.placement()
    week = last_week()
    days = [week.monday + timedelta(days=n) for n in range(5)]
    for day in days:
        builders.entry(placement, day, status=EntryStatus.SUBMITTED)
    builders.entry(placement, week.monday - timedelta(days=7), status=EntryStatus.SUBMITTED)
    token = personal(placement.mentor)
    db.session.commit()
    code = journey.main(["--base", live_server, "--token", token, "sign-week",
                         "--placement", str(placement.id), "--week", days[2].isoformat()])
    assert code == 0, capsys.readouterr().err
    db.session.expire_all()
    statuses = {e.work_date: e.status for e in db.session.scalars(select(DiaryEntry))}
    assert all(statuses[day] == EntryStatus.APPROVED for day in days)
    assert statuses[week.monday - timedelta(days=7)] == EntryStatus.SUBMITTED  # not that week
    signed = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "entry_approved")).all()
    assert len(signed) == 5 and all(e.api_token_id for e in signed)


def test_another_foremans_token_signs_nothing(app, live_server, capsys):
    placement = builders.placement()
    builders.entry(placement, last_week().monday, status=EntryStatus.SUBMITTED)
    stranger = personal(builders.mentor())
    db.session.commit()
    code = journey.main(["--base", live_server, "--token", stranger, "--lang", "en",
                         "sign-week", "--placement", str(placement.id),
                         "--week", last_week().monday.isoformat()])
    # The list is scoped: another foreman finds nothing of this trainee to sign.
    assert code == 0 and capsys.readouterr().out.strip() == "[]"
    db.session.expire_all()
    assert db.session.scalar(select(DiaryEntry.status)) == EntryStatus.SUBMITTED


def test_an_enterprise_system_token_records_a_hire(app, live_server, capsys):
    placement = builders.placement(status=PlacementStatus.COMPLETED)
    outcome = builders_outcomes.outcome(placement=placement)
    system = organisation(placement.enterprise)
    db.session.commit()
    code = journey.main(["--base", live_server, "--token", system, "hire",
                         "--outcome", str(outcome.id), "--position", "Сварщик",
                         "--hired-on", "2025-08-01"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert '"outcome": "hired_by_host"' in out.out
    db.session.expire_all()
    assert db.session.get(type(outcome), outcome.id).outcome == OutcomeKind.HIRED_BY_HOST
    # Another enterprise's system reaches nothing of it: the API's problem, in English.
    other = organisation(builders.enterprise())
    db.session.commit()
    refused = journey.main(["--base", live_server, "--token", other, "--lang", "en", "hire",
                            "--outcome", str(outcome.id), "--position", "Welder",
                            "--hired-on", "2025-09-01"])
    err = capsys.readouterr().err
    assert refused == 1 and '"status": 404' in err
    db.session.expire_all()
    assert db.session.get(type(outcome), outcome.id).position == "Сварщик"


def test_an_admins_token_reads_the_regions_figures(app, live_server, capsys):
    builders.placement()
    admin = personal(builders.admin())
    student = personal(builders.student())
    db.session.commit()
    assert journey.main(["--base", live_server, "--token", admin, "figures",
                         "--year", "2025"]) == 0
    out = capsys.readouterr().out
    assert '"key": "funnel"' in out
    assert journey.main(["--base", live_server, "--token", student, "--lang", "en",
                         "figures"]) == 1
    assert '"status": 403' in capsys.readouterr().err
