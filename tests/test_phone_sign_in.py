"""Signing in by e-mail or phone number; phones read once in one written form (issue 13)."""

import pytest

from app import input_checks as checks
from app.domain.phones import canonical
from app.extensions import db
from app.invitations import services as invitations
from app.models import User, utcnow
from app.people.emails import placeholder_email
from tests import builders

PHONE = "+7 701 234 56 78"
WRONG = "Неверная электронная почта, телефон или пароль."
SHARED = "Этот номер телефона указан у нескольких учётных записей. Войдите по электронной почте."


def _post(client, identifier, password=builders.PASSWORD):
    return client.post("/login", data={"email": identifier, "password": password})


@pytest.mark.parametrize("typed", [
    "+7 701 234 56 78", "8 701 234 56 78", "8 (701) 234-56-78", "87012345678", "+77012345678",
    "7012345678", "+7 (701) 234 56 78", " 8-701-234-56-78 ",
])
def test_every_usual_way_of_writing_a_kazakh_number_reads_the_same(typed):
    assert canonical(typed) == PHONE


@pytest.mark.parametrize("typed", ["", "12345", "+7 700 1", "name@example.kz", "8 000 000"])
def test_what_is_not_a_phone_number_reads_as_none(typed):
    assert canonical(typed) is None


def test_forms_store_the_one_written_form_and_keep_an_unreadable_number_as_typed(app):
    assert checks.phone("8 (701) 234-56-78") == PHONE
    assert checks.phone("+7 700 1") == "+7 700 1"


@pytest.mark.parametrize("typed", ["+7 701 234 56 78", "8 (701) 234-56-78", "87012345678"])
def test_a_person_signs_in_with_the_phone_written_any_usual_way(app, client, typed):
    builders.mentor(email=placeholder_email(), phone=PHONE)
    db.session.commit()
    assert _post(client, typed).status_code == 302


def test_a_wrong_password_reads_the_same_whether_the_phone_exists_or_not(app, client):
    builders.mentor(phone=PHONE)
    db.session.commit()
    known = _post(client, PHONE, "wrong-password")
    unknown = _post(client, "+7 702 999 00 11", "wrong-password")
    bad_mail = _post(client, "nobody@example.kz", "wrong-password")
    for response in (known, unknown, bad_mail):
        assert response.status_code == 200
        assert WRONG in response.get_data(as_text=True)
        assert SHARED not in response.get_data(as_text=True)


def test_a_phone_on_two_accounts_signs_nobody_in_and_says_to_use_the_e_mail(app, client):
    first = builders.mentor(phone=PHONE)
    builders.student(phone=PHONE)
    db.session.commit()
    shared = _post(client, "87012345678")
    assert shared.status_code == 200
    assert SHARED in shared.get_data(as_text=True)
    # With a wrong password the answer is the usual one: nothing said about the number.
    wrong = _post(client, PHONE, "wrong-password")
    assert WRONG in wrong.get_data(as_text=True) and SHARED not in wrong.get_data(as_text=True)
    assert _post(client, first.email).status_code == 302


def test_a_blocked_account_does_not_sign_in_by_phone(app, client):
    builders.mentor(phone=PHONE, active=False)
    db.session.commit()
    assert WRONG in _post(client, PHONE).get_data(as_text=True)


@pytest.mark.parametrize("app_config", [{"LOGIN_RATE_LIMIT": "3 per 15 minutes"}])
def test_the_login_limit_counts_a_phone_however_it_is_written(app, client):
    user = builders.mentor(phone=PHONE)
    db.session.commit()
    for typed in ("8 701 234 56 78", "+77012345678", "8 (701) 234-56-78"):
        assert _post(client, typed, "wrong").status_code == 200
    assert _post(client, PHONE).status_code == 429
    assert _post(client, user.email).status_code == 302  # the e-mail is another identifier


def test_an_invitee_without_e_mail_may_sign_in_by_a_phone_of_their_own(app, client):
    foreman = builders.mentor(email=placeholder_email(), phone=PHONE, password_hash=None)
    db.session.flush()
    _invitation, token = invitations.invite(builders.admin(), foreman, utcnow())
    db.session.commit()
    page = client.get(f"/invite/{token}").get_data(as_text=True)
    assert f"вы будете входить по номеру телефона {PHONE}" in page
    password = "пароль-мастера-1"
    response = client.post(f"/invite/{token}", data={"email": "", "password": password,
                                                     "confirm": password})
    assert response.status_code == 302
    assert db.session.get(User, foreman.id).email.endswith("@no-email.invalid")
    other = app.test_client()
    assert _post(other, "8 701 234 56 78", password).status_code == 302


def test_an_invitee_sharing_the_phone_must_still_give_an_e_mail(app, client):
    builders.student(phone=PHONE)
    foreman = builders.mentor(email=placeholder_email(), phone=PHONE, password_hash=None)
    db.session.flush()
    _invitation, token = invitations.invite(builders.admin(), foreman, utcnow())
    db.session.commit()
    password = "пароль-мастера-1"
    response = client.post(f"/invite/{token}", data={"email": "", "password": password,
                                                     "confirm": password})
    assert response.status_code == 200
    assert db.session.get(User, foreman.id).password_hash is None


def test_the_demo_world_draws_phone_numbers_that_sign_in():
    import random

    from app.demo.names import NameBook

    book = NameBook(random.Random(7))
    drawn = [book.phone() for _ in range(300)]
    assert all(canonical(phone) == phone for phone in drawn)
