"""The diary's running totals: after any mix of writes they equal a rebuild from the records,
and the weekly figures read from them equal the diary's own sums."""

import threading
import time
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app import diary_totals
from app.dashboard import queries
from app.dashboard.queries import Filters
from app.diary_totals import rebuild, week_of
from app.extensions import db
from app.models import (
    DiaryCollegeWeek,
    DiaryEntry,
    DiaryPlacementTotal,
    DiaryWeekTotal,
    EntryStatus,
    MentorSignoffStat,
    Placement,
    PlacementStatus,
)
from app.practice.services import DayInput, review_entries, save_week
from app.practice.weeks import Week
from tests import builders
from tests import builders_dashboard as bd


def totals() -> dict[str, list[tuple]]:
    """Every non-empty row of the four tables, as plain tuples in key order."""
    def rows(model, keys, values, present):
        stmt = select(*(getattr(model, n) for n in (*keys, *values))).where(
            getattr(model, present) > 0).order_by(*(getattr(model, n) for n in keys))
        return [tuple(round(v, 6) if isinstance(v, float) else v for v in row)
                for row in db.session.execute(stmt)]

    return {
        "weeks": rows(DiaryWeekTotal, ("placement_id", "week_start", "work_year"),
                      ("entries", "logged_minutes", "approved_minutes", "submitted_minutes",
                       "submitted_entries", "last_work_date", "oldest_submitted_at"), "entries"),
        "placements": rows(DiaryPlacementTotal, ("placement_id",),
                           ("entries", "approved_minutes", "submitted_minutes",
                            "submitted_entries", "last_work_date", "oldest_submitted_at"),
                           "entries"),
        "colleges": rows(DiaryCollegeWeek, ("college_id", "week_start", "work_year"),
                         ("entries", "logged_minutes", "approved_minutes"), "entries"),
        "mentors": rows(MentorSignoffStat, ("mentor_id",),
                        ("approved_entries", "approved_minutes", "median_hours"),
                        "approved_entries"),
    }


def assert_equal_to_rebuild() -> dict[str, list[tuple]]:
    db.session.flush()
    kept = totals()
    rebuild(db.session.connection())
    assert totals() == kept
    return kept


def _days(week: Week, *hours: float) -> list[DayInput]:
    return [DayInput(week.monday + timedelta(days=i), Decimal(str(h)), f"День {i}")
            for i, h in enumerate(hours)]


def _entries(placement: Placement) -> list[DiaryEntry]:
    return list(db.session.scalars(select(DiaryEntry).where(
        DiaryEntry.placement_id == placement.id).order_by(DiaryEntry.work_date)))


def test_totals_follow_the_services_and_equal_a_rebuild(app):
    with app.test_request_context():  # the services' notices carry links
        _write_and_check()


def _write_and_check() -> None:
    enterprise = builders.enterprise()
    first, second = builders.mentor(enterprise), builders.mentor(enterprise)
    one = builders.placement(builders.student(), first, start=date.today() - timedelta(weeks=6))
    other = builders.placement(builders.student(), first,
                               start=date.today() - timedelta(weeks=6))
    today, now = date.today(), datetime.now().replace(microsecond=0)
    last, before = (Week.of(today - timedelta(weeks=n)) for n in (1, 2))

    # The student writes, submits two days, and the other student the whole week.
    save_week(one.student, one, last, _days(last, 6, 7, 5),
              submit_days=frozenset({last.monday, last.monday + timedelta(days=1)}),
              today=today, now=now - timedelta(hours=30))
    save_week(other.student, other, before, _days(before, 8, 8, 8, 8), submit_all=True,
              today=today, now=now - timedelta(hours=50))
    assert_equal_to_rebuild()

    # The mentor signs one, returns the other, and signs the other student's week.
    monday, tuesday, wednesday = _entries(one)
    review_entries(first, [(monday, monday.version)], approve=True, now=now)
    review_entries(first, [(tuesday, tuesday.version)], approve=False, comment="Подробнее",
                   now=now)
    review_entries(first, [(e, e.version) for e in _entries(other)], approve=True,
                   now=now - timedelta(hours=1))
    kept = assert_equal_to_rebuild()
    assert [row[1:] for row in kept["mentors"]] == [(5, 6 * 60 + 4 * 8 * 60, 49.0)]

    # The returned day is corrected and sent again; the draft day is emptied (deleted).
    save_week(one.student, one, last, [
        DayInput(tuesday.work_date, Decimal("7.5"), "Подробно", version=tuesday.version),
        DayInput(wednesday.work_date, None, "", version=wednesday.version),
    ], submit_days=frozenset({tuesday.work_date}), today=today, now=now)
    cells = {row[:3]: row[3:] for row in assert_equal_to_rebuild()["weeks"]}
    assert cells[(one.id, *week_of(last.monday))] == (2, 360 + 450, 360, 450, 1,
                                                      tuesday.work_date, now)

    # Plain ORM writes are followed too: a week across New Year, an entry deleted.
    new_year = builders.placement(builders.student(), second, status=PlacementStatus.COMPLETED,
                                  start=date(2024, 9, 2), inducted=False)
    for day in (date(2024, 12, 30), date(2024, 12, 31), date(2025, 1, 2)):
        bd.signed_entry(new_year, day, waited_hours=day.day)
    dropped = bd.signed_entry(new_year, date(2025, 1, 3))
    db.session.delete(dropped)
    kept = assert_equal_to_rebuild()
    assert [row[1:] for row in kept["weeks"] if row[0] == new_year.id] == [
        (date(2024, 12, 30), 2024, 2, 720, 720, 0, 0, date(2024, 12, 31), None),
        (date(2024, 12, 30), 2025, 1, 360, 360, 0, 0, date(2025, 1, 2), None)]

    # Agreements moved: another mentor, another college, a draft put into force.
    other.mentor_id = second.id
    new_year.college_id = builders.college().id
    draft = builders.placement(builders.student(), second, status=PlacementStatus.DRAFT,
                               inducted=False)
    builders.entry(draft, last.monday, status=EntryStatus.SUBMITTED)
    assert_equal_to_rebuild()
    draft.status = PlacementStatus.ACTIVE
    assert_equal_to_rebuild()

    # An agreement deleted takes its rows along; its college's weeks and mentor are redone.
    for entry in _entries(new_year):
        db.session.delete(entry)
    db.session.delete(new_year)
    assert_equal_to_rebuild()


def _weeks_from_the_diary(year: int | None) -> list[tuple[date, int, int]]:
    """The weekly figure summed straight from the entries of agreements in force."""
    found: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for entry in db.session.scalars(select(DiaryEntry).join(Placement).where(
            Placement.status != PlacementStatus.DRAFT)):
        if year is not None and entry.work_date.year != year:
            continue
        cell = found[week_of(entry.work_date)[0]]
        cell[0] += entry.minutes if entry.status != EntryStatus.DRAFT else 0
        cell[1] += entry.minutes if entry.status == EntryStatus.APPROVED else 0
    weeks = sorted(found)[-queries.RECENT_WEEKS:] if year is None else sorted(found)
    if not weeks:
        return []
    span = [weeks[0] + timedelta(weeks=n) for n in range((weeks[-1] - weeks[0]).days // 7 + 1)]
    return [(week, *found.get(week, (0, 0))) for week in span]


def test_weekly_hours_equal_the_diary_for_each_scope(app):
    mentor = builders.mentor()
    placements = [builders.placement(builders.student(), mentor, start=date(2024, 9, 2),
                                     status=PlacementStatus.COMPLETED, inducted=False)
                  for _ in range(2)]
    for n, day in enumerate(date(2024, 12, 23) + timedelta(days=d) for d in range(0, 40, 3)):
        bd.signed_entry(placements[n % 2], day, hours=1 + n % 5)
        builders.entry(placements[1 - n % 2], day,
                       status=(EntryStatus.DRAFT, EntryStatus.SUBMITTED)[n % 2])
    draft = builders.placement(builders.student(), mentor, status=PlacementStatus.DRAFT,
                               inducted=False)
    builders.entry(draft, date(2025, 1, 6))
    db.session.commit()
    admin = builders.admin()
    coordinator = builders.coordinator(placements[0].college)
    employer = builders.employer(mentor.enterprise)
    for year in (None, 2024, 2025):
        expected = _weeks_from_the_diary(year)
        assert expected
        assert queries.weekly_hours(admin, Filters(year=year)) == expected
        assert queries.weekly_hours(employer, Filters(year=year)) == expected
    college_weeks = queries.weekly_hours(coordinator, Filters(year=2025))
    assert college_weeks and sum(w[1] for w in college_weeks) < sum(
        w[1] for w in _weeks_from_the_diary(2025))


def test_two_students_of_one_college_writing_one_week_keep_both_days(app, monkeypatch):
    """The second writer waits for the first's lock on the college's week, then sums both —
    even when it comes while the first has summed the week and not yet stored it."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: there is no race to lose")
    college, mentor = builders.college(), builders.mentor()
    placements = [builders.placement(builders.student(builders.group(college)), mentor,
                                     inducted=False) for _ in range(2)]
    ids = [p.id for p in placements]
    monday = Week.of(date.today() - timedelta(weeks=1)).monday
    builders.entry(placements[0], monday + timedelta(days=1))  # the college's week has a row
    db.session.commit()

    first_summed = threading.Event()
    store = diary_totals._store

    def slow_store(connection, model, *args):
        if model is DiaryCollegeWeek and threading.current_thread().name == "first":
            first_summed.set()
            time.sleep(2)  # the second writer comes now
        return store(connection, model, *args)

    monkeypatch.setattr(diary_totals, "_store", slow_store)
    failures: list[BaseException] = []

    def write(placement_id: int) -> None:
        try:
            with app.app_context():
                db.session.add(DiaryEntry(placement_id=placement_id, work_date=monday,
                                          minutes=360, activity="Сварка",
                                          status=EntryStatus.SUBMITTED))
                db.session.commit()
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            failures.append(error)

    first = threading.Thread(target=write, args=(ids[0],), name="first")
    second = threading.Thread(target=write, args=(ids[1],), name="second")
    first.start()
    assert first_summed.wait(20)
    second.start()
    first.join(30)
    second.join(30)
    assert not failures
    db.session.expire_all()
    cells = {row[0]: row[3] for row in totals()["colleges"]}
    assert cells[college.id] == 3
    assert_equal_to_rebuild()
