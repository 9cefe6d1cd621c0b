"""The dual schedule: enterprise and college days, block weeks, Kazakhstan's public holidays,
the diary's warning on a college day, and the share of study time at the enterprise."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from app.domain.calendar import (
    Schedule,
    academic_year,
    enterprise_share,
    expected_days,
    holiday_name,
    is_expected,
    nth_expected_day_after,
)
from app.extensions import db
from app.models import EntryStatus, GroupSchedule, PlacementStatus
from app.practice.health import Thresholds
from app.practice.queries import progress_rows
from tests import builders
from tests.builders_practice import week_form

TODAY = date(2026, 12, 1)
MON_TO_WED = 0b0000111


def _text(response) -> str:
    """The page's text without its tags, white space squashed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def _alternate_weeks_share() -> int:
    return round(100 * enterprise_share(Schedule(0b11111, 1, 1, date(2026, 8, 31)),
                                        *academic_year(TODAY)))


# --- the domain ----------------------------------------------------------------------------

def test_independence_day_and_other_kz_holidays_come_from_the_library():
    assert holiday_name(date(2026, 12, 16), "kk") == "Тәуелсіздік күні"
    assert holiday_name(date(2026, 12, 16), "ru") == ""  # a holiday, named in kk and en only
    assert holiday_name(date(2026, 12, 15), "ru") is None
    # December 2026: 23 weekdays, minus Independence Day.
    assert expected_days(Schedule(), date(2026, 12, 1), date(2026, 12, 31)) == 22
    # Nauryz 21–25 March 2027 falls on a working week.
    assert not is_expected(Schedule(), date(2027, 3, 22))


def test_three_days_at_the_plant_two_at_college():
    schedule = Schedule(MON_TO_WED)
    week = [date(2026, 11, 23 + i) for i in range(7)]
    assert [is_expected(schedule, d) for d in week] == [True, True, True, False, False,
                                                        False, False]
    assert schedule.is_college_day(date(2026, 11, 26))
    assert not schedule.is_college_day(date(2026, 11, 28))  # Saturday is no study day


def test_block_weeks_alternate_from_the_cycle_start():
    schedule = Schedule(0b11111, enterprise_weeks=2, college_weeks=1,
                        cycle_start=date(2026, 11, 2))
    assert is_expected(schedule, date(2026, 11, 2))
    assert is_expected(schedule, date(2026, 11, 13))
    assert not is_expected(schedule, date(2026, 11, 16))  # the college week
    assert is_expected(schedule, date(2026, 11, 23))
    assert expected_days(schedule, date(2026, 11, 2), date(2026, 11, 22)) == 10


def test_days_off_and_the_nth_day_skip_holidays_and_absences():
    schedule = Schedule()
    off = ((date(2026, 12, 17), date(2026, 12, 18)),)
    assert expected_days(schedule, date(2026, 12, 14), date(2026, 12, 18), off) == 2
    # From Monday 14 December: 15th, then 16th is a holiday, 17–18 off → Monday 21st.
    assert nth_expected_day_after(schedule, date(2026, 12, 14), 2, off) == date(2026, 12, 21)


def test_share_of_study_time_at_the_enterprise():
    first, last = academic_year(TODAY)
    assert (first, last) == (date(2026, 9, 1), date(2027, 6, 30))
    assert enterprise_share(Schedule(), first, last) == 1
    assert round(enterprise_share(Schedule(MON_TO_WED), first, last), 2) == pytest.approx(0.6,
                                                                                         abs=0.02)
    blocks = Schedule(0b11111, 1, 1, date(2026, 8, 31))
    assert round(enterprise_share(blocks, first, last), 1) == 0.5


# --- the editor ----------------------------------------------------------------------------

def _schedule_form(**kw):
    data = {"weekdays": ["0", "1", "2"], "enterprise_weeks": "1", "college_weeks": "0",
            "cycle_start": "2026-09-02", "planned_share_percent": "60"}
    data.update(kw)
    return data


def test_coordinator_sets_a_group_schedule(login_as):
    coordinator = builders.coordinator()
    group = builders.group(coordinator.college)
    response = login_as(coordinator).post(f"/groups/{group.id}/schedule", data=_schedule_form(),
                                          follow_redirects=True)
    assert "График группы сохранён" in _text(response)
    stored = db.session.get(GroupSchedule, group.id)
    assert (stored.enterprise_weekdays, stored.cycle_start) == (MON_TO_WED, date(2026, 8, 31))
    # The group page shows its share against the plan.
    assert re.search(r"Доля учебного времени на предприятии \d+%", _text(response))


def test_a_schedule_with_no_enterprise_days_is_refused(login_as):
    coordinator = builders.coordinator()
    group = builders.group(coordinator.college)
    data = _schedule_form()
    del data["weekdays"]
    response = login_as(coordinator).post(f"/groups/{group.id}/schedule", data=data)
    assert response.status_code == 422
    assert "нет ни одного дня на предприятии" in _text(response)
    assert db.session.get(GroupSchedule, group.id) is None


@pytest.mark.parametrize("field, value", [
    ("enterprise_weeks", "0"), ("college_weeks", "-1"), ("planned_share_percent", "101"),
    ("cycle_start", "soon"), ("weekdays", ["9"]), ("enterprise_weeks", "９"),
])
def test_bad_schedule_values_are_refused(login_as, field, value):
    coordinator = builders.coordinator()
    group = builders.group(coordinator.college)
    response = login_as(coordinator).post(f"/groups/{group.id}/schedule",
                                          data=_schedule_form(**{field: value}))
    assert response.status_code == 422
    assert db.session.get(GroupSchedule, group.id) is None


def test_schedule_editor_scoping(login_as, app):
    group = builders.group()
    other_coordinator = builders.coordinator()
    assert login_as(other_coordinator).get(f"/groups/{group.id}/schedule").status_code == 404
    mentor_client = app.test_client()
    from tests.conftest import login

    mentor = builders.mentor()
    db.session.commit()
    login(mentor_client, mentor)
    assert mentor_client.get(f"/groups/{group.id}/schedule").status_code == 403


# --- the diary and progress ------------------------------------------------------------------

def _scheduled_placement(mask=MON_TO_WED):
    group = builders.group()
    db.session.add(GroupSchedule(group_id=group.id, enterprise_weekdays=mask,
                                 cycle_start=date(2026, 8, 31)))
    return builders.placement(builders.student(group), start=date(2026, 11, 2),
                              end_date=date(2027, 2, 26))


def test_hours_on_a_college_day_are_saved_with_a_warning(login_as):
    placement = _scheduled_placement()
    client = login_as(placement.student)
    rows = [{"date": date(2026, 11, 25), "hours": 6, "activity": "Сварка"},
            {"date": date(2026, 11, 26), "hours": 6, "activity": "Сварка"}]
    response = client.post(f"/diary/{placement.id}?week=2026-W48", data=week_form(rows),
                           follow_redirects=True)
    page = _text(response)
    assert "Черновик сохранён" in page
    assert "в эти дни вас не ждали на предприятии: 26 ноября — день в колледже по графику" in page
    assert "25 ноября" not in page.split("не ждали")[1].split(".")[0]
    from app.models import DiaryEntry

    assert len(db.session.scalars(select(DiaryEntry)).all()) == 2
    # The row itself says so too.
    assert "день в колледже по графику" in page


def test_hours_on_a_public_holiday_warn_too(login_as, frozen_clock):
    frozen_clock.move_to("2026-12-18 06:00Z")
    placement = builders.placement(start=date(2026, 11, 2), end_date=date(2027, 2, 26))
    rows = [{"date": date(2026, 12, 16), "hours": 6, "activity": "Дежурство"}]
    response = login_as(placement.student).post(f"/diary/{placement.id}?week=2026-W51",
                                                data=week_form(rows), follow_redirects=True)
    assert "16 декабря — праздничный день" in _text(response)


def test_pace_uses_the_schedule(app):
    weekly = builders.placement(start=date(2026, 11, 2), end_date=date(2027, 2, 26))
    scheduled = _scheduled_placement()
    for p in (weekly, scheduled):
        builders.entry(p, date(2026, 11, 2), status=EntryStatus.APPROVED)
    with app.test_request_context():
        by_id = {r.placement.id: r for r in progress_rows(None, TODAY, Thresholds(),
                                                          tuple(PlacementStatus))}
    assert by_id[weekly.id].elapsed_days == 21
    assert by_id[scheduled.id].elapsed_days == 13  # Mon–Wed of 2–30 November
    assert by_id[weekly.id].total_days > by_id[scheduled.id].total_days


# --- the share figure on the pages ---------------------------------------------------------------

def test_share_on_coordinator_home_and_region_dashboard(login_as, app):
    coordinator = builders.coordinator()
    group = builders.group(coordinator.college)
    builders.student(group)
    db.session.add(GroupSchedule(group_id=group.id, enterprise_weekdays=0b11111,
                                 enterprise_weeks=1, college_weeks=1,
                                 cycle_start=date(2026, 8, 31), planned_share_percent=60))
    home = _text(login_as(coordinator).get("/"))
    share = _alternate_weeks_share()
    assert share in (49, 50, 51)  # holidays fall unevenly on the two kinds of week
    assert f"Доля учебного времени на предприятии {share}%" in home
    assert "план — до 60%" in home
    admin_client = app.test_client()
    from tests.conftest import login

    admin = builders.admin()
    db.session.commit()
    login(admin_client, admin)
    dashboard = _text(admin_client.get("/dashboard/"))
    assert f"Доля учебного времени на предприятии {share}%" in dashboard


def test_share_over_the_plan_is_flagged(login_as):
    coordinator = builders.coordinator()
    group = builders.group(coordinator.college)
    db.session.add(GroupSchedule(group_id=group.id, enterprise_weekdays=0b11111,
                                 cycle_start=date(2026, 8, 31), planned_share_percent=60))
    page = login_as(coordinator).get(f"/groups/{group.id}").get_data(as_text=True)
    assert "figure--warn" in page and "100%" in page


def test_without_schedules_the_share_is_a_dash(login_as):
    coordinator = builders.coordinator()
    assert "график групп не задан" in _text(login_as(coordinator).get("/"))
