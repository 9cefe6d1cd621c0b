"""Invitations: single-use expiring links, QR hand-over, e-mail or log, resend and revoke."""

import hashlib
import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.invitations import services
from app.models import AuditEvent, Invitation, OutboxMail, User, utcnow
from app.rules import RuleViolation
from tests import builders
from tests.builders_people import desk

NEW_PASSWORD = "shop-floor-2025"


@pytest.fixture
def in_request(app):
    with app.test_request_context():
        yield


def _link(page: str) -> str:
    return re.search(r'id="invite-link"[^>]*value="([^"]+)"', page).group(1)


def _path(link: str) -> str:
    return link[link.index("/invite/"):]


def _invite_through_page(client, person) -> str:
    response = client.post(f"/people/{person.id}/invite")
    assert response.status_code == 200, response.status_code
    return _path(_link(response.get_data(as_text=True)))


def test_coordinator_hands_over_a_link_and_qr_to_a_foreman_without_e_mail(login_as):
    d = desk()
    client = login_as(d.coordinator)
    response = client.post(f"/people/{d.mentor.id}/invite")
    page = response.get_data(as_text=True)
    link = _link(page)
    assert "передайте ссылку или покажите QR-код" in page
    assert '<svg viewBox="0 0 ' in page and 'class="qr"' in page  # drawn on the server
    assert "<script>" not in page and "style=" not in page.split("<svg", 1)[1].split("</svg>")[0]
    assert response.headers["Cache-Control"] == "no-store"
    token = link.rsplit("/", 1)[1]
    stored = db.session.scalar(select(Invitation))
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in stored.token_hash
    assert stored.expires_at - stored.created_at == timedelta(days=14)
    person_page = client.get(f"/mentors/{d.mentor.id}").get_data(as_text=True)
    assert "приглашён, ссылка действует до" in person_page and "Отозвать приглашение" in person_page
    assert "отправлено приглашение" in person_page  # history


def test_invitation_is_e_mailed_to_the_log_without_smtp(login_as, caplog):
    d = desk()
    d.mentor.email = "foreman@plant.kz"
    client = login_as(d.coordinator)
    with caplog.at_level(logging.INFO):
        page = client.post(f"/people/{d.mentor.id}/invite").get_data(as_text=True)
    assert "Письмо со ссылкой отправлено на foreman@plant.kz" in page
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "foreman@plant.kz" in logged and _link(page) in logged


def test_invitation_goes_through_smtp_when_configured(app, in_request, monkeypatch):
    sent = []
    monkeypatch.setattr("app.notify.send_email", lambda to, subject, body: sent.append(
        (to, subject, body)))
    d = desk()
    d.mentor.email = "foreman@plant.kz"
    _invitation, token = services.invite(d.coordinator, d.mentor, utcnow())
    assert sent == []  # written to the outbox: sent once the invitation is committed
    db.session.commit()
    assert sent[0][0] == "foreman@plant.kz" and f"/invite/{token}" in sent[0][2]
    mail = db.session.scalar(select(OutboxMail))
    assert mail.sent_at is not None and mail.body == ""  # the one-time link is not kept


def test_smtp_failure_keeps_the_invitation(app, in_request, monkeypatch):
    def broken(*args):
        raise OSError("connection refused")

    monkeypatch.setattr("app.notify.send_email", broken)
    d = desk()
    d.mentor.email = "foreman@plant.kz"
    invitation, _token = services.invite(d.coordinator, d.mentor, utcnow())
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Invitation, invitation.id) is not None
    mail = db.session.scalar(select(OutboxMail))
    assert mail.sent_at is None and "connection refused" in mail.last_error


@pytest.mark.parametrize("app_config", [{"INVITATION_DAYS": 3}])
def test_validity_is_configurable(in_request):
    d = desk()
    now = utcnow()
    invitation, _token = services.invite(d.coordinator, d.mentor, now)
    assert invitation.expires_at == now + timedelta(days=3)


def test_invitee_sets_a_password_and_is_signed_in(login_as, client):
    d = desk()
    d.mentor.email = "foreman@plant.kz"
    version = d.mentor.session_version
    coordinator_client = login_as(d.coordinator)
    path = _invite_through_page(coordinator_client, d.mentor)
    coordinator_client.post("/logout")
    page = client.get(path).get_data(as_text=True)
    assert d.mentor.full_name in page and "foreman@plant.kz" in page
    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # signed in
    db.session.expire_all()
    mentor = db.session.get(User, d.mentor.id)
    assert mentor.is_active and mentor.session_version == version
    assert db.session.scalar(select(Invitation.used_at)) is not None
    # The link is single-use.
    client.post("/logout")
    again = client.get(path)
    assert again.status_code == 410
    assert "уже использовано" in again.get_data(as_text=True)
    assert client.post("/login", data={"email": "foreman@plant.kz",
                                       "password": NEW_PASSWORD}).status_code == 302


def test_a_person_without_e_mail_gives_one_when_accepting(login_as, client):
    d = desk()
    taken = builders.admin(email="taken@example.kz")
    path = _invite_through_page(login_as(d.coordinator), d.mentor)
    client.post("/logout")
    page = client.post(path, data={"email": "", "password": NEW_PASSWORD,
                                   "confirm": NEW_PASSWORD}).get_data(as_text=True)
    assert "Заполните это поле." in page
    page = client.post(path, data={"email": taken.email, "password": NEW_PASSWORD,
                                   "confirm": NEW_PASSWORD}).get_data(as_text=True)
    assert "Этот адрес уже занят" in page
    db.session.expire_all()
    assert db.session.get(User, d.mentor.id).password_hash is None
    response = client.post(path, data={"email": "Petrov@Plant.kz", "password": NEW_PASSWORD,
                                       "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, d.mentor.id).email == "petrov@plant.kz"


@pytest.mark.parametrize(("password", "confirm", "message"), [
    ("short", "short", "Пароль — от 10 до 200 символов."),
    ("", "", "Введите пароль."),
    (NEW_PASSWORD, "something else", "Пароли не совпадают."),
    ("x" * 201, "x" * 201, "Пароль — от 10 до 200 символов."),
])
def test_weak_or_mismatched_passwords_are_refused(login_as, client, password, confirm,
                                                  message):
    d = desk()
    d.mentor.email = "foreman@plant.kz"
    path = _invite_through_page(login_as(d.coordinator), d.mentor)
    client.post("/logout")
    page = client.post(path, data={"password": password, "confirm": confirm}
                       ).get_data(as_text=True)
    assert message in page
    db.session.expire_all()
    assert db.session.get(User, d.mentor.id).password_hash is None
    assert db.session.scalar(select(Invitation.used_at)) is None


def test_service_refuses_a_weak_password(in_request):
    d = desk()
    d.mentor.email = "foreman@plant.kz"
    _inv, token = services.invite(d.coordinator, d.mentor, utcnow())
    with pytest.raises(RuleViolation) as refusal:
        services.accept_invitation(token, "123456789", utcnow())
    assert refusal.value.field == "password"


def test_expired_link_says_so(client, in_request):
    d = desk()
    _inv, token = services.invite(d.coordinator, d.mentor, utcnow() - timedelta(days=15))
    db.session.commit()
    response = client.get(f"/invite/{token}")
    assert response.status_code == 410
    assert "Срок действия приглашения истёк" in response.get_data(as_text=True)
    response = client.post(f"/invite/{token}", data={"password": NEW_PASSWORD,
                                                     "confirm": NEW_PASSWORD})
    assert response.status_code == 410
    db.session.expire_all()
    assert db.session.get(User, d.mentor.id).password_hash is None


def test_unknown_link_says_so(client):
    response = client.get("/invite/not-a-real-token")
    assert response.status_code == 404
    assert "Ссылка-приглашение не найдена" in response.get_data(as_text=True)


def test_revoked_link_says_so(login_as):
    d = desk()
    client = login_as(d.coordinator)
    path = _invite_through_page(client, d.mentor)
    assert client.post(f"/people/{d.mentor.id}/invite/revoke").status_code == 302
    response = client.get(path)
    assert response.status_code == 410
    assert "отозвано" in response.get_data(as_text=True)
    page = client.get(f"/mentors/{d.mentor.id}").get_data(as_text=True)
    assert "приглашение отозвано" in page
    # Nothing left to revoke.
    client.post(f"/people/{d.mentor.id}/invite/revoke")
    assert "Открытого приглашения нет." in client.get(f"/mentors/{d.mentor.id}").get_data(
        as_text=True)


def test_resend_kills_the_old_link(login_as, client):
    d = desk()
    d.mentor.email = "foreman@plant.kz"
    coordinator_client = login_as(d.coordinator)
    old = _invite_through_page(coordinator_client, d.mentor)
    new = _invite_through_page(coordinator_client, d.mentor)
    assert old != new
    assert "заменено новым" in coordinator_client.get(old).get_data(as_text=True)
    coordinator_client.post("/logout")
    assert client.post(new, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
                       ).status_code == 302
    actions = list(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_id == d.mentor.id, AuditEvent.object_type == "users")))
    assert actions.count("invited") == 2 and "invitation_accepted" in actions


def test_a_person_with_a_password_needs_no_invitation(login_as):
    d = desk()
    active = builders.mentor(d.enterprise)
    client = login_as(d.coordinator)
    response = client.post(f"/people/{active.id}/invite", follow_redirects=True)
    assert "уже есть пароль" in response.get_data(as_text=True)
    assert db.session.scalar(select(Invitation)) is None


def test_student_invitation_and_admin_invites_a_coordinator(login_as, client):
    d = desk()
    student = builders.student(d.group, password_hash=None)
    coordinator = builders.coordinator(d.college, password_hash=None)
    admin = builders.admin()
    assert "<svg" in login_as(d.coordinator).post(f"/people/{student.id}/invite").get_data(
        as_text=True)
    client.post("/logout")
    path = _invite_through_page(login_as(admin), coordinator)
    assert path.startswith("/invite/")


INVITE_MATRIX = [
    # (inviter, invitee, expected status)
    ("coordinator", "own student", 200),
    ("coordinator", "other student", 404),
    ("coordinator", "partner mentor", 200),
    ("coordinator", "other mentor", 404),
    ("coordinator", "partner employer", 200),
    ("coordinator", "fellow coordinator", 404),
    ("employer", "partner mentor", 200),
    ("employer", "other mentor", 404),
    ("employer", "own student", 404),  # an employer does not see the college's students
    ("mentor", "partner mentor", 403),
    ("student", "own student", 403),
    ("admin", "other mentor", 200),
]


@pytest.mark.parametrize(("inviter", "invitee", "status"), INVITE_MATRIX)
def test_who_may_invite_whom(login_as, inviter, invitee, status):
    d, other = desk(), desk()
    people = {
        "own student": builders.student(d.group, password_hash=None),
        "other student": builders.student(other.group, password_hash=None),
        "partner mentor": d.mentor,
        "other mentor": other.mentor,
        "partner employer": builders.employer(d.enterprise, password_hash=None),
        "fellow coordinator": builders.coordinator(d.college, password_hash=None),
    }
    inviters = {"coordinator": lambda: d.coordinator,
                "employer": lambda: builders.employer(d.enterprise),
                "mentor": lambda: builders.mentor(d.enterprise),
                "student": lambda: builders.student(d.group), "admin": builders.admin}
    client = login_as(inviters[inviter]())
    target = people[invitee]
    assert client.post(f"/people/{target.id}/invite").status_code == status
    revoke_status = 302 if status == 200 else status
    assert client.post(f"/people/{target.id}/invite/revoke").status_code == revoke_status
    expected = 1 if status == 200 else 0
    assert len(list(db.session.scalars(select(Invitation)))) == expected


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_invite_and_accept_need_the_csrf_token(app, client, in_request):
    d = desk()
    d.mentor.email = "foreman@plant.kz"
    _inv, token = services.invite(d.coordinator, d.mentor, utcnow())
    db.session.commit()
    response = client.post(f"/invite/{token}", data={"password": NEW_PASSWORD,
                                                     "confirm": NEW_PASSWORD})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(User, d.mentor.id).password_hash is None
    page = client.get(f"/invite/{token}").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(f"/invite/{token}", data={"password": NEW_PASSWORD,
                                                     "confirm": NEW_PASSWORD,
                                                     "csrf_token": csrf})
    assert response.status_code == 302


# --- who may invite enterprise staff; the race on accepting (review fixes) ---------------------

def test_coordinator_may_not_invite_an_employer_where_other_colleges_train(login_as, client):
    d, other = desk(), desk()
    # Registered earlier, e.g. by another college; nobody has signed in yet.
    pending = builders.employer(d.enterprise, password_hash=None)
    builders.placement(builders.student(other.group), builders.mentor(d.enterprise))
    response = login_as(d.coordinator).post(f"/people/{pending.id}/invite",
                                            follow_redirects=True)
    assert "студенты других колледжей" in response.get_data(as_text=True)
    assert db.session.scalar(select(Invitation.id)) is None
    db.session.commit()
    client.post("/logout")
    _invite_through_page(login_as(builders.admin()), pending)


def test_coordinator_may_not_invite_an_employer_once_one_has_signed_in(login_as):
    d = desk()
    builders.employer(d.enterprise)
    pending = builders.employer(d.enterprise, password_hash=None)
    response = login_as(d.coordinator).post(f"/people/{pending.id}/invite",
                                            follow_redirects=True)
    assert "уже есть представитель с доступом" in response.get_data(as_text=True)
    assert db.session.scalar(select(Invitation.id)) is None


def test_coordinator_may_not_invite_a_mentor_of_another_colleges_trainees(login_as, client):
    d, other = desk(), desk()
    builders.placement(builders.student(other.group), d.mentor)
    response = login_as(d.coordinator).post(f"/people/{d.mentor.id}/invite",
                                            follow_redirects=True)
    assert "практиканты других колледжей" in response.get_data(as_text=True)
    assert db.session.scalar(select(Invitation.id)) is None
    db.session.commit()
    client.post("/logout")
    _invite_through_page(login_as(builders.employer(d.enterprise)), d.mentor)


def test_can_invite_service_refuses_the_takeover(in_request):
    d, other = desk(), desk()
    builders.placement(builders.student(other.group), d.mentor)
    assert not services.can_invite(d.coordinator, d.mentor)
    with pytest.raises(RuleViolation):
        services.invite(d.coordinator, d.mentor, utcnow())


def test_a_link_accepted_by_a_racing_request_is_not_accepted_twice(in_request, monkeypatch):
    d = desk()
    d.mentor.email = "foreman@plant.kz"
    _invitation, token = services.invite(d.coordinator, d.mentor, utcnow())
    services.accept_invitation(token, NEW_PASSWORD, utcnow())
    db.session.commit()
    first_hash = db.session.get(User, d.mentor.id).password_hash
    # The second request read the link before the first one wrote: its check saw it unused.
    monkeypatch.setattr(services, "link_problem", lambda invitation, now: None)
    with pytest.raises(RuleViolation) as refusal:
        services.accept_invitation(token, "another-password-1", utcnow())
    assert "уже использовано" in refusal.value.message
    db.session.rollback()
    assert db.session.get(User, d.mentor.id).password_hash == first_hash
