"""A reset link handed over in person by whoever manages the person's access (issue 13)."""

import re
import time

import pytest
from sqlalchemy import select

from app.authentication import verify_password
from app.extensions import db
from app.models import AuditEvent, User
from app.people.emails import placeholder_email
from tests import builders
from tests.builders_people import desk
from tests.conftest import login

NEW = "новый-пароль-2026"
PHONE = "+7 701 234 56 78"


def _issue(client, person):
    return client.post(f"/people/{person.id}/reset-link")


def _link(response) -> str:
    found = re.search(r'value="https?://[^/"]+(/password/reset/[\w.\-]+)"',
                      response.get_data(as_text=True))
    assert found, response.get_data(as_text=True)
    return found.group(1)


def _reset(client, link, password=NEW):
    return client.post(link, data={"new_password": password, "confirm": password})


def _fresh(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def _foreman(enterprise, **kw) -> User:
    return builders.mentor(enterprise, email=placeholder_email(), phone=PHONE, **kw)


def test_an_employer_hands_a_foreman_a_link_that_resets_the_password(app, client, login_as):
    d = desk()
    employer, foreman = builders.employer(d.enterprise), _foreman(d.enterprise)
    issued = _issue(login_as(employer), foreman)
    assert issued.status_code == 200 and issued.headers["Cache-Control"] == "no-store"
    page = issued.get_data(as_text=True)
    assert f"Смена пароля для {foreman.full_name}" in page
    assert "Ссылка действует 2 ч и только один раз." in page
    assert '<svg' in page and PHONE in page
    link = _link(issued)
    foreman_client = app.test_client()
    assert login(foreman_client, foreman).status_code == 302  # an older session of the foreman
    fresh = app.test_client()
    assert "Сохранить пароль" in fresh.get(link).get_data(as_text=True)
    assert _reset(fresh, link).headers["Location"].endswith("/login")
    assert verify_password(_fresh(foreman), NEW)
    assert foreman_client.get("/").status_code == 302  # the older session has ended
    events = {e.action: e for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "users", AuditEvent.object_id == foreman.id))}
    assert events["reset_link_issued"].actor_id == employer.id
    assert events["password_reset_issued"].changes == {"issued_by": [None, employer.full_name]}
    history = client.get(f"/mentors/{foreman.id}").get_data(as_text=True)
    assert "выдана ссылка для смены пароля" in history
    assert "пароль восстановлен по выданной ссылке" in history
    assert "Ссылку выдал(а)" in history and employer.full_name in history


def test_a_link_works_once(app, client, login_as):
    d = desk()
    foreman = _foreman(d.enterprise)
    link = _link(_issue(login_as(d.coordinator), foreman))
    other = app.test_client()
    assert _reset(other, link).status_code == 302
    again = _reset(other, link, "ещё-один-пароль")
    assert again.status_code == 400
    assert "Ссылка недействительна" in again.get_data(as_text=True)
    assert verify_password(_fresh(foreman), NEW)


@pytest.mark.parametrize("app_config", [{"RESET_HOURS": 0}])
def test_an_expired_link_is_refused(app, client, login_as):
    d = desk()
    foreman = _foreman(d.enterprise)
    link = _link(_issue(login_as(d.coordinator), foreman))
    time.sleep(1.1)
    assert app.test_client().get(link).status_code == 400
    assert verify_password(_fresh(foreman), builders.PASSWORD)


def test_a_link_resets_only_the_account_it_was_issued_for(app, client, login_as):
    d = desk()
    foreman, other = _foreman(d.enterprise), builders.mentor(d.enterprise)
    link = _link(_issue(login_as(d.coordinator), foreman))
    # The token is signed over its account: changing the account inside it breaks the signature.
    forged = link.replace(link.split("/")[-1][:4], "AAAA")
    assert app.test_client().get(forged).status_code == 400
    assert _reset(app.test_client(), link).status_code == 302
    assert verify_password(_fresh(foreman), NEW)
    assert verify_password(_fresh(other), builders.PASSWORD)


def test_people_out_of_scope_are_not_found_and_the_rest_refused_in_words(app, client,
                                                                         login_as):
    d = desk()
    outsider = builders.coordinator()
    foreign_student = builders.student(builders.group(outsider.college))
    foreman = _foreman(d.enterprise)
    coordinator_client = login_as(d.coordinator)
    assert _issue(coordinator_client, foreign_student).status_code == 404
    # A colleague coordinator is visible but not theirs to manage.
    colleague = builders.coordinator(d.college)
    db.session.commit()
    refused = coordinator_client.post(f"/people/{colleague.id}/reset-link",
                                      follow_redirects=True)
    assert "Вы не можете менять доступ этого пользователя." in refused.get_data(as_text=True)
    assert "/password/reset/" not in refused.get_data(as_text=True)
    # A mentor manages nobody's access.
    mentor = builders.mentor(d.enterprise)
    db.session.commit()
    mentor_client = app.test_client()
    assert login(mentor_client, mentor).status_code == 302
    assert _issue(mentor_client, foreman).status_code == 403
    assert not db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "reset_link_issued")).all()


def test_no_link_for_an_admin_nor_a_blocked_or_never_invited_account(app, client, login_as):
    d = desk()
    admin, other_admin = builders.admin(), builders.admin()
    blocked = _foreman(d.enterprise, active=False)
    uninvited = builders.mentor(d.enterprise, password_hash=None)
    db.session.commit()
    admin_client = login_as(admin)
    refused = admin_client.post(f"/people/{other_admin.id}/reset-link", follow_redirects=True)
    assert "Пароль администратора так не восстанавливается" in refused.get_data(as_text=True)
    for person, words in ((blocked, "Учётная запись заблокирована"),
                          (uninvited, "Пароль ещё не задан")):
        page = admin_client.post(f"/people/{person.id}/reset-link", follow_redirects=True)
        assert words in page.get_data(as_text=True)
        assert "/password/reset/" not in page.get_data(as_text=True)
    shown = admin_client.get(f"/mentors/{uninvited.id}").get_data(as_text=True)
    assert "Выдать ссылку для смены пароля" not in shown
    foreman = _foreman(d.enterprise)
    db.session.commit()
    assert "Выдать ссылку для смены пароля" in admin_client.get(
        f"/mentors/{foreman.id}").get_data(as_text=True)


@pytest.mark.parametrize("app_config", [{"RESET_ISSUE_RATE_LIMIT": "2 per hour"}])
def test_issuing_is_rate_limited_per_person(app, client, login_as):
    d = desk()
    foreman, other = _foreman(d.enterprise), builders.mentor(d.enterprise)
    coordinator_client = login_as(d.coordinator)
    for _ in range(2):
        assert _issue(coordinator_client, foreman).status_code == 200
    third = coordinator_client.post(f"/people/{foreman.id}/reset-link", follow_redirects=True)
    assert "Ссылок для этого пользователя выдано слишком много" in third.get_data(as_text=True)
    assert _issue(coordinator_client, other).status_code == 200
