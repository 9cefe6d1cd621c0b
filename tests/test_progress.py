"""Progress: hours against the plan, the pace, the red/amber/green status and who sees what."""

import re
from datetime import date, timedelta

import pytest

from app.domain.calendar import DEFAULT_SCHEDULE, expected_days
from app.models import EntryStatus, PlacementStatus, utcnow
from app.practice.health import Health, Pace, PlacementProgress, Thresholds, assess
from tests import builders

TODAY = date.today()


@pytest.fixture
def request_context(app):
    """Messages are translated: the unit tests run inside a request, as the views do."""
    with app.test_request_context():
        yield


def expected_hours(placement) -> float:
    total = expected_days(DEFAULT_SCHEDULE, placement.start_date, placement.end_date)
    elapsed = expected_days(DEFAULT_SCHEDULE, placement.start_date, TODAY - timedelta(days=1))
    return placement.required_hours * elapsed / total


def log_hours(placement, hours: float, status=EntryStatus.APPROVED, **kw) -> None:
    """Entries of up to 8 h on consecutive days back from yesterday, summing to `hours`."""
    day = TODAY - timedelta(days=1)
    left = round(hours * 2) / 2
    while left > 0:
        chunk = min(8, left)
        builders.entry(placement, day, hours=chunk, status=status, **kw)
        left -= chunk
        day -= timedelta(days=1)


def _progress(placement, approved=0, pending=0, last=None, waiting=None,
              thresholds=Thresholds()) -> PlacementProgress:
    return assess(PlacementProgress(placement, approved * 60, pending * 60, last, waiting),
                  TODAY, thresholds)


def test_on_pace_is_green(app, request_context):
    placement = builders.placement()
    p = _progress(placement, approved=expected_hours(placement), last=TODAY)
    assert (p.health, p.pace, p.reasons) == (Health.GREEN, Pace.ON_TRACK, [])


def test_ahead_of_pace(app, request_context):
    placement = builders.placement()
    p = _progress(placement, approved=expected_hours(placement) * 1.3, last=TODAY)
    assert (p.health, p.pace) == (Health.GREEN, Pace.AHEAD)


def test_no_entries_for_fourteen_days_is_red(app, request_context):
    placement = builders.placement()
    p = _progress(placement, approved=expected_hours(placement), last=TODAY - timedelta(days=14))
    assert p.health == Health.RED
    assert "нет записей 14 дн." in p.reason


def test_behind_pace_by_more_than_fifteen_percent_is_red(app, request_context):
    placement = builders.placement()
    p = _progress(placement, approved=expected_hours(placement) * 0.8, last=TODAY)
    assert (p.health, p.pace) == (Health.RED, Pace.BEHIND)
    assert "отставание от графика 20% (порог 15%)" in p.reason


def test_slightly_behind_is_amber(app, request_context):
    placement = builders.placement()
    p = _progress(placement, approved=expected_hours(placement) * 0.9, last=TODAY)
    assert (p.health, p.pace) == (Health.AMBER, Pace.BEHIND)


def test_entries_waiting_more_than_seven_days_is_amber(app, request_context):
    placement = builders.placement()
    p = _progress(placement, pending=expected_hours(placement), last=TODAY,
                  waiting=utcnow() - timedelta(days=8))
    assert p.health == Health.AMBER
    assert "записи ждут подписи 8 дн. (порог 7)" in p.reason


def test_first_days_are_not_judged_on_pace(app, request_context):
    placement = builders.placement(start=TODAY - timedelta(days=2))
    p = _progress(placement)
    assert (p.health, p.pace) == (Health.GREEN, Pace.TOO_EARLY)


def test_thresholds_are_read_from_config(app, request_context):
    app.config.update(PROGRESS_IDLE_DAYS=3, PROGRESS_WAITING_DAYS=1, PROGRESS_BEHIND_PERCENT=50)
    thresholds = Thresholds.from_config(app.config)
    assert thresholds == Thresholds(idle_days=3, waiting_days=1, behind_percent=50)
    placement = builders.placement()
    p = _progress(placement, approved=expected_hours(placement) * 0.6,
                  last=TODAY - timedelta(days=3), thresholds=thresholds)
    assert p.health == Health.RED and "нет записей 3 дн." in p.reason
    assert "отставание" in p.reason and "порог 50%" not in p.reason  # 40% < 50%: only amber


@pytest.mark.parametrize("app_config", [{"PROGRESS_IDLE_DAYS": 2}])
def test_board_uses_the_configured_threshold(login_as, app_config):
    placement = builders.placement(start=TODAY - timedelta(days=3))
    page = login_as(builders.coordinator(placement.college)).get("/progress").get_data(
        as_text=True)
    assert "нет записей 3 дн. (порог 2)" in page


def test_student_sees_own_hours_and_percent(login_as):
    placement = builders.placement(required_hours=100)
    builders.entry(placement, TODAY - timedelta(days=1), hours=7.5, status=EntryStatus.APPROVED)
    builders.entry(placement, TODAY - timedelta(days=2), hours=7.5, status=EntryStatus.APPROVED)
    builders.entry(placement, TODAY - timedelta(days=3), hours=6, status=EntryStatus.SUBMITTED)
    builders.entry(placement, TODAY - timedelta(days=4), hours=8, status=EntryStatus.REJECTED)
    builders.placement()  # someone else's
    page = login_as(placement.student).get("/progress").get_data(as_text=True)
    assert _figure(page, "Подписано часов") == "15"
    assert _figure(page, "Ждут подписи") == "6 ч"
    assert _figure(page, "Выполнено") == "15%"
    assert "из 100 по договору" in page
    assert page.count('class="card"') == 1


def test_mentor_sees_only_own_trainees(login_as):
    mentor = builders.mentor()
    mine = builders.placement(mentor_=mentor)
    theirs = builders.placement()
    page = login_as(mentor).get("/progress").get_data(as_text=True)
    assert mine.student.full_name in page
    assert theirs.student.full_name not in page


def test_coordinator_board_orders_by_risk_with_drill_down(login_as):
    coordinator = builders.coordinator()
    group = builders.group(coordinator.college)
    green = builders.placement(builders.student(group))
    log_hours(green, expected_hours(green))
    amber = builders.placement(builders.student(group))
    log_hours(amber, expected_hours(amber), status=EntryStatus.SUBMITTED,
              submitted_at=utcnow() - timedelta(days=10))
    red = builders.placement(builders.student(group))
    draft = builders.placement(builders.student(group), status=PlacementStatus.DRAFT)
    other_college = builders.placement()
    client = login_as(coordinator)
    page = client.get("/progress").get_data(as_text=True)
    names = [p.student.full_name for p in (red, amber, green)]
    positions = [page.index(name) for name in names]
    assert positions == sorted(positions)
    assert draft.student.full_name not in page
    assert other_college.student.full_name not in page
    assert f'href="/diary/{red.id}"' in page
    assert "нет записей 28 дн." in page
    diary = client.get(f"/diary/{amber.id}").get_data(as_text=True)
    assert amber.student.full_name in diary and "Сохранить черновик" not in diary
    only_red = client.get("/progress?health=red").get_data(as_text=True)
    assert red.student.full_name in only_red and green.student.full_name not in only_red


def test_progress_shows_last_activity_and_expected_pace(login_as):
    placement = builders.placement()
    builders.entry(placement, TODAY - timedelta(days=2), status=EntryStatus.APPROVED)
    page = login_as(placement.student).get("/progress").get_data(as_text=True)
    assert "последняя запись:" in page
    assert "план по графику к сегодня:" in page
    assert "отстаёт от графика" in page


def test_progress_board_runs_a_fixed_number_of_queries(login_as, query_counter):
    small, large = builders.coordinator(), builders.coordinator()
    builders.placement(builders.student(builders.group(small.college)))
    group = builders.group(large.college)
    for _ in range(6):
        placement = builders.placement(builders.student(group))
        log_hours(placement, 40)
        builders.entry(placement, TODAY - timedelta(days=20), status=EntryStatus.SUBMITTED)
    counts = []
    for coordinator in (small, large):
        client = login_as(coordinator)
        with query_counter() as counter:
            assert client.get("/progress").status_code == 200
        counts.append(counter.count)
        client.post("/logout")
    assert counts[0] == counts[1]


def _figure(page: str, label: str) -> str:
    match = re.search(
        rf'<p class="figure__label">{re.escape(label)}</p>\s*<p class="figure__value">([^<]*)</p>',
        page,
    )
    assert match, f"figure {label!r} not found"
    return match.group(1).strip()


@pytest.mark.parametrize(("role", "label", "href"), [
    ("student", "Дневник", "/diary"),
    ("mentor", "Проверка записей", "/review"),
    ("coordinator", "Ход практики", "/progress"),
])
def test_each_role_finds_its_practice_page_in_the_menu(login_as, role, label, href):
    placement = builders.placement()
    user = {"student": placement.student, "mentor": placement.mentor,
            "coordinator": builders.coordinator(placement.college)}[role]
    page = login_as(user).get("/").get_data(as_text=True)
    assert f'<a href="{href}">{label}</a>' in page


# --- a bounded board: the admin picks a college; pages of PAGE_SIZE ---------------------------


def test_admin_must_choose_a_college_before_any_placement_is_loaded(login_as):
    placement = builders.placement()
    page = login_as(builders.admin()).get("/progress").get_data(as_text=True)
    assert "Выберите колледж" in page
    assert placement.student.full_name not in page
    assert f'<option value="{placement.college_id}">{placement.college.name}</option>' in page


def test_admin_sees_only_the_chosen_college(login_as):
    chosen, other = builders.placement(), builders.placement()
    client = login_as(builders.admin())
    page = client.get(f"/progress?college={chosen.college_id}").get_data(as_text=True)
    assert chosen.student.full_name in page and other.student.full_name not in page
    assert f'href="/progress?college={chosen.college_id}&amp;health=red"' in page
    assert client.get("/progress?college=999999").status_code == 404


def test_admin_board_runs_a_fixed_number_of_queries(login_as, query_counter):
    small, large = builders.college(), builders.college()
    builders.placement(builders.student(builders.group(small)))
    group = builders.group(large)
    for _ in range(5):
        log_hours(builders.placement(builders.student(group)), 16)
    client = login_as(builders.admin())
    counts = []
    for college in (small, large):
        with query_counter() as counter:
            assert client.get(f"/progress?college={college.id}").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]


@pytest.mark.parametrize("app_config", [{"PAGE_SIZE": 2}])
def test_coordinator_board_is_paginated(login_as, app_config):
    coordinator = builders.coordinator()
    group = builders.group(coordinator.college)
    placements = [builders.placement(builders.student(group)) for _ in range(3)]
    client = login_as(coordinator)
    first = client.get("/progress").get_data(as_text=True)
    second = client.get("/progress?page=2").get_data(as_text=True)
    shown = [[p.student.full_name in page for p in placements] for page in (first, second)]
    assert [sum(s) for s in shown] == [2, 1]
    assert "Страница 1 из 2" in first and "всего 3" in first
