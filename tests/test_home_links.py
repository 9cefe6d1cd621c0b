"""Home pages lead somewhere: figure cards open their filtered lists, what needs the user now
stands first as a link, and the student's home starts with today."""

import re
from datetime import date, timedelta

from app.extensions import db
from app.models import EntryStatus, GraduateOutcome, OutcomeKind, PlacementStatus, utcnow
from app.practice.weeks import Week
from tests import builders


def _text(response) -> str:
    return response.get_data(as_text=True)


def _figure_link(page: str, label: str) -> str:
    match = re.search(rf'<p class="figure__label">{re.escape(label)}</p>\s*'
                      r'<p class="figure__value"><a href="([^"]+)"', page)
    assert match, f"no link on the figure {label!r}"
    return match[1].replace("&amp;", "&")


def _alerts(page: str) -> str:
    match = re.search(r'<ul class="home-alerts".*?</ul>', page, re.S)
    return match[0] if match else ""


def test_coordinator_cards_open_the_lists_they_count(login_as):
    coordinator = builders.coordinator()
    group = builders.group(coordinator.college)
    active = builders.placement(builders.student(group))
    draft = builders.placement(builders.student(group), status=PlacementStatus.DRAFT)
    builders.entry(active, date.today() - timedelta(days=1))
    client = login_as(coordinator)
    page = _text(client.get("/"))
    assert _figure_link(page, "Действующие договоры") == "/placements/?status=active"
    drafts = _text(client.get(_figure_link(page, "Черновики договоров")))
    assert draft.student.full_name in drafts
    assert active.student.full_name not in drafts
    waiting = _text(client.get(_figure_link(page, "Записи ждут подписи")))
    assert active.student.full_name in waiting
    assert _figure_link(page, "Студенты") == "/students"


def test_progress_board_filters_placements_with_entries_waiting(login_as):
    coordinator = builders.coordinator()
    group = builders.group(coordinator.college)
    waiting = builders.placement(builders.student(group))
    builders.entry(waiting, date.today() - timedelta(days=1))
    quiet = builders.placement(builders.student(group))
    builders.entry(quiet, date.today() - timedelta(days=1), status=EntryStatus.APPROVED)
    page = _text(login_as(coordinator).get("/progress?waiting=1"))
    assert waiting.student.full_name in page
    assert quiet.student.full_name not in page


def test_coordinator_sees_red_placements_as_a_link(login_as):
    coordinator = builders.coordinator()
    group = builders.group(coordinator.college)
    idle = builders.placement(builders.student(group))  # four weeks without an entry: red
    client = login_as(coordinator)
    alerts = _alerts(_text(client.get("/")))
    assert 'href="/progress?health=red"' in alerts
    assert "1 практика в зоне риска" in alerts
    assert idle.student.full_name in _text(client.get("/progress?health=red"))


def test_coordinator_without_red_placements_sees_no_alert(login_as):
    coordinator = builders.coordinator()
    builders.placement(builders.student(builders.group(coordinator.college)),
                       start=date.today() - timedelta(days=1))  # just begun: green
    assert _alerts(_text(login_as(coordinator).get("/"))) == ""


def test_mentor_sees_overdue_sign_offs_as_a_link_to_the_queue(login_as):
    mentor = builders.mentor()
    placement = builders.placement(mentor_=mentor)
    builders.entry(placement, date.today() - timedelta(days=10),
                   submitted_at=utcnow() - timedelta(days=9))
    builders.entry(placement, date.today() - timedelta(days=1), submitted_at=utcnow())
    page = _text(login_as(mentor).get("/"))
    alerts = _alerts(page)
    assert 'href="/review"' in alerts
    assert "Просрочена подпись: 1 запись ждёт дольше 7 дн." in alerts
    assert _figure_link(page, "Записи ждут подписи") == "/review"
    assert f'href="/placements/{placement.id}"' in page  # the trainee leads to the placement


def test_mentor_with_fresh_entries_only_sees_no_alert(login_as):
    mentor = builders.mentor()
    builders.entry(builders.placement(mentor_=mentor), date.today() - timedelta(days=1),
                   submitted_at=utcnow())
    assert _alerts(_text(login_as(mentor).get("/"))) == ""


def _hired(enterprise, months_ago: int) -> GraduateOutcome:
    group = builders.group()
    outcome = GraduateOutcome(
        student=builders.student(group), college_id=group.college_id,
        specialty_id=group.specialty_id, graduation_year=2025, graduated_on=date(2025, 6, 30),
        outcome=OutcomeKind.HIRED_BY_HOST, host_enterprise_id=enterprise.id,
        outcome_date=date.today() - timedelta(days=31 * months_ago))
    db.session.add(outcome)
    db.session.flush()
    return outcome


def test_employer_sees_a_retention_check_due_and_opens_the_list(login_as):
    employer = builders.employer()
    due = _hired(employer.enterprise, months_ago=7)
    _hired(employer.enterprise, months_ago=2)  # not yet due
    other = _hired(builders.enterprise(), months_ago=7)
    client = login_as(employer)
    page = _text(client.get("/"))
    alerts = _alerts(page)
    assert 'href="/outcomes/due"' in alerts
    assert "работает ли 1 выпускник" in alerts
    listing = _text(client.get("/outcomes/due"))
    assert due.student.full_name in listing
    assert other.student.full_name not in listing
    assert _figure_link(page, "Приняты на работу") == "/outcomes/?outcome=hired_by_host"
    assert 'href="/progress"' in page
    assert client.get("/progress").status_code == 200  # the employer's progress board


def test_student_home_leads_with_fill_in_today(login_as):
    placement = builders.placement()
    page = _text(login_as(placement.student).get("/"))
    today = date.today()
    link = (f'href="/diary/{placement.id}?week={Week.of(today).code}'
            f'#day-{today.isoformat()}"')
    assert "запись ещё не сделана" in page
    assert link in page
    assert page.index("Заполнить сегодня") < page.index("Подписано часов")


def test_student_home_says_today_is_done(login_as):
    placement = builders.placement()
    builders.entry(placement, date.today(), submitted_at=utcnow())
    page = _text(login_as(placement.student).get("/"))
    assert "Сегодня заполнено" in page
    assert "Заполнить сегодня" not in page


def test_student_home_shows_returned_entries_first(login_as):
    placement = builders.placement()
    day = date.today() - timedelta(days=3)
    builders.entry(placement, day, status=EntryStatus.REJECTED,
                   review_comment="Укажите марку электродов")
    page = _text(login_as(placement.student).get("/"))
    alerts = _alerts(page)
    assert "Наставник вернул 1 запись на исправление" in alerts
    assert f'#day-{day.isoformat()}"' in alerts
    assert page.index("Укажите марку электродов") < page.index("Подписано часов")


def test_student_of_another_placement_never_sees_these_entries(login_as):
    placement = builders.placement()
    builders.entry(placement, date.today() - timedelta(days=3), status=EntryStatus.REJECTED,
                   review_comment="Чужой комментарий")
    page = _text(login_as(builders.placement().student).get("/"))
    assert "Чужой комментарий" not in page


def test_student_home_links_placement_diary_assessments_documents(login_as):
    placement = builders.placement()
    page = _text(login_as(placement.student).get("/"))
    for href in (f"/placements/{placement.id}", f"/diary/{placement.id}", "/assessments/",
                 "/documents"):
        assert f'href="{href}"' in page


def test_home_alerts_keep_the_query_count_fixed(login_as, query_counter):
    quiet_mentor, busy_mentor = builders.mentor(), builders.mentor()
    builders.placement(mentor_=quiet_mentor)
    busy = [builders.placement(mentor_=busy_mentor) for _ in range(3)]
    for placement in busy:
        for days in (9, 10, 11):
            builders.entry(placement, date.today() - timedelta(days=days),
                           submitted_at=utcnow() - timedelta(days=days))
        builders.entry(placement, date.today(), status=EntryStatus.REJECTED,
                       review_comment="Исправьте")
    counts = []
    for user in (quiet_mentor, busy_mentor, builders.placement().student, busy[0].student):
        client = login_as(user)
        with query_counter() as counter:
            assert client.get("/").status_code == 200
        counts.append(counter.count)
        client.post("/logout")
    assert counts[0] == counts[1]
    assert counts[2] == counts[3]
