"""Blocking and unblocking accounts; employers' and coordinators' contacts (issue 3)."""

import re
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from app.extensions import db
from app.invitations import services as invitations
from app.models import AuditEvent, Invitation, PlacementStatus, User, utcnow
from tests import builders
from tests.builders_people import desk
from tests.conftest import login


@dataclass
class World:
    admin: User
    other_admin: User
    coordinator: User
    colleague: User
    student: User
    enterprise: object
    employer: User
    other_employer: User
    mentor: User
    outsider_coordinator: User
    outsider_student: User
    outsider_employer: User


def world() -> World:
    d = desk()
    colleague = builders.coordinator(d.college)
    student = builders.student(d.group)
    outsider = builders.coordinator()
    outsider_student = builders.student(builders.group(outsider.college))
    mentor = builders.mentor(d.enterprise)
    return World(
        admin=builders.admin(), other_admin=builders.admin(), coordinator=d.coordinator,
        colleague=colleague, student=student, enterprise=d.enterprise,
        employer=builders.employer(d.enterprise), other_employer=builders.employer(d.enterprise),
        mentor=mentor, outsider_coordinator=outsider, outsider_student=outsider_student,
        outsider_employer=builders.employer(),
    )


def _fresh(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def _events(user: User, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "users", AuditEvent.object_id == user.id,
        AuditEvent.action == action)))


# --- who may block whom ----------------------------------------------------------------------

DEACTIVATION = [
    ("admin", "student", 302), ("admin", "mentor", 302), ("admin", "employer", 302),
    ("admin", "coordinator", 302), ("admin", "other_admin", 403), ("admin", "admin", 403),
    ("coordinator", "student", 302), ("coordinator", "mentor", 302),
    ("coordinator", "employer", 403), ("coordinator", "colleague", 403),
    ("coordinator", "coordinator", 403), ("coordinator", "outsider_student", 404),
    ("employer", "mentor", 302), ("employer", "other_employer", 302),
    ("employer", "employer", 403), ("employer", "student", 404),
    ("outsider_employer", "mentor", 404),
    ("mentor", "student", 403), ("student", "student", 403),
]


@pytest.mark.parametrize(("actor", "target", "expected"), DEACTIVATION)
def test_who_may_deactivate_whom(login_as, actor, target, expected):
    w = world()
    person = getattr(w, target)
    client = login_as(getattr(w, actor))
    response = client.post(f"/people/{person.id}/deactivate")
    assert response.status_code == expected
    blocked = not _fresh(person).active
    assert blocked == (expected == 302)
    assert len(_events(person, "deactivated")) == (1 if expected == 302 else 0)


def test_coordinator_may_not_block_a_mentor_of_other_colleges_trainees(login_as):
    w = world()
    other = builders.coordinator()
    builders.placement(builders.student(builders.group(other.college)), w.mentor)
    builders.placement(w.student, w.mentor)
    client = login_as(w.coordinator)
    page = client.post(f"/people/{w.mentor.id}/deactivate", follow_redirects=True)
    assert "практиканты других колледжей" in page.get_data(as_text=True)
    assert _fresh(w.mentor).active


def test_mentor_with_active_trainees_is_not_blocked(login_as):
    w = world()
    builders.placement(w.student, w.mentor)
    client = login_as(w.employer)
    page = client.post(f"/people/{w.mentor.id}/deactivate", follow_redirects=True)
    assert "сначала передайте их другому наставнику" in page.get_data(as_text=True)
    assert _fresh(w.mentor).active
    assert not _events(w.mentor, "deactivated")


def test_mentor_whose_placements_ended_may_be_blocked(login_as):
    w = world()
    builders.placement(w.student, w.mentor, status=PlacementStatus.COMPLETED)
    client = login_as(w.employer)
    assert client.post(f"/people/{w.mentor.id}/deactivate").status_code == 302
    assert not _fresh(w.mentor).active


# --- what blocking does ----------------------------------------------------------------------

def test_deactivation_ends_an_open_session_and_sign_in(app, login_as):
    w = world()
    db.session.commit()
    version = w.mentor.session_version
    foreman = app.test_client()
    assert login(foreman, w.mentor).status_code == 302
    assert foreman.get("/").status_code == 200
    employer = login_as(w.employer)
    assert employer.post(f"/people/{w.mentor.id}/deactivate").status_code == 302
    response = foreman.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    again = login(app.test_client(), w.mentor)
    assert again.status_code == 200  # the form again, no session
    person = _fresh(w.mentor)
    assert person.session_version == version + 1
    event = _events(person, "deactivated")[0]
    assert event.actor_id == w.employer.id and event.changes == {"active": [True, False]}


def test_deactivation_revokes_open_invitations_and_blocks_new_ones(app, login_as):
    d = desk()
    with app.test_request_context():
        invitations.invite(d.coordinator, d.mentor, utcnow())
    client = login_as(d.coordinator)
    assert client.post(f"/people/{d.mentor.id}/deactivate").status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(Invitation)).revoked_at is not None
    page = client.get(f"/mentors/{d.mentor.id}").get_data(as_text=True)
    assert "заблокирован" in page and "Разблокировать" in page
    assert f'/people/{d.mentor.id}/invite"' not in page
    page = client.post(f"/people/{d.mentor.id}/invite", follow_redirects=True)
    assert "Учётная запись заблокирована" in page.get_data(as_text=True)
    assert len(list(db.session.scalars(select(Invitation)))) == 1


def test_reactivation_lets_the_person_sign_in_again(app, login_as):
    w = world()
    client = login_as(w.admin)
    client.post(f"/people/{w.student.id}/deactivate")
    page = client.get(f"/students/{w.student.id}").get_data(as_text=True)
    assert "заблокирован" in page
    response = client.post(f"/people/{w.student.id}/reactivate", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Учётная запись разблокирована." in page
    assert "учётная запись заблокирована" in page  # history, both events
    assert _fresh(w.student).active
    assert _events(w.student, "reactivated")[0].changes == {"active": [False, True]}
    assert login(app.test_client(), w.student).status_code == 302


def test_blocking_twice_or_unblocking_an_active_account_is_refused(login_as):
    w = world()
    client = login_as(w.admin)
    page = client.post(f"/people/{w.mentor.id}/reactivate", follow_redirects=True)
    assert "не заблокирована" in page.get_data(as_text=True)
    client.post(f"/people/{w.mentor.id}/deactivate")
    page = client.post(f"/people/{w.mentor.id}/deactivate", follow_redirects=True)
    assert "уже заблокирована" in page.get_data(as_text=True)
    assert len(_events(w.mentor, "deactivated")) == 1


def test_blocked_badge_in_lists_and_on_organisation_pages(login_as):
    w = world()
    w.mentor.active = False
    w.other_employer.active = False
    w.colleague.active = False
    w.student.active = False
    client = login_as(w.admin)
    badge = "badge--bad\">заблокирован"
    assert badge in client.get("/mentors").get_data(as_text=True)
    assert badge in client.get("/students").get_data(as_text=True)
    enterprise = client.get(f"/enterprises/{w.enterprise.id}").get_data(as_text=True)
    assert enterprise.count(badge) == 2  # the employer and the mentor
    college = client.get(f"/colleges/{w.coordinator.college_id}").get_data(as_text=True)
    assert college.count(badge) == 1 and "Разблокировать" in college


def test_buttons_only_for_those_who_may(login_as):
    w = world()
    client = login_as(w.coordinator)
    enterprise = client.get(f"/enterprises/{w.enterprise.id}").get_data(as_text=True)
    assert "Заблокировать" not in enterprise and "Изменить данные" not in enterprise
    assert "Заблокировать" in client.get(f"/mentors/{w.mentor.id}").get_data(as_text=True)
    assert "Заблокировать" in client.get(f"/students/{w.student.id}").get_data(as_text=True)


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_blocking_needs_the_csrf_token(client):
    w = world()
    db.session.commit()
    token = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
    csrf = token.search(client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"email": w.admin.email, "password": builders.PASSWORD,
                                "csrf_token": csrf})
    assert client.post(f"/people/{w.mentor.id}/deactivate").status_code == 400
    assert _fresh(w.mentor).active
    csrf = token.search(client.get(f"/mentors/{w.mentor.id}").get_data(as_text=True)).group(1)
    response = client.post(f"/people/{w.mentor.id}/deactivate", data={"csrf_token": csrf})
    assert response.status_code == 302
    assert not _fresh(w.mentor).active


# --- contacts of employers and coordinators --------------------------------------------------

CONTACTS = [
    ("admin", "employer", 200), ("admin", "coordinator", 200),
    ("employer", "other_employer", 200), ("employer", "employer", 200),
    ("coordinator", "employer", 403), ("coordinator", "colleague", 403),
    ("employer", "coordinator", 404), ("outsider_employer", "employer", 404),
    ("admin", "mentor", 404), ("admin", "student", 404), ("mentor", "employer", 403),
]


@pytest.mark.parametrize(("actor", "target", "expected"), CONTACTS)
def test_who_may_edit_contacts(login_as, actor, target, expected):
    w = world()
    person = getattr(w, target)
    client = login_as(getattr(w, actor))
    assert client.get(f"/people/{person.id}/contacts").status_code == expected
    response = client.post(f"/people/{person.id}/contacts", data={
        "full_name": "Новое Имя", "email": f"new{person.id}@plant.kz", "phone": "+7 700 1"})
    assert response.status_code == (302 if expected == 200 else expected)
    assert (_fresh(person).full_name == "Новое Имя") == (expected == 200)


def test_employer_edits_a_colleague_and_the_change_is_audited(login_as):
    w = world()
    client = login_as(w.employer)
    old_name, old_email = w.other_employer.full_name, w.other_employer.email
    enterprise = client.get(f"/enterprises/{w.enterprise.id}").get_data(as_text=True)
    assert f"/people/{w.other_employer.id}/contacts" in enterprise
    response = client.post(f"/people/{w.other_employer.id}/contacts", data={
        "full_name": "Айгерим Сейткали", "email": "  HR@Plant.kz ", "phone": "+7 (701) 555-01-02"})
    assert response.headers["Location"].endswith(f"/enterprises/{w.enterprise.id}")
    person = _fresh(w.other_employer)
    assert (person.full_name, person.email, person.phone) == (
        "Айгерим Сейткали", "hr@plant.kz", "+7 701 555 01 02")  # the phone in its one written form
    event = _events(person, "employer_updated")[0]
    assert event.actor_id == w.employer.id
    assert event.changes["full_name"] == [old_name, "Айгерим Сейткали"]
    assert event.changes["email"] == [old_email, "hr@plant.kz"]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("full_name", "", "Заполните это поле."),
    ("email", "not-an-address", "Укажите адрес электронной почты"),
    ("phone", "call me", "Телефон: только цифры"),
])
def test_contact_validation_writes_nothing(login_as, field, value, message):
    w = world()
    client = login_as(w.admin)
    data = {"full_name": "Новое Имя", "email": "ok@plant.kz", "phone": "", field: value}
    response = client.post(f"/people/{w.employer.id}/contacts", data=data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert _fresh(w.employer).full_name == w.employer.full_name
    assert not _events(w.employer, "employer_updated")


def test_taken_e_mail_gets_a_friendly_message(login_as):
    w = world()
    client = login_as(w.admin)
    response = client.post(f"/people/{w.coordinator.id}/contacts", data={
        "full_name": w.coordinator.full_name, "email": w.mentor.email.upper(), "phone": ""})
    assert "уже занят другим пользователем" in response.get_data(as_text=True)
    assert _fresh(w.coordinator).email == w.coordinator.email


def test_coordinator_keeps_an_e_mail_and_employer_blank_keeps_the_current(login_as):
    w = world()
    client = login_as(w.admin)
    old_email = w.employer.email
    response = client.post(f"/people/{w.coordinator.id}/contacts", data={
        "full_name": "Координатор", "email": "", "phone": ""})
    assert "Заполните это поле." in response.get_data(as_text=True)
    assert _fresh(w.coordinator).full_name != "Координатор"
    response = client.post(f"/people/{w.employer.id}/contacts", data={
        "full_name": "Кадровик", "email": "", "phone": ""})
    assert response.status_code == 302
    person = _fresh(w.employer)
    assert person.full_name == "Кадровик" and person.email == old_email
    college = client.get(f"/colleges/{w.coordinator.college_id}").get_data(as_text=True)
    assert f"/people/{w.coordinator.id}/contacts" in college



def test_inviting_and_managing_access_are_two_rules_written_once(app):
    """One predicate per action in the policy module: a coordinator invites a partner
    enterprise's HR (preparing the enterprise) but does not block it; HR blocks a fellow
    employer but invites only its foremen."""
    from app.policy import manages_access_of, manages_invitation_of

    placement = builders.placement()
    coordinator = builders.coordinator(placement.college)
    employer, colleague = builders.employer(placement.enterprise), builders.employer(
        placement.enterprise)
    assert manages_invitation_of(coordinator, employer)
    assert not manages_access_of(coordinator, employer)
    assert manages_access_of(employer, colleague)
    assert not manages_invitation_of(employer, colleague)
    for rule in (manages_access_of, manages_invitation_of):
        assert rule(coordinator, placement.student) and rule(employer, placement.mentor)
        assert not rule(coordinator, builders.admin()) and not rule(employer, employer)
