"""Password reset by e-mail: one answer for every address, a link that works once and expires."""

import logging
import re

import pytest

from app.authentication import verify_password
from app.extensions import db
from app.models import AuditEvent, User
from tests import builders
from tests.conftest import login

ANSWER = "Если этот адрес зарегистрирован, на него отправлена ссылка для смены пароля."
NEW = "новый-пароль-2026"


def _request(client, email, caplog):
    caplog.clear()
    with caplog.at_level(logging.INFO):
        response = client.post("/password/forgot", data={"email": email},
                               follow_redirects=True)
    links = re.findall(r"/password/reset/[\w.\-]+", caplog.text)
    return response, links


def test_the_owner_resets_the_password_through_the_link(app, client, caplog):
    user = builders.mentor(email="foreman@example.kz")
    db.session.commit()
    response, links = _request(client, "Foreman@Example.kz", caplog)
    assert ANSWER in response.get_data(as_text=True)
    assert len(links) == 1
    page = client.get(links[0]).get_data(as_text=True)
    assert "Сохранить пароль" in page
    done = client.post(links[0], data={"new_password": NEW, "confirm": NEW},
                       follow_redirects=True)
    assert "Пароль изменён. Войдите с новым паролем." in done.get_data(as_text=True)
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert verify_password(user, NEW) and not verify_password(user, builders.PASSWORD)
    assert login(client, user, NEW).status_code == 302
    assert db.session.query(AuditEvent).filter_by(action="password_reset").count() == 1


def test_an_unknown_address_gets_the_same_answer_and_no_mail(app, client, caplog):
    builders.mentor(email="foreman@example.kz")
    db.session.commit()
    known, _links = _request(client, "foreman@example.kz", caplog)
    unknown, links = _request(client, "nobody@example.kz", caplog)
    assert links == []
    assert ANSWER in unknown.get_data(as_text=True)
    assert known.status_code == unknown.status_code == 200


def test_a_link_works_once(app, client, caplog):
    builders.mentor(email="foreman@example.kz")
    db.session.commit()
    _response, links = _request(client, "foreman@example.kz", caplog)
    client.post(links[0], data={"new_password": NEW, "confirm": NEW})
    again = client.post(links[0], data={"new_password": "ещё-один-пароль", "confirm":
                                        "ещё-один-пароль"})
    assert again.status_code == 400
    assert "Ссылка недействительна" in again.get_data(as_text=True)
    db.session.expire_all()
    assert verify_password(db.session.scalar(db.select(User).where(
        User.email == "foreman@example.kz")), NEW)


def test_an_older_link_dies_when_the_password_changes_another_way(app, client, caplog):
    user = builders.mentor(email="foreman@example.kz")
    db.session.commit()
    _response, links = _request(client, "foreman@example.kz", caplog)
    user.session_version += 1  # signed out everywhere, or the password changed
    db.session.commit()
    assert client.get(links[0]).status_code == 400


@pytest.mark.parametrize("app_config", [{"RESET_HOURS": 0}])
def test_an_expired_link_is_refused(app, client, caplog):
    import time

    builders.mentor(email="foreman@example.kz")
    db.session.commit()
    _response, links = _request(client, "foreman@example.kz", caplog)
    time.sleep(1.1)
    response = client.post(links[0], data={"new_password": NEW, "confirm": NEW})
    assert response.status_code == 400
    db.session.expire_all()
    assert verify_password(db.session.scalar(db.select(User).where(
        User.email == "foreman@example.kz")), builders.PASSWORD)


def test_a_forged_or_altered_link_is_refused(app, client, caplog):
    other = builders.mentor(email="other@example.kz")
    builders.mentor(email="foreman@example.kz")
    db.session.commit()
    _response, links = _request(client, "foreman@example.kz", caplog)
    token = links[0].rsplit("/", 1)[1]
    for bad in ("nonsense", token[:-2] + "xx", "x" * 2000, token.replace(".", "%00", 1)):
        assert client.get(f"/password/reset/{bad}").status_code in (400, 404)
    db.session.expire_all()
    assert verify_password(db.session.get(User, other.id), builders.PASSWORD)


def test_a_short_or_mismatched_new_password_changes_nothing(app, client, caplog):
    builders.mentor(email="foreman@example.kz")
    db.session.commit()
    _response, links = _request(client, "foreman@example.kz", caplog)
    short = client.post(links[0], data={"new_password": "short", "confirm": "short"})
    assert "Пароль — от 10 до 200 символов." in short.get_data(as_text=True)
    mismatch = client.post(links[0], data={"new_password": NEW, "confirm": NEW + "!"})
    assert "Пароли не совпадают." in mismatch.get_data(as_text=True)
    assert client.get(links[0]).status_code == 200  # still usable


@pytest.mark.parametrize("app_config", [{"RESET_RATE_LIMIT": "2 per hour",
                                         "RESET_ADDRESS_RATE_LIMIT": "4 per hour"}])
def test_reset_requests_are_limited_per_account_and_per_address(app, client, caplog):
    builders.mentor(email="foreman@example.kz")
    db.session.commit()
    for _ in range(2):
        _request(client, "foreman@example.kz", caplog)
    refused, links = _request(client, "foreman@example.kz", caplog)
    assert refused.status_code == 429 and links == []
    assert "Слишком много запросов на смену пароля. Повторите через" in refused.get_data(
        as_text=True)
    # An address that has no account is refused alike: the limit tells nothing.
    for _ in range(2):
        _request(client, "nobody@example.kz", caplog)
    assert _request(client, "nobody@example.kz", caplog)[0].status_code == 429
    # One client, many addresses: the per-client limit.
    assert _request(client, "third@example.kz", caplog)[0].status_code == 429


def test_the_login_page_links_to_the_reset(client):
    assert "/password/forgot" in client.get("/login").get_data(as_text=True)
