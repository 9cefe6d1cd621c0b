"""Home pages per role, navigation, languages and error pages."""

from datetime import date, timedelta

import pytest

from app.extensions import db
from app.models import EntryStatus, GraduateOutcome, OutcomeKind, PlacementStatus, Role
from tests import builders


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_coordinator_home_shows_real_figures(login_as):
    coordinator = builders.coordinator()
    group = builders.group(coordinator.college)
    active = builders.placement(builders.student(group))
    builders.placement(builders.student(group), status=PlacementStatus.DRAFT)
    builders.entry(active, date.today() - timedelta(days=1))
    builders.entry(active, date.today() - timedelta(days=2), status=EntryStatus.APPROVED)
    builders.placement()  # another college's placement must not count
    page = login_as(coordinator).get("/").get_data(as_text=True)
    assert coordinator.college.name in page
    assert _figure(page, "Действующие договоры") == "1"
    assert _figure(page, "Черновики договоров") == "1"
    assert _figure(page, "Записи ждут подписи") == "1"
    assert _figure(page, "Студенты") == "2"


def test_student_home_shows_hours(login_as):
    placement = builders.placement(required_hours=100)
    for days, status in ((1, EntryStatus.APPROVED), (2, EntryStatus.APPROVED),
                         (3, EntryStatus.SUBMITTED)):
        builders.entry(placement, date.today() - timedelta(days=days), hours=7.5, status=status)
    page = login_as(placement.student).get("/").get_data(as_text=True)
    assert _figure(page, "Подписано часов") == "15"
    assert _figure(page, "Выполнено") == "15%"
    assert placement.enterprise.name in page


def test_mentor_home_lists_only_own_trainees(login_as):
    mentor = builders.mentor()
    mine = builders.placement(mentor_=mentor)
    builders.entry(mine, date.today() - timedelta(days=1))
    other = builders.placement()
    page = login_as(mentor).get("/").get_data(as_text=True)
    assert mine.student.full_name in page
    assert other.student.full_name not in page
    assert _figure(page, "Записи ждут подписи") == "1"


def test_employer_home_counts_its_enterprise_only(login_as):
    employer = builders.employer()
    builders.placement(mentor_=builders.mentor(employer.enterprise))
    builders.placement()
    page = login_as(employer).get("/").get_data(as_text=True)
    assert employer.enterprise.name in page
    assert _figure(page, "Практиканты сейчас") == "1"


def test_admin_home_computes_the_employment_rate(login_as):
    admin = builders.admin()
    group = builders.group()
    for outcome in [OutcomeKind.HIRED_BY_HOST, OutcomeKind.EMPLOYED_IN_SPECIALTY,
                    OutcomeKind.EMPLOYED_OUTSIDE, OutcomeKind.UNKNOWN]:
        student = builders.student(group)
        db.session.add(GraduateOutcome(
            student=student, college_id=group.college_id, specialty_id=group.specialty_id,
            graduation_year=2025, graduated_on=date(2025, 6, 30), outcome=outcome,
        ))
    page = login_as(admin).get("/").get_data(as_text=True)
    assert _figure(page, "Выпускники") == "4"
    assert _figure(page, "Работают по специальности") == "2"
    assert _figure(page, "Доля трудоустроенных по специальности") == "50,0%"
    assert _figure(page, "Известны исходы") == "75,0%"


@pytest.mark.parametrize("role", list(Role))
def test_every_role_home_runs_a_fixed_number_of_queries(login_as, query_counter, role):
    user = _user_with_world(role, trainees=1)
    client = login_as(user)
    with query_counter() as small:
        assert client.get("/").status_code == 200
    _grow_world(user, trainees=6)
    db.session.commit()
    with query_counter() as large:
        assert client.get("/").status_code == 200
    assert large.count == small.count, large.statements


def _user_with_world(role: Role, trainees: int):
    mentor = builders.mentor()
    group = builders.group()
    for _ in range(trainees):
        p = builders.placement(builders.student(group), mentor)
        builders.entry(p, date.today() - timedelta(days=1))
    return {
        Role.ADMIN: builders.admin,
        Role.COORDINATOR: lambda: builders.coordinator(group.college),
        Role.EMPLOYER: lambda: builders.employer(mentor.enterprise),
        Role.MENTOR: lambda: mentor,
        Role.STUDENT: lambda: builders.student(group),
    }[role]()


def _grow_world(user, trainees: int):
    from app.models import Placement

    anchor = db.session.query(Placement).first()
    for _ in range(trainees):
        p = builders.placement(builders.student(anchor.student.student_profile.group),
                               anchor.mentor)
        builders.entry(p, date.today() - timedelta(days=1))
    if user.role == Role.STUDENT:
        own = builders.placement(user, anchor.mentor, status=PlacementStatus.COMPLETED,
                                 start=date.today() - timedelta(weeks=60))
        builders.entry(own, own.start_date)


def test_navigation_and_language_switch(client, login_as):
    user = builders.student()
    login_as(user)
    page = client.get("/").get_data(as_text=True)
    assert "Главная" in page
    response = client.post("/language", data={"language": "en", "next": "/"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(user), user.id).locale == "en"
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_browser_language_is_used_before_a_choice(client):
    page = client.get("/login", headers={"Accept-Language": "kk,ru;q=0.5"}).get_data(as_text=True)
    assert '<html lang="kk">' in page
    page = client.get("/login", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert '<html lang="ru">' in page


def test_language_switch_refuses_unknown_language_and_foreign_next(client):
    response = client.post("/language", data={"language": "xx", "next": "https://evil.example"})
    assert response.headers["Location"] == "/"
    assert '<html lang="ru">' in client.get("/login").get_data(as_text=True)


def test_unknown_page_is_friendly(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Страница не найдена" in response.get_data(as_text=True)


def _figure(page: str, label: str) -> str:
    """The value shown in the figure card with this label."""
    import re

    match = re.search(
        rf'<p class="figure__label">{re.escape(label)}</p>\s*<p class="figure__value">(.*?)</p>',
        page,
        re.S,
    )
    assert match, f"no figure {label!r}"
    return re.sub(r"<[^>]+>", "", match.group(1)).replace("\xa0", " ").strip()
